package org.smtpdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.testing.FakeSmtpServer.reply;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.testing.FakeSmtpServer;
import org.smtpdoctor.testing.FakeSmtpServer.Action;
import org.smtpdoctor.testing.Ports;

/** How each step classifies what a (scripted) server does, without real peers. */
class StepOutcomeTest {

    private static final Resolver LOOPBACK = (host, timeout) -> List.of(InetAddress.getLoopbackAddress());

    /** Long enough for a loaded machine's fake server to answer; the tests that wait one out give a short one. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static CheckRequest request(int port, Security security, boolean auth) {
        return request(port, security, auth, TIMEOUT);
    }

    private static CheckRequest request(int port, Security security, boolean auth, Duration timeout) {
        return new CheckRequest("127.0.0.1", port, security, Optional.empty(), "client.test",
                auth ? Optional.of("user@example.org") : Optional.empty(),
                auth ? Optional.of(Secret.of("Canary-Pw-771")) : Optional.empty(), Optional.empty(), Optional.empty(),
                false, Optional.of("user@example.org"), Optional.of("rcpt@example.org"), false,
                timeout, List.of(), false, org.smtpdoctor.tls.TlsClient.MODERN, true, Optional.empty());
    }

    private static CheckResult run(CheckRequest request) {
        return new CheckRunner(LOOPBACK, KnowledgeBase::bundled).run(request, CheckListener.NONE);
    }

    private static CheckResult runAgainst(Action greeting, Function<String, Action> script, Security security, boolean auth)
            throws Exception {
        return runAgainst(greeting, script, security, auth, TIMEOUT);
    }

    private static CheckResult runAgainst(Action greeting, Function<String, Action> script, Security security, boolean auth,
            Duration timeout) throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(greeting, script)) {
            return run(request(server.port(), security, auth, timeout));
        }
    }

    private static Finding step(CheckResult result, StepId id) {
        return result.findings().stream().filter(f -> f.step() == id).findFirst().orElseThrow();
    }

    private static String cause(CheckResult result) {
        return result.cause().map(c -> c.id()).orElse(null);
    }

    @Test
    void aPlainServerPassesUpToRcptAndTheRestIsSkippedWithReasons() throws Exception {
        CheckResult result = runAgainst(reply("220 fake.test ESMTP"), FakeSmtpServer.plainServer(), Security.NONE, false);
        assertThat(result.findings()).extracting(Finding::step).containsExactly(StepId.CONFIG, StepId.DNS, StepId.TCP,
                StepId.BANNER, StepId.EHLO, StepId.TLS, StepId.CERTIFICATE, StepId.AUTH_MECHANISMS, StepId.AUTH,
                StepId.MAIL_FROM, StepId.RCPT_TO, StepId.DATA);
        assertThat(step(result, StepId.RCPT_TO).status()).isEqualTo(Status.PASS);
        assertThat(step(result, StepId.TLS).status()).isEqualTo(Status.SKIP);
        assertThat(step(result, StepId.DATA).summary()).contains("--send");
        assertThat(result.verdict()).isEqualTo(Status.PASS);
        assertThat(result.cause()).isEmpty();
    }

    @Test
    void aServerThatNeverGreetsIsATimeoutWithinTheBound() throws Exception {
        long start = System.nanoTime();
        CheckResult result = runAgainst(new FakeSmtpServer.Stall(), FakeSmtpServer.plainServer(), Security.NONE, false,
                Duration.ofSeconds(1));
        // The 1 s timeout plus 3 s for a loaded machine: a check that ignored the timeout would wait for ever.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        Finding banner = step(result, StepId.BANNER);
        assertThat(banner.status()).isEqualTo(Status.FAIL);
        assertThat(banner.summary()).contains("did not answer");
        assertThat(cause(result)).isEqualTo("config_host_or_port");
        assertThat(step(result, StepId.EHLO).status()).isEqualTo(Status.SKIP);
        assertThat(step(result, StepId.EHLO).summary()).isEqualTo("skipped: banner failed");
    }

    @Test
    void somethingThatIsNotSmtpIsNamedAsSuch() throws Exception {
        CheckResult result = runAgainst(reply("HTTP/1.1 400 Bad Request"), FakeSmtpServer.plainServer(), Security.NONE, false);
        assertThat(step(result, StepId.BANNER).summary()).contains("not SMTP").contains("HTTP/1.1 400");
        assertThat(cause(result)).isEqualTo("smtp_inspection_interference");
    }

    @Test
    void aServerThatStopsInTheMiddleOfAReplyIsATimeoutNotAHang() throws Exception {
        CheckResult result = runAgainst(reply("220 fake.test"),
                line -> new FakeSmtpServer.Send("250-fake.test Hello\r\n250-SIZE 10\r\n"), Security.NONE, false, Duration.ofSeconds(2));
        assertThat(step(result, StepId.EHLO).status()).isEqualTo(Status.FAIL);
        assertThat(step(result, StepId.EHLO).summary()).contains("did not answer");
    }

    @Test
    void aServerClosingTheConnectionIsNamedAndHonestlyUnknown() throws Exception {
        CheckResult result = runAgainst(reply("220 fake.test"), line -> new FakeSmtpServer.Close(), Security.NONE, false);
        assertThat(step(result, StepId.EHLO).summary()).contains("closed the connection");
        assertThat(cause(result)).isEqualTo("unknown");
    }

    @Test
    void aRefusedPortIsPortBlocked() throws Exception {
        int port = Ports.free();
        CheckResult result = run(request(port, Security.NONE, false));
        assertThat(step(result, StepId.TCP).summary()).contains("refused");
        assertThat(cause(result)).isEqualTo("port_blocked_or_unreachable");
        // The other mail ports of the same address are probed and reported.
        assertThat(step(result, StepId.TCP).details()).anyMatch(d -> d.startsWith("port 587 from here: "))
                .anyMatch(d -> d.startsWith("port 25 from here: "));
    }

    @Test
    void aNameThatDoesNotResolveIsDnsResolution() {
        Resolver nothing = (host, timeout) -> {
            throw new TransportException(TransportException.Kind.UNRESOLVED, host + " has no address");
        };
        CheckResult result = new CheckRunner(nothing, KnowledgeBase::bundled).run(request(25, Security.NONE, false), CheckListener.NONE);
        assertThat(cause(result)).isEqualTo("dns_resolution");
        assertThat(step(result, StepId.TCP).status()).isEqualTo(Status.SKIP);
    }

    @Test
    void aMaskedBannerAndMissingStartTlsAreInspectionInterference() throws Exception {
        CheckResult result = runAgainst(reply("220 ******************************"), line -> line.startsWith("EHLO")
                ? reply("250-fake.test Hello", "250-XXXXXXXA", "250 8BITMIME") : reply("250 OK"), Security.STARTTLS, true);
        assertThat(step(result, StepId.BANNER).status()).isEqualTo(Status.WARN);
        assertThat(step(result, StepId.TLS).status()).isEqualTo(Status.FAIL);
        assertThat(cause(result)).isEqualTo("smtp_inspection_interference");
    }

    @Test
    void authOnlyAfterStartTlsOnAPlainSessionIsTlsRequired() throws Exception {
        CheckResult result = runAgainst(reply("220 fake.test"), line -> line.startsWith("EHLO")
                ? reply("250-fake.test Hello", "250-STARTTLS", "250 8BITMIME") : reply("250 OK"), Security.NONE, true);
        assertThat(step(result, StepId.AUTH_MECHANISMS).status()).isEqualTo(Status.FAIL);
        assertThat(cause(result)).isEqualTo("tls_required_starttls");
    }

    @Test
    void aRelayRefusalAtRcptIsDiagnosedFromTheReply() throws Exception {
        CheckResult result = runAgainst(reply("220 fake.test"), line -> line.startsWith("RCPT")
                ? reply("554 5.7.1 <rcpt@example.org>: Relay access denied") : FakeSmtpServer.plainServer().apply(line),
                Security.NONE, false);
        Finding rcpt = step(result, StepId.RCPT_TO);
        assertThat(rcpt.status()).isEqualTo(Status.FAIL);
        assertThat(cause(result)).isEqualTo("relay_denied_connector");
        Diagnosis d = rcpt.diagnosis().orElseThrow();
        assertThat(d.remedies()).noneMatch(r -> r.contains("Set-CASMailbox") || r.contains("Microsoft 365 admin"));
    }

    @Test
    void aServerThatOnlyKnowsHeloStillCarriesTheEnvelope() throws Exception {
        CheckResult result = runAgainst(reply("220 old.test"), line -> line.startsWith("EHLO")
                ? reply("502 5.5.2 Command not recognized") : FakeSmtpServer.plainServer().apply(line), Security.NONE, false);
        assertThat(step(result, StepId.EHLO).status()).isEqualTo(Status.WARN);
        assertThat(step(result, StepId.RCPT_TO).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aServiceRefusalInTheBannerIsAFailureWithTheReply() throws Exception {
        CheckResult result = runAgainst(reply("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org"),
                FakeSmtpServer.plainServer(), Security.NONE, false);
        assertThat(step(result, StepId.BANNER).status()).isEqualTo(Status.FAIL);
        assertThat(cause(result)).isEqualTo("ip_blocked_or_reputation");
    }

    @Test
    void theListenerHearsEveryStepInOrder() throws Exception {
        List<String> events = new ArrayList<>();
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 fake.test"), FakeSmtpServer.plainServer())) {
            new CheckRunner(LOOPBACK, KnowledgeBase::bundled).run(request(server.port(), Security.NONE, false), new CheckListener() {
                @Override
                public void started(StepId step) {
                    events.add("start " + step.id());
                }

                @Override
                public void finished(Finding finding) {
                    events.add("end " + finding.step().id());
                }
            });
        }
        assertThat(events).hasSize(24);
        assertThat(events.subList(0, 4)).containsExactly("start config", "end config", "start dns", "end dns");
    }

    @Test
    void portAndSecurityMismatchesAreCaughtBeforeConnecting() {
        CheckRequest r = request(465, Security.STARTTLS, false);
        CheckResult result = run(r);
        assertThat(step(result, StepId.CONFIG).status()).isEqualTo(Status.FAIL);
        assertThat(cause(result)).isEqualTo("config_host_or_port");
        assertThat(step(result, StepId.DNS).status()).isEqualTo(Status.SKIP);
    }

    @Test
    void bothAddressFamiliesAreTriedAndTheFailingOneIsNamed() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 fake.test"), FakeSmtpServer.plainServer())) {
            // The fake listens on 127.0.0.1 only, so ::1 on the same port is refused.
            InetAddress v6 = InetAddress.getByName("::1");
            Resolver dualStack = (host, timeout) -> List.of(v6, InetAddress.getLoopbackAddress());
            CheckResult result = new CheckRunner(dualStack, KnowledgeBase::bundled)
                    .run(request(server.port(), Security.NONE, false), CheckListener.NONE);
            Finding tcp = step(result, StepId.TCP);
            assertThat(tcp.status()).isEqualTo(Status.WARN);
            assertThat(tcp.summary()).contains("connected to 127.0.0.1").contains("IPv6 [::1]:" + server.port());
            assertThat(tcp.details()).hasSize(2);
            assertThat(tcp.diagnosis().orElseThrow().cause().id()).isEqualTo("port_blocked_or_unreachable");
            assertThat(step(result, StepId.RCPT_TO).status()).isEqualTo(Status.PASS);
        }
    }

    private static CheckRequest withAuth(int port, boolean allowPlaintext) {
        CheckRequest r = request(port, Security.NONE, true);
        return new CheckRequest(r.host(), r.port(), r.security(), r.preset(), r.ehloName(), r.user(), r.password(),
                r.token(), Optional.of("PLAIN"), false, r.from(), r.to(), false, r.timeout(), r.trusted(), false,
                r.tlsProtocols(), allowPlaintext, Optional.empty());
    }

    private static final Function<String, Action> ECHOING_AUTH = line -> {
        if (line.startsWith("EHLO")) {
            return reply("250-echo.test Hello", "250 AUTH PLAIN LOGIN");
        }
        if (line.startsWith("AUTH")) {
            // A broken server that quotes what it got, password and payload included.
            return reply("535 5.7.8 Authentication failed for password Canary-Pw-771 and payload " + line);
        }
        return reply("250 OK");
    };

    @Test
    void aPasswordIsNotSentOverAnUnencryptedSessionUnlessAllowed() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 echo.test"), ECHOING_AUTH)) {
            CheckResult result = run(withAuth(server.port(), false));
            assertThat(step(result, StepId.AUTH_MECHANISMS).status()).isEqualTo(Status.FAIL);
            assertThat(cause(result)).isEqualTo("tls_required_starttls");
            assertThat(server.received()).noneMatch(l -> l.startsWith("AUTH"));
        }
    }

    @Test
    void aServerEchoingTheSecretsCannotLeakThemAnywhere() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 echo.test"), ECHOING_AUTH)) {
            CheckResult result = run(withAuth(server.port(), true));
            assertThat(step(result, StepId.AUTH).status()).isEqualTo(Status.FAIL);
            String everything = result.findings().toString() + result.transcript()
                    + org.smtpdoctor.report.JsonReport.render(result, "test");
            String b64 = java.util.Base64.getEncoder().encodeToString("Canary-Pw-771".getBytes());
            String payload = java.util.Base64.getEncoder().encodeToString("\0user@example.org\0Canary-Pw-771".getBytes());
            assertThat(everything).doesNotContain("Canary-Pw-771").doesNotContain(b64).doesNotContain(payload);
            assertThat(everything).contains("<redacted>");
        }
    }

    @Test
    void aStrayEmptyLineAfterTheGreetingIsNotGarbage() throws Exception {
        CheckResult result = runAgainst(new FakeSmtpServer.Send("220 fake.test ESMTP\r\n\r\n"), FakeSmtpServer.plainServer(),
                Security.NONE, false);
        assertThat(step(result, StepId.BANNER).status()).isEqualTo(Status.PASS);
        assertThat(step(result, StepId.RCPT_TO).status()).isEqualTo(Status.PASS);
    }

    @Test
    void terminalControlCharactersFromTheServerAreNeutralised() throws Exception {
        CheckResult result = runAgainst(reply("220 evil.test \u001b[2J\u001b[31mFAKE PASS\u0007"), FakeSmtpServer.plainServer(),
                Security.NONE, false);
        assertThat(step(result, StepId.BANNER).summary()).doesNotContain("\u001b").doesNotContain("\u0007").contains("?[2J");
    }

    @Test
    void afterTheWireBreaksNothingMoreIsSent() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(new FakeSmtpServer.Stall(), FakeSmtpServer.plainServer())) {
            Duration timeout = Duration.ofSeconds(3);
            long start = System.nanoTime();
            run(request(server.port(), Security.NONE, false, timeout));
            // One wait for the banner (3 s), not a second one for something sent after it (6 s): 2.5 s of slack.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.multipliedBy(2).minusMillis(500));
            assertThat(server.received()).doesNotContain("QUIT");
        }
    }

    @Test
    void aPlainTextAnswerAfterStartTlsIsNotCalledAPortMixUp() throws Exception {
        CheckResult result = runAgainst(reply("220 fake.test"), line -> line.startsWith("EHLO")
                ? reply("250-fake.test Hello", "250 STARTTLS")
                : line.startsWith("STARTTLS") ? new FakeSmtpServer.Send("220 Ready to start TLS\r\n421 4.3.0 TLS not available\r\n")
                : reply("250 OK"), Security.STARTTLS, true);
        assertThat(step(result, StepId.TLS).status()).isEqualTo(Status.FAIL);
        assertThat(step(result, StepId.TLS).diagnosis().orElseThrow().ruleId()).isEqualTo("tls.starttls-plaintext");
    }
}
