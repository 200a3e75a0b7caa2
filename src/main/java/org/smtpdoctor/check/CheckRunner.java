package org.smtpdoctor.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.net.MailDns;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.smtp.Redactor;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.Transcript;

/**
 * Runs a check: the steps in wire order, each timed and reported to the listener as
 * it finishes. After a FAIL (or a SKIP that removes a precondition) the remaining
 * steps are SKIP with the reason. WARN and FAIL findings are diagnosed by the
 * {@link KnowledgeBase}. The connection is always closed (RSET and QUIT when open,
 * so no test message is left half-sent). Then, when the first failure's diagnosis
 * leaves doubt, the follow-up probes its candidates call for run on connections of
 * their own and the failure is decided again ({@link FollowUps}; none of that is
 * loaded when nothing failed). Stateless and thread-safe; each run has its own session.
 */
public final class CheckRunner {

    private final Resolver resolver;
    private final Function<Duration, MailDns> mailDns;
    private final Supplier<KnowledgeBase> knowledge;
    private final java.util.function.Consumer<Transcript.Entry> transcriptObserver;
    /**
     * The pause before a second connection (probe {@code second-connection}): long enough for a
     * passing overload to clear, short enough for a person waiting on the checklist.
     */
    static final Duration PROBE_PAUSE = Duration.ofSeconds(3);

    /** Whether follow-up probes run after a failure (held here, not in a type of their own: a passing check loads none of them). */
    private final boolean probes;
    private final Duration probePause;

    public CheckRunner(Resolver resolver, Supplier<KnowledgeBase> knowledge) {
        this(resolver, knowledge, entry -> { });
    }

    /** @param transcriptObserver sees every (redacted) transcript entry as it happens, e.g. a debug log */
    public CheckRunner(Resolver resolver, Supplier<KnowledgeBase> knowledge,
                       java.util.function.Consumer<Transcript.Entry> transcriptObserver) {
        this(resolver, MailDns::system, knowledge, transcriptObserver);
    }

    /** @param mailDns the DNS for MX and SPF lookups of the MX routes, given the timeout */
    public CheckRunner(Resolver resolver, Function<Duration, MailDns> mailDns,
                       Supplier<KnowledgeBase> knowledge, java.util.function.Consumer<Transcript.Entry> transcriptObserver) {
        this.resolver = resolver;
        this.mailDns = mailDns;
        this.knowledge = knowledge;
        this.transcriptObserver = transcriptObserver;
        this.probes = true;
        this.probePause = PROBE_PAUSE;
    }

    private CheckRunner(CheckRunner base, boolean probes, Duration probePause) {
        this.resolver = base.resolver;
        this.mailDns = base.mailDns;
        this.knowledge = base.knowledge;
        this.transcriptObserver = base.transcriptObserver;
        this.probes = probes;
        this.probePause = probePause;
    }

    /**
     * The same runner without follow-up probes ({@code check --no-probes}): a failure is diagnosed
     * from its reply alone, and no connection is opened after it.
     */
    public CheckRunner withoutProbes() {
        return new CheckRunner(this, false, Duration.ZERO);
    }

    /** The same runner, pausing this long before a second connection (tests use a short pause). */
    CheckRunner withPause(Duration pause) {
        return new CheckRunner(this, probes, pause);
    }

    private record StepDef(StepId id, Step step) {}

