package org.smtpdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.testing.FakeSmtpServer.reply;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.diagnosis.Candidate;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Confidence;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.Transcript;
import org.smtpdoctor.testing.FakeSmtpServer;
import org.smtpdoctor.testing.FakeSmtpServer.Action;

/**
 * The follow-up probes: for each, a case where it changes the answer, one where it confirms
 * it, and cases where it is not run because the candidates do not call for it. The second
 * connection runs against the lab (auth-server-busy, mailbox-unlicensed); the AUTH mechanism
 * probe against a scripted server offering PLAIN and LOGIN, which Microsoft 365 (and so the
 * lab) never does. All on 127.0.0.1.
 */
class FollowUpProbesTest {

    private static final Resolver LOOPBACK = (host, timeout) -> List.of(InetAddress.getLoopbackAddress());
    private static final Duration PAUSE = Duration.ofMillis(200);
    private static final String USER = "user@example.org";
    private static final String PASSWORD = "Canary-Pw-904";

    // ------------------------------------------------------------ second connection, against the lab

    private static CheckRequest labRequest(LabServer lab) {
        Scenario s = lab.scenario();
        return new CheckRequest("127.0.0.1", lab.port(), Security.STARTTLS, Optional.empty(), "client.test",
                Optional.of(s.mailbox()), Optional.of(Secret.of(s.password())), Optional.empty(), Optional.empty(), false,
                Optional.of(s.sender()), Optional.of(s.recipient()), false, Duration.ofSeconds(5), List.of(lab.certificate()),
                true, org.smtpdoctor.tls.TlsClient.MODERN, false, Optional.empty());
    }

    private static CheckRunner runner() {
        return new CheckRunner(LOOPBACK, KnowledgeBase::bundled).withPause(PAUSE);
    }

