package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.peers.PostfixPeer;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.spool.Spool;

/**
 * smtp+starttls:// with a user and password against a real Postfix (STARTTLS with a
 * self-signed certificate, AUTH only after TLS through Dovecot): the smarthost case.
 */
class UpstreamPostfixTest {

    static PostfixPeer peer;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Peers.require("postfix", "dovecot");
        peer = PostfixPeer.start();
    }

    @AfterAll
    static void stop() {
        if (peer != null) {
            peer.close();
        }
    }

    Upstream upstream(String passwordEnv, boolean trusted) {
        String url = "smtp+starttls://" + peer.user() + "@127.0.0.1:" + peer.port() + "?password-env=UPSTREAM_PW";
        return Upstreams.create(UpstreamUrl.parse(url), Fixtures.settings().withEnv(Map.of("UPSTREAM_PW", passwordEnv))
                .withExtraTrust(trusted ? List.of(peer.certificate()) : List.of()));
    }

    @Test
    void aSmarthostWithStartTlsAndAuthTakesTheMailWhenItsCertificateIsTrustedExplicitly() throws Exception {
        try (Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, peer.user(), List.of("someone@example.net"), Fixtures.message("via postfix"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(peer.password(), true)),
                    Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
            }
            assertThat(log.events("delivered")).singleElement().asString().contains("reply=\"250 2.0.0 Ok: queued as ");
            assertThat(log.all()).allSatisfy(l -> assertThat(l).doesNotContain(peer.password()));
        }
    }

    @Test
    void aWrongPasswordDefersWithTheCauseAndNeverBounces() throws Exception {
        try (Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, peer.user(), List.of("someone@example.net"), Fixtures.message("wrong password"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream("Not-the-password-1", true)),
                    Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !log.events("upstream-unavailable").isEmpty());
            }
            assertThat(log.events("upstream-unavailable").get(0)).contains("phase=auth", "reply=\"535 5.7.8", "cause=wrong_credentials");
            assertThat(spool.list()).hasSize(1);
            assertThat(log.all()).allSatisfy(l -> assertThat(l).doesNotContain("Not-the-password-1"));
        }
    }

    @Test
    void anUntrustedSmarthostCertificateStopsTheSessionBeforeTheCredentials() throws Exception {
        long authsBefore = Files.readString(peer.maillog()).lines().filter(l -> l.contains("sasl_")).count();
        Upstream.Opened o = upstream(peer.password(), false).open();
        assertThat(o).isInstanceOfSatisfying(Upstream.Refused.class, r -> {
            assertThat(r.failure().event()).contains("cert.untrusted");
            assertThat(r.failure().phase()).isEqualTo("certificate");
        });
        assertThat(Files.readString(peer.maillog()).lines().filter(l -> l.contains("sasl_")).count()).isEqualTo(authsBefore);
    }
}