    private List<StepDef> plan(Security security, boolean withToken) {
        List<StepDef> plan = new ArrayList<>(List.of(
                new StepDef(StepId.CONFIG, new ConfigStep())));
        if (withToken) {
            // Only for XOAUTH2, and before any connection: getting the token may wait minutes for a
            // device sign-in, and what the token says must be known before Exchange's catch-all
            // 535 5.7.3 can hide it.
            plan.add(new StepDef(StepId.TOKEN, new TokenStep()));
        }
        plan.addAll(List.of(
                new StepDef(StepId.DNS, new DnsStep(resolver, mailDns)),
                new StepDef(StepId.TCP, new TcpStep())));
        List<StepDef> tls = List.of(new StepDef(StepId.TLS, new TlsStep()), new StepDef(StepId.CERTIFICATE, new CertificateStep()));
        List<StepDef> greeting = List.of(new StepDef(StepId.BANNER, new BannerStep()), new StepDef(StepId.EHLO, new EhloStep()));
        // Implicit TLS (RFC 8314) handshakes before the server says anything; the
        // findings follow the order in which things happen on the wire.
        if (security == Security.TLS) {
            plan.addAll(tls);
            plan.addAll(greeting);
        } else {
            plan.addAll(greeting);
            plan.addAll(tls);
        }
        plan.add(new StepDef(StepId.AUTH_MECHANISMS, new AuthMechanismsStep()));
        plan.addAll(List.of(
                new StepDef(StepId.AUTH, new AuthStep()),
                new StepDef(StepId.MAIL_FROM, new MailFromStep()),
                new StepDef(StepId.RCPT_TO, new RcptToStep()),
                new StepDef(StepId.DATA, new DataStep())));
        return plan;
    }

    public CheckResult run(CheckRequest request, CheckListener listener) {
        Redactor redactor = new Redactor();
        request.password().ifPresent(p -> redactor.register(p.reveal()));
        CheckSession session = new CheckSession(request, redactor, transcriptObserver);
        List<Finding> findings = new ArrayList<>();
        String blockedBy = null;
        int failedAt = -1;
        org.smtpdoctor.diagnosis.Evidence failedEvidence = null;
        try {
            for (StepDef planned : plan(request.security(), request.token().isPresent() && !request.noAuth())) {
                listener.started(planned.id());
                long start = System.nanoTime();
                Outcome outcome = blockedBy != null ? Outcome.skip("skipped: " + blockedBy) : planned.step().run(session);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                Optional<Diagnosis> diagnosis = outcome.evidence().map(e -> knowledge.get().diagnose(e));
                Finding finding = new Finding(planned.id(), outcome.status(), took,
                        redactor.redact(outcome.summary()), outcome.details().stream().map(redactor::redact).toList(), diagnosis);
                findings.add(finding);
                listener.finished(finding);
                if (failedAt < 0 && outcome.status() == Status.FAIL) {
                    failedAt = findings.size() - 1;
                    failedEvidence = outcome.evidence().orElse(null);
                }
                if (blockedBy == null && outcome.blocks()) {
                    blockedBy = outcome.status() == Status.FAIL ? planned.id().id() + " failed" : outcome.summary();
                }
            }
        } finally {
            close(session);
        }
        List<Probe> probed = List.of();
        if (failedAt >= 0 && probes && failedEvidence != null
                && findings.get(failedAt).diagnosis().map(FollowUps::undecided).orElse(false)) {
            probed = followUp(session, findings, failedAt, failedEvidence, listener);
        }
        return new CheckResult(request, findings, probed, session.transcript.entries());
    }

    /**
     * Runs the follow-up probes the failure's candidates call for and puts the failure's finding,
     * decided again, in its place. Its own method so that a check that passed loads none of it.
     */
    private List<Probe> followUp(CheckSession session, List<Finding> findings, int failedAt,
                                 org.smtpdoctor.diagnosis.Evidence evidence, CheckListener listener) {
        FollowUps.Settled settled = FollowUps.settle(session, findings.get(failedAt), evidence, knowledge.get(), probePause, listener);
        findings.set(failedAt, settled.finding());
        return settled.probes();
    }

    private static void close(CheckSession session) {
        if (session.client == null) {
            return;
        }
        var state = session.client.state();
        boolean inTransaction = state == org.smtpdoctor.smtp.SmtpClient.State.IN_MAIL
                || state == org.smtpdoctor.smtp.SmtpClient.State.IN_RCPT;
        if (inTransaction && !session.client.isBroken()) {
            try {
                session.client.rset();
            } catch (org.smtpdoctor.smtp.TransportException ignored) {
                // Closing anyway; the server discards an unfinished transaction.
            }
        }
        session.client.quit();
    }
}