    /** The check against the lab playing that scenario, with the listener's events in order. */
    private static CheckResult againstLab(String scenario, CheckRunner runner, List<String> events) throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName(scenario).orElseThrow(), 0)) {
            return runner.run(labRequest(lab), new CheckListener() {
                @Override
                public void finished(Finding finding) {
                    events.add(finding.step().id() + " " + finding.status());
                }

                @Override
                public void probed(Probe probe) {
                    events.add("probe " + probe.id() + ": " + probe.verdict());
                }
            });
        }
    }

    private static long sent(CheckResult result, String prefix) {
        return result.transcript().stream().filter(e -> e.dir() == Transcript.Direction.SENT && e.text().startsWith(prefix)).count();
    }

    private static Diagnosis diagnosis(CheckResult result) {
        return result.diagnosis().orElseThrow();
    }

    private static List<Cause> candidates(CheckResult result) {
        return diagnosis(result).candidates().stream().map(Candidate::cause).toList();
    }

    @Test
    void aLoginThatWorksOnASecondConnectionMakesAnUnknownProxyErrorATransientOneOfHighConfidence() throws Exception {
        CheckResult alone = againstLab("auth-server-busy", runner().withoutProbes(), new ArrayList<>());
        assertThat(alone.cause()).contains(Cause.UNKNOWN);
        assertThat(alone.probes()).isEmpty();

        List<String> events = new ArrayList<>();
        CheckResult result = againstLab("auth-server-busy", runner(), events);
        assertThat(result.cause()).contains(Cause.SERVICE_UNAVAILABLE_TRANSIENT);
        assertThat(diagnosis(result).confidence()).isEqualTo(Confidence.HIGH);
        assertThat(candidates(result)).doesNotContain(Cause.MAILBOX_NOT_LICENSED, Cause.IP_BLOCKED_OR_REPUTATION);
        assertThat(result.probes()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("second-connection");
            assertThat(p.after()).isEqualTo(StepId.AUTH);
            assertThat(p.confirmed()).contains(Cause.SERVICE_UNAVAILABLE_TRANSIENT);
            assertThat(p.ruledOut()).contains(Cause.MAILBOX_NOT_LICENSED);
        });
        // Streamed after every step, as its own line of the checklist.
        assertThat(events.get(events.size() - 1)).isEqualTo(
                "probe second-connection: confirms service_unavailable_transient; rules out mailbox_not_licensed, ip_blocked_or_reputation");
        assertThat(events.get(events.size() - 2)).isEqualTo("data SKIP");
        // The same credentials once more, never a third time; the verdict stays the device's.
        assertThat(sent(result, "AUTH LOGIN")).isEqualTo(2);
        assertThat(result.verdict()).isEqualTo(Status.FAIL);
        Finding auth = result.firstFailure().orElseThrow();
        assertThat(auth.details()).anyMatch(d -> d.startsWith("the reply alone said: unknown"))
                .anyMatch(d -> d.startsWith("probe second-connection: after 200 ms, a second connection passed auth"));
        assertThat(result.transcript()).anyMatch(e -> e.text().startsWith("probe second-connection: a second connection after 200 ms"));
    }

    @Test
    void aProxyErrorThatLastsRanksTheMissingMailboxFirstAndThePassingProblemLast() throws Exception {
        CheckResult result = againstLab("mailbox-unlicensed", runner(), new ArrayList<>());
        assertThat(result.cause()).contains(Cause.MAILBOX_NOT_LICENSED);
        assertThat(candidates(result)).first().isEqualTo(Cause.MAILBOX_NOT_LICENSED);
        assertThat(candidates(result)).last().isEqualTo(Cause.SERVICE_UNAVAILABLE_TRANSIENT);
        // A few seconds do not rule a passing problem out: it stays a candidate, at its own confidence.
        assertThat(diagnosis(result).confidence()).isEqualTo(Confidence.LOW);
        assertThat(result.probes()).singleElement().satisfies(p -> {
            assertThat(p.demoted()).containsExactly(Cause.SERVICE_UNAVAILABLE_TRANSIENT);
            assertThat(p.ruledOut()).isEmpty();
            assertThat(p.summary()).contains("the same refusal: it lasts");
        });
        assertThat(sent(result, "AUTH LOGIN")).isEqualTo(2);
    }

    @Test
    void aReplyThatDecidedWithHighConfidenceIsNeverFollowedByAnotherLogin() throws Exception {
        CheckResult result = againstLab("wrong-password", runner(), new ArrayList<>());
        assertThat(result.cause()).contains(Cause.WRONG_CREDENTIALS);
        assertThat(result.probes()).isEmpty();
        assertThat(sent(result, "AUTH LOGIN")).isEqualTo(1);
    }

    @Test
    void aHealthyCheckRunsNoProbe() throws Exception {
        CheckResult result = againstLab("healthy", runner(), new ArrayList<>());
        assertThat(result.verdict()).isEqualTo(Status.PASS);
        assertThat(result.probes()).isEmpty();
        assertThat(sent(result, "EHLO")).isEqualTo(2); // one connection: before and after STARTTLS
    }

    @Test
    void withoutProbesTheLastingProxyErrorStaysUnknown() throws Exception {
        CheckResult result = againstLab("mailbox-unlicensed", runner().withoutProbes(), new ArrayList<>());
        assertThat(result.cause()).contains(Cause.UNKNOWN);
        assertThat(sent(result, "AUTH LOGIN")).isEqualTo(1);
    }

    // ------------------------------------------------------------ AUTH mechanism, against a scripted server

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Postfix with Dovecot SASL's refusal (smtp.auth.credentials-invalid: wrong credentials, medium). */
    private static final String SASL_FAILED = "535 5.7.8 Error: authentication failed: authentication failure";

    /**
     * A server offering the given mechanisms: PLAIN answered {@code plain}, LOGIN with the right
     * password answered {@code login}, anything else of AUTH refused as Dovecot does.
     */
    private static Function<String, Action> server(String offered, String plain, String login) {
        return line -> {
            if (line.startsWith("EHLO")) {
                return reply("250-sasl.test Hello", "250-AUTH " + offered, "250 8BITMIME");
            }
            if (line.startsWith("AUTH PLAIN")) {
                return reply(plain);
            }
            if (line.equals("AUTH LOGIN")) {
                return reply("334 VXNlcm5hbWU6");
            }
            if (line.equals(b64(USER))) {
                return reply("334 UGFzc3dvcmQ6");
            }
            if (line.equals(b64(PASSWORD))) {
                return reply(login);
            }
            if (line.startsWith("QUIT")) {
                return reply("221 2.0.0 Bye");
            }
            return reply("250 2.0.0 OK");
        };
    }

    private static CheckRequest saslRequest(int port, Optional<String> mechanism) {
        return new CheckRequest("127.0.0.1", port, Security.NONE, Optional.empty(), "client.test", Optional.of(USER),
                Optional.of(Secret.of(PASSWORD)), Optional.empty(), mechanism, false, Optional.of(USER),
                Optional.of("rcpt@example.org"), false, Duration.ofSeconds(5), List.of(), false,
                org.smtpdoctor.tls.TlsClient.MODERN, true, Optional.empty());
    }

    private static long auths(FakeSmtpServer server) {
        return server.received().stream().filter(l -> l.startsWith("AUTH")).count();
    }

    @Test
    void plainRefusedWhereLoginWithTheSameCredentialsWorksIsARefusedMechanismNotAWrongPassword() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 sasl.test ESMTP"),
                server("PLAIN LOGIN", SASL_FAILED, "235 2.7.0 Authentication successful"))) {
            CheckResult alone = runner().withoutProbes().run(saslRequest(server.port(), Optional.empty()), CheckListener.NONE);
            assertThat(alone.cause()).contains(Cause.WRONG_CREDENTIALS);

            CheckResult result = runner().run(saslRequest(server.port(), Optional.empty()), CheckListener.NONE);
            assertThat(result.cause()).contains(Cause.AUTH_MECHANISM_UNSUPPORTED);
            Diagnosis d = diagnosis(result);
            assertThat(d.confidence()).isEqualTo(Confidence.HIGH);
            assertThat(d.title()).isEqualTo("The server refuses AUTH PLAIN for this account but accepts AUTH LOGIN with the same credentials");
            assertThat(d.remedies()).containsExactly("Configure the client to authenticate with AUTH LOGIN (the mechanism the server accepted).");
            assertThat(candidates(result)).first().isEqualTo(Cause.AUTH_MECHANISM_UNSUPPORTED);
            assertThat(candidates(result)).doesNotContain(Cause.WRONG_CREDENTIALS, Cause.MFA_REQUIRED_APP_PASSWORD);
            assertThat(result.probes()).singleElement().satisfies(p -> {
                assertThat(p.id()).isEqualTo("auth-mechanism");
                assertThat(p.summary()).isEqualTo("AUTH LOGIN with the same credentials: 235 2.7.0 Authentication successful");
                assertThat(p.ruledOut()).contains(Cause.WRONG_CREDENTIALS);
            });
            // Secrets stay masked in the probe's wire and words.
            String everything = result.transcript() + result.probes().toString() + result.findings()
                    + org.smtpdoctor.report.JsonReport.render(result, "test");
            assertThat(everything).doesNotContain(PASSWORD).doesNotContain(b64(PASSWORD));
        }
    }

    @Test
    void theSameRefusalWithTheOtherMechanismRulesTheMechanismOutAndKeepsTheCredentials() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 sasl.test ESMTP"), server("PLAIN LOGIN", SASL_FAILED, SASL_FAILED))) {
            CheckResult alone = runner().withoutProbes().run(saslRequest(server.port(), Optional.empty()), CheckListener.NONE);
            assertThat(candidates(alone)).contains(Cause.AUTH_MECHANISM_UNSUPPORTED);

            CheckResult result = runner().run(saslRequest(server.port(), Optional.empty()), CheckListener.NONE);
            assertThat(result.cause()).contains(Cause.WRONG_CREDENTIALS);
            assertThat(candidates(result)).first().isEqualTo(Cause.WRONG_CREDENTIALS);
            assertThat(candidates(result)).doesNotContain(Cause.AUTH_MECHANISM_UNSUPPORTED);
            assertThat(result.probes()).singleElement().satisfies(p -> {
                assertThat(p.ruledOut()).containsExactly(Cause.AUTH_MECHANISM_UNSUPPORTED);
                assertThat(p.summary()).endsWith("(the same refusal)");
            });
            // The same credentials twice in all: once with each mechanism.
            assertThat(result.transcript()).filteredOn(e -> e.dir() == Transcript.Direction.SENT && e.text().startsWith("AUTH"))
                    .extracting(Transcript.Entry::text).containsExactly("AUTH PLAIN <credentials, base64, redacted>", "AUTH LOGIN");
        }
    }

    @Test
    void noOtherMechanismOfferedMeansNoSecondLogin() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 sasl.test ESMTP"), server("LOGIN", SASL_FAILED, SASL_FAILED))) {
            CheckResult result = runner().run(saslRequest(server.port(), Optional.empty()), CheckListener.NONE);
            assertThat(result.cause()).contains(Cause.WRONG_CREDENTIALS);
            assertThat(candidates(result)).contains(Cause.AUTH_MECHANISM_UNSUPPORTED);
            assertThat(result.probes()).isEmpty();
            assertThat(auths(server)).isEqualTo(1);
        }
    }

    @Test
    void aRefusalThatNamesItsCauseIsNotProbedEvenWhenBothReadingsAreCandidates() throws Exception {
        // RFC 4954's "unrecognized mechanism" decides with high confidence, though wrong credentials stay a candidate.
        String refused = "504 5.7.4 Unrecognized authentication type";
        try (FakeSmtpServer server = new FakeSmtpServer(reply("220 sasl.test ESMTP"), server("PLAIN LOGIN", refused, SASL_FAILED))) {
            CheckResult result = runner().run(saslRequest(server.port(), Optional.empty()), CheckListener.NONE);
            assertThat(result.cause()).contains(Cause.AUTH_MECHANISM_UNSUPPORTED);
            assertThat(diagnosis(result).confidence()).isEqualTo(Confidence.HIGH);
            assertThat(candidates(result)).contains(Cause.WRONG_CREDENTIALS);
            assertThat(result.probes()).isEmpty();
            assertThat(auths(server)).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------ deciding again: never a new cause

    private static Diagnosis catchAll() {
        return new Diagnosis(Cause.UNKNOWN, Confidence.LOW, "catch-all", "the reply does not say", List.of("look it up"), List.of(),
                "test.catch-all", "535 5.7.3 Authentication unsuccessful", List.of(
                        new Candidate(Cause.WRONG_CREDENTIALS, Confidence.MEDIUM, "often", "sign-in log"),
                        new Candidate(Cause.AUTH_MECHANISM_UNSUPPORTED, Confidence.LOW, "maybe", "EHLO"),
                        new Candidate(Cause.SERVICE_UNAVAILABLE_TRANSIENT, Confidence.LOW, "passing", "retry")));
    }

    private static Probe probe(Optional<Cause> confirmed, List<Cause> out, List<Cause> last) {
        return new Probe("test", StepId.AUTH, Duration.ZERO, "what it saw", List.of(), confirmed, out, last,
                "What the probe showed", "Do this");
    }

    private static Diagnosis redecide(Probe p) {
        org.smtpdoctor.diagnosis.Evidence evidence = org.smtpdoctor.diagnosis.Evidence.event("auth", "test.no-rule",
                org.smtpdoctor.diagnosis.Vendor.OTHER, java.util.Map.of());
        return FollowUps.redecide(catchAll(), evidence, List.of(p), KnowledgeBase.bundled());
    }

    @Test
    void aProbeThatConfirmsACauseOutsideTheCandidatesChangesNothingButWhatItRulesOut() {
        Diagnosis d = redecide(probe(Optional.of(Cause.OAUTH_TOKEN_INVALID), List.of(Cause.WRONG_CREDENTIALS), List.of()));
        assertThat(d.cause()).isEqualTo(Cause.AUTH_MECHANISM_UNSUPPORTED);
        assertThat(d.confidence()).isEqualTo(Confidence.LOW);
        assertThat(d.candidates()).extracting(Candidate::cause)
                .containsExactly(Cause.AUTH_MECHANISM_UNSUPPORTED, Cause.SERVICE_UNAVAILABLE_TRANSIENT);
    }

    @Test
    void ruledOutALaterCandidateOfAnUnknownKeepsItUnknown() {
        // The probe says nothing for the first reading: it is not made the answer (it would be wrong about half the time).
        Diagnosis d = redecide(probe(Optional.empty(), List.of(Cause.SERVICE_UNAVAILABLE_TRANSIENT), List.of()));
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(d.confidence()).isEqualTo(Confidence.LOW);
        assertThat(d.title()).isEqualTo("catch-all");
        assertThat(d.candidates()).extracting(Candidate::cause)
                .containsExactly(Cause.WRONG_CREDENTIALS, Cause.AUTH_MECHANISM_UNSUPPORTED);
    }

    @Test
    void aConfirmedCandidateComesFirstWithHighConfidenceAndTheProbesWordsWhenNoRuleNamesIt() {
        Diagnosis d = redecide(probe(Optional.of(Cause.AUTH_MECHANISM_UNSUPPORTED), List.of(Cause.WRONG_CREDENTIALS), List.of()));
        assertThat(d.cause()).isEqualTo(Cause.AUTH_MECHANISM_UNSUPPORTED);
        assertThat(d.confidence()).isEqualTo(Confidence.HIGH);
        assertThat(d.title()).isEqualTo("What the probe showed");
        assertThat(d.remedies()).containsExactly("Do this");
        assertThat(d.explanation()).startsWith("the reply does not say Follow-up probe (test): what it saw; it confirms "
                + "auth_mechanism_unsupported; rules out wrong_credentials.");
        assertThat(d.candidates()).extracting(Candidate::cause)
                .containsExactly(Cause.AUTH_MECHANISM_UNSUPPORTED, Cause.SERVICE_UNAVAILABLE_TRANSIENT);
    }

    @Test
    void aDemotedCandidateGoesLastAndTheNextOneLeadsAtItsOwnConfidenceWithTheHedgingRulesFixes() {
        Diagnosis d = redecide(probe(Optional.empty(), List.of(), List.of(Cause.WRONG_CREDENTIALS)));
        assertThat(d.cause()).isEqualTo(Cause.AUTH_MECHANISM_UNSUPPORTED);
        assertThat(d.confidence()).isEqualTo(Confidence.LOW);
        assertThat(d.title()).isEqualTo("Client and server share no AUTH mechanism");
        assertThat(d.remedies()).containsExactly("look it up");
        assertThat(d.candidates()).extracting(Candidate::cause).containsExactly(Cause.AUTH_MECHANISM_UNSUPPORTED,
                Cause.SERVICE_UNAVAILABLE_TRANSIENT, Cause.WRONG_CREDENTIALS);
    }

    @Test
    void ruledOutEveryCandidateLeavesAnHonestUnknown() {
        Diagnosis d = redecide(probe(Optional.empty(), List.of(Cause.WRONG_CREDENTIALS, Cause.AUTH_MECHANISM_UNSUPPORTED,
                Cause.SERVICE_UNAVAILABLE_TRANSIENT), List.of()));
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(d.candidates()).isEmpty();
    }

    // ------------------------------------------------------------ second connection at the greeting, scripted

    private static final String BUSY = "421 4.3.2 Service not available, closing transmission channel";

    private static CheckRequest plainRequest(int port) {
        return new CheckRequest("127.0.0.1", port, Security.NONE, Optional.empty(), "client.test", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), true, Optional.of(USER), Optional.of("rcpt@example.org"),
                false, Duration.ofSeconds(5), List.of(), false, org.smtpdoctor.tls.TlsClient.MODERN, false, Optional.empty());
    }

    @Test
    void aGreetingRefusedOnceButNotOnTheSecondConnectionRulesOutTheLastingCauses() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(n -> n == 1 ? reply(BUSY) : reply("220 fake.test ESMTP"),
                FakeSmtpServer.plainServer())) {
            CheckResult result = runner().run(plainRequest(server.port()), CheckListener.NONE);
            assertThat(result.firstFailure().orElseThrow().step()).isEqualTo(StepId.BANNER);
            assertThat(result.cause()).contains(Cause.SERVICE_UNAVAILABLE_TRANSIENT);
            assertThat(candidates(result)).contains(Cause.THROTTLING_RATE_LIMIT).doesNotContain(Cause.IP_BLOCKED_OR_REPUTATION);
            // Two passing readings stay: the probe cannot choose between them, so no higher confidence.
            assertThat(diagnosis(result).confidence()).isEqualTo(Confidence.MEDIUM);
            assertThat(result.probes()).singleElement().satisfies(p -> {
                assertThat(p.after()).isEqualTo(StepId.BANNER);
                assertThat(p.confirmed()).isEmpty();
                assertThat(p.ruledOut()).containsExactly(Cause.IP_BLOCKED_OR_REPUTATION);
            });
        }
    }

    @Test
    void aGreetingRefusedEveryTimeRanksThePassingProblemLast() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer(reply(BUSY), FakeSmtpServer.plainServer())) {
            CheckResult result = runner().run(plainRequest(server.port()), CheckListener.NONE);
            assertThat(result.cause()).contains(Cause.THROTTLING_RATE_LIMIT);
            assertThat(candidates(result)).last().isEqualTo(Cause.SERVICE_UNAVAILABLE_TRANSIENT);
            assertThat(result.probes()).singleElement().satisfies(p -> assertThat(p.demoted())
                    .containsExactly(Cause.SERVICE_UNAVAILABLE_TRANSIENT));
        }
    }

    @Test
    void aSecondConnectionThatBreaksEarlierDecidesNothing() throws Exception {
        // The first greeting is refused, the second connection gets no greeting at all: not the same failure.
        try (FakeSmtpServer server = new FakeSmtpServer(n -> n == 1 ? reply(BUSY) : new FakeSmtpServer.Reset(),
                FakeSmtpServer.plainServer())) {
            CheckResult result = runner().run(plainRequest(server.port()), CheckListener.NONE);
            assertThat(result.probes()).singleElement().satisfies(p -> assertThat(p.undecided()).isTrue());
            assertThat(result.cause()).contains(Cause.SERVICE_UNAVAILABLE_TRANSIENT);
            assertThat(candidates(result)).contains(Cause.IP_BLOCKED_OR_REPUTATION);
        }
    }
}
