package org.smtpdoctor.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.check.CheckListener;
import org.smtpdoctor.check.CheckRequest;
import org.smtpdoctor.check.CheckResult;
import org.smtpdoctor.check.CheckRunner;
import org.smtpdoctor.check.Finding;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.check.StepId;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.net.SystemResolver;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.Transcript;

/**
 * smtp-doctor check against a real Postfix (STARTTLS with a self-signed certificate,
 * AUTH only after STARTTLS, SASL through Dovecot, relaying nowhere).
 */
class CheckAgainstPostfixTest {

    private static PostfixPeer peer;
    private static PostfixPeer noTls;

    @BeforeAll
    static void start() {
        Peers.require("postfix", "dovecot", "swaks", "openssl");
        peer = PostfixPeer.start();
        noTls = PostfixPeer.start(PostfixPeer.Options.defaults().withStarttls(false));
    }

    @AfterAll
    static void stop() {
        if (peer != null) {
            peer.close();
        }
        if (noTls != null) {
            noTls.close();
        }
    }

    private static CheckRequest request(PostfixPeer p, Security security, String password, boolean trust, boolean auth) {
        return new CheckRequest(p.host(), p.port(), security, Optional.empty(), "client.lab.test",
                auth ? Optional.of(p.user()) : Optional.empty(), auth ? Optional.of(Secret.of(password)) : Optional.empty(),
                Optional.empty(), Optional.empty(), !auth, Optional.of(p.user()), Optional.of("someone@example.org"), false,
                Duration.ofSeconds(10), trust ? List.of(p.certificate()) : List.of(), false,
                org.smtpdoctor.tls.TlsClient.MODERN, security == Security.NONE, Optional.empty());
    }

    private static CheckResult check(CheckRequest request) {
        return new CheckRunner(new SystemResolver(), KnowledgeBase::bundled).run(request, CheckListener.NONE);
    }

    private static Finding step(CheckResult r, StepId id) {
        return r.findings().stream().filter(f -> f.step() == id).findFirst().orElseThrow();
    }

    private static String cause(CheckResult r) {
        return r.cause().map(c -> c.id()).orElse(null);
    }

    @Test
    void theHealthyPathPassesUpToRcptTo() {
        CheckResult r = check(request(peer, Security.STARTTLS, peer.password(), true, true));
        assertThat(r.verdict()).as(r.findings().toString()).isEqualTo(Status.PASS);
        assertThat(step(r, StepId.AUTH).summary()).contains("authenticated as " + peer.user());
        assertThat(step(r, StepId.RCPT_TO).status()).isEqualTo(Status.PASS);
        assertThat(step(r, StepId.DATA).status()).isEqualTo(Status.SKIP);
        assertThat(r.transcript()).extracting(Transcript.Entry::text).doesNotContain(peer.password());
    }

    @Test
    void aWrongPasswordIsWrongCredentials() {
        CheckResult r = check(request(peer, Security.STARTTLS, "Not-The-Password-1", true, true));
        assertThat(step(r, StepId.AUTH).status()).isEqualTo(Status.FAIL);
        assertThat(cause(r)).isEqualTo("wrong_credentials");
        // Postfix is not Microsoft: no tenant instructions.
        assertThat(String.join(" ", r.diagnosis().orElseThrow().remedies())).doesNotContain("Set-CASMailbox");
    }

    @Test
    void withoutStartTlsAuthIsHiddenAndTheCheckSaysTlsIsRequired() {
        CheckResult r = check(request(peer, Security.NONE, peer.password(), true, true));
        assertThat(step(r, StepId.AUTH_MECHANISMS).status()).isEqualTo(Status.FAIL);
        assertThat(cause(r)).isEqualTo("tls_required_starttls");
    }

    @Test
    void aServerWithoutStartTlsFailsTheTlsStepAndNoPasswordIsSent() {
        CheckResult r = check(request(noTls, Security.STARTTLS, noTls.password(), false, true));
        assertThat(step(r, StepId.TLS).status()).isEqualTo(Status.FAIL);
        assertThat(step(r, StepId.TLS).summary()).contains("does not offer STARTTLS");
        assertThat(cause(r)).isEqualTo("config_host_or_port");
        assertThat(step(r, StepId.AUTH).status()).isEqualTo(Status.SKIP);
    }

    @Test
    void postfixWithoutTlsOffersAuthInPlainTextAndTheCheckSaysWhatHappened() {
        // smtpd_tls_auth_only only hides AUTH while TLS is optional; with TLS off, Postfix offers it.
        CheckResult r = check(request(noTls, Security.NONE, noTls.password(), false, true));
        assertThat(step(r, StepId.AUTH).status()).isEqualTo(Status.PASS);
        assertThat(step(r, StepId.TLS).summary()).contains("plain text");
    }

    @Test
    void aSelfSignedCertificateIsUntrustedUnlessTrustedExplicitly() {
        CheckResult r = check(request(peer, Security.STARTTLS, peer.password(), false, true));
        assertThat(step(r, StepId.CERTIFICATE).status()).isEqualTo(Status.FAIL);
        assertThat(cause(r)).isEqualTo("tls_certificate");
        // No credentials go over a connection whose certificate failed.
        assertThat(step(r, StepId.AUTH).status()).isEqualTo(Status.SKIP);
        assertThat(r.transcript()).extracting(Transcript.Entry::text).noneMatch(t -> t.startsWith("AUTH"));
    }

    @Test
    void unauthenticatedRelayingIsRefusedAndNamed() {
        CheckResult r = check(request(peer, Security.STARTTLS, "", true, false));
        assertThat(step(r, StepId.RCPT_TO).status()).isEqualTo(Status.FAIL);
        assertThat(cause(r)).isEqualTo("relay_denied_connector");
    }

    @Test
    void theCapabilitiesWeParseEqualWhatSwaksShows() {
        List<String> ours = keywordsSeenBy(Security.NONE);
        Swaks.Result plain = Swaks.run(new ArrayList<>(List.of("--server", peer.host() + ":" + peer.port(),
                "--quit-after", "EHLO")), Duration.ofSeconds(30));
        assertThat(ours).isEqualTo(firstWords(plain.lastEhloKeywords()));

        List<String> oursTls = keywordsSeenBy(Security.STARTTLS);
        Swaks.Result tls = Swaks.run(new ArrayList<>(List.of("--server", peer.host() + ":" + peer.port(),
                "--tls", "--quit-after", "EHLO")), Duration.ofSeconds(30));
        assertThat(oursTls).isEqualTo(firstWords(tls.lastEhloKeywords())).contains("AUTH");
    }

    /** The keywords of the last EHLO reply in our transcript (first word of each line after the greeting). */
    private static List<String> keywordsSeenBy(Security security) {
        CheckResult r = check(request(peer, security, "", true, false));
        List<String> last = new ArrayList<>();
        List<String> group = new ArrayList<>();
        for (Transcript.Entry e : r.transcript()) {
            if (e.dir() != Transcript.Direction.RECEIVED || !e.text().startsWith("250")) {
                group.clear();
                continue;
            }
            group.add(e.text().substring(4));
            if (e.text().charAt(3) == ' ') {
                if (group.size() > 1) {
                    last = firstWords(group.subList(1, group.size()));
                }
                group.clear();
            }
        }
        return last;
    }

    private static List<String> firstWords(List<String> lines) {
        return lines.stream().map(l -> l.split("[ =]")[0].toUpperCase(Locale.ROOT)).toList();
    }
}
