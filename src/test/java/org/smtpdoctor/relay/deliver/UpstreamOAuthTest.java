package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.oauth.OAuthServer;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;

/**
 * m365-oauth:// against a local OAuth server (mock-oauth2-server laid out like Entra) and a
 * STARTTLS submission endpoint standing in for smtp.office365.com:587 (the lab's OAuth
 * scenarios are not on this branch; host, port and trust are the test's settings).
 */
class UpstreamOAuthTest {

    static final String SECRET = "Canary-client-5ecret-" + System.nanoTime();

    @TempDir
    Path dir;

    OAuthServer oauth;

    @BeforeEach
    void startOAuth() throws Exception {
        oauth = new OAuthServer();
    }

    @AfterEach
    void stopOAuth() {
        oauth.close();
    }

    Upstream upstream(TlsSmtpServer smtp, boolean trusted) {
        String url = "m365-oauth://relay@contoso.com?tenant=" + OAuthServer.TENANT + "&client-id=" + OAuthServer.CLIENT
                + "&client-secret-env=RELAY_SECRET&authority=" + oauth.authority().base();
        UpstreamSettings s = Fixtures.settings().withEnv(Map.of("RELAY_SECRET", SECRET)).withM365Endpoint("localhost", smtp.port())
                .withExtraTrust(trusted ? List.of(smtp.certificate.certificate()) : List.of());
        return Upstreams.create(UpstreamUrl.parse(url), s);
    }

    @Test
    void m365OauthSendsOverStartTlsAsTheMailboxWithOneAppOnlyTokenForSeveralSessions() throws Exception {
        try (TlsSmtpServer smtp = new TlsSmtpServer((n, a) -> "235 2.7.0 Authentication successful");
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "relay@contoso.com", List.of("bob@contoso.com"), Fixtures.message("one"));
            Fixtures.accept(spool, "relay@contoso.com", List.of("carol@contoso.com"), Fixtures.message("two"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(smtp, true)),
                    Fixtures.options().withSessionMaxMessages(1))) {
                await().atMost(Duration.ofSeconds(15)).until(() -> spool.list().isEmpty());
            }
            assertThat(smtp.messages).hasSize(2);
            assertThat(smtp.messages.get(0).text()).contains("Subject: one");
            assertThat(smtp.auths).hasSize(2).allSatisfy(a -> {
                assertThat(a.user()).isEqualTo("relay@contoso.com");
                assertThat(a.tls()).isTrue();
                assertThat(a.token()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
            });
            assertThat(smtp.auths.get(0).token()).as("the token is cached between sessions").isEqualTo(smtp.auths.get(1).token());
            assertThat(smtp.sessions.get()).isEqualTo(2);
            assertNoSecretIn(log, smtp);
        }
    }

    @Test
    void aTokenRefused535_5_7_3IsRenewedOnceAndTheMessageGoesThrough() throws Exception {
        try (TlsSmtpServer smtp = new TlsSmtpServer((n, a) -> n == 1
                ? "535 5.7.3 Authentication unsuccessful [LO4P123CA0001.GBRP123.PROD.OUTLOOK.COM]"
                : "235 2.7.0 Authentication successful");
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "relay@contoso.com", List.of("bob@contoso.com"), Fixtures.message("renew"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(smtp, true)), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> spool.list().isEmpty());
            }
            assertThat(smtp.sessions.get()).as("renewed within the same session").isEqualTo(1);
            assertThat(smtp.auths).hasSize(2);
            assertThat(smtp.auths.get(1).token()).isNotEqualTo(smtp.auths.get(0).token());
            assertThat(smtp.messages).hasSize(1);
            assertNoSecretIn(log, smtp);
        }
    }

    @Test
    void aTokenRefusedEvenWhenFreshDefersTheMailWithTheCauseAndTriesOnlyOnceMorePerSession() throws Exception {
        try (TlsSmtpServer smtp = new TlsSmtpServer((n, a) -> "535 5.7.3 Authentication unsuccessful");
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "relay@contoso.com", List.of("bob@contoso.com"), Fixtures.message("refused"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(smtp, true)), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> log.events("upstream-unavailable").size() >= 1);
                Thread.sleep(50);
            }
            // Each session: the cached token, then one fresh one, then no more (a session cut by
            // the shutdown may have got to neither).
            assertThat(smtp.auths.size()).isBetween(2, 2 * smtp.sessions.get());
            assertThat(smtp.auths.get(1).token()).isNotEqualTo(smtp.auths.get(0).token());
            assertThat(log.events("upstream-unavailable").get(0)).contains("phase=xoauth2", "reply=\"535 5.7.3 Authentication unsuccessful\"")
                    .doesNotContain("cause=unknown");
            assertThat(spool.list()).singleElement().satisfies(m ->
                    assertThat(m.recipients().get(0).status()).isEqualTo(RecipientState.Status.DEFERRED));
            assertThat(smtp.messages).isEmpty();
            assertNoSecretIn(log, smtp);
        }
    }

    @Test
    void anUntrustedCertificateStopsTheSessionBeforeAnyTokenIsSent() throws Exception {
        try (TlsSmtpServer smtp = new TlsSmtpServer((n, a) -> "235 2.7.0 Authentication successful");
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "relay@contoso.com", List.of("bob@contoso.com"), Fixtures.message("mitm"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(smtp, false)), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> log.events("upstream-unavailable").size() >= 1);
            }
            assertThat(smtp.auths).isEmpty();
            // Microsoft's certificates chain to public roots: an untrusted one at "Microsoft" is an interceptor.
            assertThat(log.events("upstream-unavailable").get(0)).contains("phase=certificate", "cause=smtp_inspection_interference");
        }
    }

    private static void assertNoSecretIn(LogLines log, TlsSmtpServer smtp) {
        List<String> lines = log.all();
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(SECRET));
        for (TlsSmtpServer.Auth a : smtp.auths) {
            assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain(a.token()));
        }
    }
}
