package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.net.MailDnsAnswer;
import org.smtpdoctor.net.MailDnsMx;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.FakeSmtpServer;
import org.smtpdoctor.testing.Ports;

/** Upstream sessions: reuse, MX order, TLS demanded but not offered, and what shutdown leaves behind. */
class DeliverSessionTest {

    @TempDir
    Path dir;

    @Test
    void oneUpstreamSessionCarriesSeveralQueuedMessages() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null);
             Spool spool = Fixtures.spool(dir)) {
            for (int i = 0; i < 4; i++) {
                Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("reuse " + i));
            }
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(DeliverRetryTest.upstream(up)), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            }
            assertThat(up.messages).hasSize(4);
            assertThat(up.sessions.get()).isEqualTo(1);
            assertThat(up.count("QUIT")).isEqualTo(1);
        }
    }

    @Test
    void aReusedSessionTheServerClosedMeanwhileIsReplacedAtOnceWithoutDeferringTheMessage() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("MAIL") && n == 2 ? "CLOSE" : null);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            for (int i = 0; i < 2; i++) {
                Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("stale " + i));
            }
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(DeliverRetryTest.upstream(up)), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            }
            assertThat(up.messages).hasSize(2);
            assertThat(up.sessions.get()).isEqualTo(2);
            assertThat(log.events("deferred")).isEmpty();
        }
    }

    @Test
    void whenTheFirstUpstreamIsDownTheNextOneTakesTheMessageAtOnce() throws Exception {
        int down = Ports.free();
        try (ScriptedSmtp second = new ScriptedSmtp((line, n) -> null);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("fallback"));
            RetryPolicy longBackoff = new RetryPolicy(Duration.ofMinutes(5), Duration.ofMinutes(10), 0.2, Duration.ofDays(1),
                    Duration.ofMinutes(5), Duration.ofMinutes(10));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(),
                    List.of(Fixtures.upstream("smtp://127.0.0.1:" + down), DeliverRetryTest.upstream(second)),
                    Fixtures.options().withRetry(longBackoff))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
                assertThat(w.status().upstreams().get(0).backedOffUntil()).isPresent();
                assertThat(w.status().upstreams().get(1).lastEvent()).contains("delivered");
            }
            assertThat(second.messages).hasSize(1);
            assertThat(log.events("upstream-unavailable")).singleElement().asString().contains("smtp://127.0.0.1:" + down);
            assertThat(log.events("deferred")).isEmpty();
            assertThat(log.events("delivered")).singleElement().asString().contains("upstream=smtp://127.0.0.1:" + second.port());
        }
    }

    @Test
    void mxDeliveryTriesTheMxHostsInPreferenceOrder() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null);
             Spool spool = Fixtures.spool(dir)) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("via mx"));
            // 127.0.0.2 is loopback too, with nothing listening: the preferred MX is down.
            UpstreamSettings s = Fixtures.settings().withMx(domain -> new MailDnsAnswer.Found<>(List.of(
                    new MailDnsMx("127.0.0.1", 20), new MailDnsMx("127.0.0.2", 10))), up.port());
            Upstream mx = Upstreams.create(UpstreamUrl.parse("mx://contoso.com"), s);
            try (LogLines log = new LogLines();
                 DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(mx), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
                assertThat(log.events("delivered")).singleElement().asString().contains("upstream=mx://contoso.com", "host=127.0.0.1");
            }
            assertThat(up.messages).hasSize(1);
        }
    }

    @Test
    void aNullMxMeansNoDeliveryAndTheMessageWaitsForTheAdministrator() throws Exception {
        UpstreamSettings s = Fixtures.settings().withMx(domain -> new MailDnsAnswer.Found<>(List.of(new MailDnsMx(".", 0))), 25);
        Upstream.Opened o = Upstreams.create(UpstreamUrl.parse("mx://contoso.com"), s).open();
        assertThat(o).isInstanceOfSatisfying(Upstream.Refused.class, r -> {
            assertThat(r.failure().event()).contains("route.no-mx");
            assertThat(r.failure().text()).contains("null MX");
        });
    }

    @Test
    void smtpsSpeaksTlsFromTheFirstByteAndAuthenticatesWithThePassword() throws Exception {
        String canary = "Canary-smtps-" + System.nanoTime();
        try (TlsSmtpServer up = new TlsSmtpServer((n, a) -> "235 2.7.0 Authentication successful", true);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("implicit tls"));
            Upstream smtps = Upstreams.create(UpstreamUrl.parse("smtps://hve@contoso.com@localhost:" + up.port() + "?password-env=PW"),
                    Fixtures.settings().withEnv(java.util.Map.of("PW", canary)).withExtraTrust(List.of(up.certificate.certificate())));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(smtps), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            }
            assertThat(up.auths).singleElement().isEqualTo(new TlsSmtpServer.Auth("hve@contoso.com", canary, true));
            assertThat(up.messages).singleElement().satisfies(m -> assertThat(m.text()).contains("Subject: implicit tls"));
            assertThat(log.all()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(canary));
        }
    }

    @Test
    void aCaFileParameterIsTrustedForThatUpstreamOnly() throws Exception {
        try (TlsSmtpServer up = new TlsSmtpServer((n, a) -> "235 2.7.0 Authentication successful", true)) {
            Path pem = java.nio.file.Files.writeString(dir.resolve("smarthost-ca.pem"), up.certificate.certificatePem());
            // UpstreamUrl.parse does not accept ca-file yet; the record is built as it will parse it.
            UpstreamUrl url = new UpstreamUrl(UpstreamUrl.Scheme.SMTPS, "localhost", up.port(), Optional.of("hve@contoso.com"),
                    Optional.of("hve@contoso.com"), java.util.Map.of("password-env", "PW", "ca-file", pem.toString()),
                    "smtps://hve@contoso.com@localhost:" + up.port() + "?password-env=PW&ca-file=" + pem);
            UpstreamSettings s = Fixtures.settings().withEnv(java.util.Map.of("PW", "pw-123456"));
            Upstream.Opened o = Upstreams.create(url, s).open();
            assertThat(o).isInstanceOf(Upstream.Ready.class);
            ((Upstream.Ready) o).session().close();
            Upstream.Opened without = Fixtures.upstream("smtps://hve@contoso.com@localhost:" + up.port() + "?password-file=" + pem).open();
            assertThat(without).isInstanceOfSatisfying(Upstream.Refused.class, r -> assertThat(r.failure().event()).contains("cert.untrusted"));
        }
    }

    @Test
    void smtpStartTlsRefusesAServerThatDoesNotOfferIt() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null)) {
            Upstream.Opened o = Fixtures.upstream("smtp+starttls://127.0.0.1:" + up.port()).open();
            assertThat(o).isInstanceOfSatisfying(Upstream.Refused.class, r -> {
                assertThat(r.failure().event()).contains("tls.starttls-not-offered");
                assertThat(r.failure().phase()).isEqualTo("tls");
            });
            assertThat(up.count("MAIL")).isZero();
        }
    }

    @Test
    void closingTheWorkerCutsADeliveryStuckPastTheGraceAndReleasesItsLease() throws Exception {
        try (FakeSmtpServer stuck = new FakeSmtpServer(FakeSmtpServer.reply("220 stuck.test ESMTP"), line ->
                line.startsWith("EHLO") ? FakeSmtpServer.reply("250 stuck.test")
                        : line.equals("DATA") ? FakeSmtpServer.reply("354 go ahead")
                        : line.equals(".") ? new FakeSmtpServer.Stall()
                        : line.startsWith("MAIL") || line.startsWith("RCPT") ? FakeSmtpServer.reply("250 OK")
                        : new FakeSmtpServer.Send(""));
             Spool spool = Fixtures.spool(dir)) {
            String id = Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("stuck"));
            DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(Fixtures.upstream("smtp://127.0.0.1:" + stuck.port())),
                    Fixtures.options().withShutdownGrace(Duration.ofMillis(300)));
            await().atMost(Duration.ofSeconds(10)).until(() -> stuck.received().contains("."));
            assertThat(spool.due(Instant.now())).as("leased while in delivery").isEmpty();
            long t0 = System.nanoTime();
            w.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            // Cut before the final reply: not delivered; deferred and released for the next run.
            assertThat(spool.get(id).orElseThrow().recipients().get(0).status())
                    .isIn(RecipientState.Status.DEFERRED, RecipientState.Status.PENDING);
            assertThat(spool.due(Instant.now().plus(Duration.ofHours(1)))).extracting(m -> m.id()).containsExactly(id);
        }
    }
}
