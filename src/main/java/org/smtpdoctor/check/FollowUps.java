package org.smtpdoctor.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.smtpdoctor.diagnosis.Candidate;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Confidence;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.Security;

/**
 * Follow-up probes: after the first failure, when the ranked candidates of its diagnosis leave
 * doubt that something on the wire can settle, the probes that can tell those candidates apart
 * run, each on a connection of its own, and the failure's cause is decided again from what they
 * showed (docs/json.md, "probes"). Rules:
 * <ul>
 *   <li>Only when the first reply did not decide: its cause is unknown or not of high confidence.
 *       A reply that names its cause with high confidence (Microsoft's 5.7.139 texts, say) is
 *       never followed by more attempts.</li>
 *   <li>A probe runs only when both sides of what it decides are among the candidates.</li>
 *   <li>At most one probe sends the credentials again, once: a failed AUTH counts against
 *       lockout policies (Entra smart lockout, fail2ban).</li>
 *   <li>A probe never names a cause that was not a candidate: it confirms one (high confidence),
 *       rules some out, or ranks some after the others.</li>
 * </ul>
 * Every probe's wire goes into the check's transcript (secrets masked as in the steps), and each
 * is bounded by the check's timeout (plus the pause of a second connection). Only loaded when a
 * check failed. Stateless.
 */
final class FollowUps {

    /** One kind of probe. */
    interface FollowUp {
        /** Whether this failure's candidates call for it, and it can run. */
        boolean wanted(CheckSession first, StepId failed, Evidence evidence, Diagnosis diagnosis, boolean credentialsSentAgain);

        /** Whether it sends the credentials again (at most one such probe runs). */
        boolean sendsCredentials(StepId failed);

        Probe run(CheckSession first, StepId failed, Evidence evidence, Diagnosis diagnosis, KnowledgeBase knowledge);
    }

    /** The failure's finding decided again, and the probes that ran, in order. */
    record Settled(Finding finding, List<Probe> probes) {}

    private FollowUps() {
    }

    /** Whether a failure's diagnosis leaves doubt a probe may settle: unknown, or not of high confidence. */
    static boolean undecided(Diagnosis d) {
        return d.cause() == Cause.UNKNOWN || d.confidence() != Confidence.HIGH;
    }

    /** @param pause the pause before a second connection */
    static Settled settle(CheckSession first, Finding failed, Evidence evidence, KnowledgeBase knowledge, Duration pause,
                          CheckListener listener) {
        Diagnosis d = failed.diagnosis().orElseThrow();
        List<FollowUp> kinds = List.of(new AuthMechanismProbe(), new SecondConnectionProbe(pause));
        List<Probe> probes = new ArrayList<>();
        boolean credentialsSent = false;
        for (FollowUp kind : kinds) {
            if (!kind.wanted(first, failed.step(), evidence, d, credentialsSent)) {
                continue;
            }
            credentialsSent |= kind.sendsCredentials(failed.step());
            Probe probe = kind.run(first, failed.step(), evidence, d, knowledge);
            probe = new Probe(probe.id(), probe.after(), probe.duration(), first.redactor.redact(probe.summary()),
                    probe.details().stream().map(first.redactor::redact).toList(), probe.confirmed(), probe.ruledOut(),
                    probe.demoted(), first.redactor.redact(probe.finding()), first.redactor.redact(probe.remedy()));
            probes.add(probe);
            listener.probed(probe);
        }
        if (probes.stream().allMatch(Probe::undecided)) {
            return new Settled(failed, probes);
        }
        Diagnosis again = redecide(d, evidence, probes, knowledge);
        List<String> details = new ArrayList<>(failed.details());
        details.add("the reply alone said: " + d.cause().id() + " (" + d.confidence().id() + " confidence, rule " + d.ruleId() + ")");
        for (Probe p : probes) {
            details.add("probe " + p.id() + ": " + p.summary() + " -> " + p.verdict());
        }
        return new Settled(new Finding(failed.step(), failed.status(), failed.duration(), failed.summary(), details,
                Optional.of(again)), probes);
    }

    /**
     * The diagnosis with the probes' verdicts: ruled-out candidates dropped, demoted ones last, a
     * confirmed one first with high confidence. When the first candidate is no longer the
     * diagnosis's cause, the rule that names it for the same evidence gives the title and fixes;
     * without one, the first rule's words stay (they hedged between the readings) or, for a
     * confirmed cause, what the probe showed becomes the title and its fix the fix.
     */
    static Diagnosis redecide(Diagnosis d, Evidence evidence, List<Probe> probes, KnowledgeBase knowledge) {
        Set<Cause> out = new LinkedHashSet<>();
        Set<Cause> later = new LinkedHashSet<>();
        Optional<Probe> confirming = probes.stream().filter(p -> p.confirmed().isPresent()).findFirst();
        probes.forEach(p -> {
            out.addAll(p.ruledOut());
            later.addAll(p.demoted());
        });
        confirming.ifPresent(p -> out.remove(p.confirmed().get()));
        List<Candidate> kept = new ArrayList<>();
        List<Candidate> behind = new ArrayList<>();
        for (Candidate c : d.candidates()) {
            if (out.contains(c.cause())) {
                continue;
            }
            if (confirming.isPresent() && c.cause() == confirming.get().confirmed().get()) {
                kept.add(0, new Candidate(c.cause(), Confidence.HIGH, c.why(), c.decideBy()));
            } else if (later.contains(c.cause())) {
                behind.add(c);
            } else {
                kept.add(c);
            }
        }
        kept.addAll(behind);
        String shown = String.join(" ", probes.stream().filter(p -> !p.undecided())
                .map(p -> "Follow-up probe (" + p.id() + "): " + p.summary() + "; it " + p.verdict() + ".").toList());
        String explanation = d.explanation().isBlank() ? shown : d.explanation() + " " + shown;
        if (kept.isEmpty()) {
            return new Diagnosis(Cause.UNKNOWN, Confidence.LOW, "The evidence does not name a cause", explanation,
                    d.remedies(), d.references(), d.ruleId(), d.matchedText(), List.of());
        }
        Candidate top = kept.get(0);
        boolean byProbe = confirming.isPresent() && confirming.get().confirmed().get() == top.cause();
        if (d.cause() == Cause.UNKNOWN && !byProbe && !d.candidates().isEmpty() && d.candidates().get(0).cause() == top.cause()) {
            // An unknown stays unknown when the probes neither confirmed its first candidate nor moved it:
            // ruling out a later reading says nothing for the first. Measured on the development and
            // fresh sets: the first candidate of an unknown answer whose truth is known is the truth in
            // 71 of 136 (docs/rules.md, "Candidates"), so naming it would be a wrong cause about half the time.
            return new Diagnosis(Cause.UNKNOWN, Confidence.LOW, d.title(), explanation, d.remedies(), d.references(),
                    d.ruleId(), d.matchedText(), kept);
        }
        if (top.cause() == d.cause()) {
            return new Diagnosis(d.cause(), top.confidence(), d.title(), explanation, d.remedies(), d.references(), d.ruleId(),
                    d.matchedText(), kept);
        }
        KnowledgeBase.Decision named = knowledge.decideAmong(evidence, c -> c == top.cause());
        if (named.known() && named.namesCause()) {
            Diagnosis n = named.diagnosis();
            return new Diagnosis(top.cause(), top.confidence(), n.title(), n.explanation() + " " + shown, n.remedies(),
                    n.references(), n.ruleId(), n.matchedText(), kept);
        }
        String title = byProbe ? confirming.get().finding() : capitalised(top.cause().meaning());
        List<String> remedies = byProbe && !confirming.get().remedy().isBlank() ? List.of(confirming.get().remedy())
                : d.cause() == Cause.UNKNOWN ? d.remedies() : List.of();
        return new Diagnosis(top.cause(), top.confidence(), title, explanation, remedies, d.references(), d.ruleId(),
                d.matchedText(), kept);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** The first step of a new connection that failed, and how. */
    record Broke(StepId step, Outcome outcome) {}

    /**
     * Opens a new connection for a probe and takes it through the steps before {@code before}
     * (or through {@code before} itself when {@code inclusive}): TCP, banner, EHLO and TLS in the
     * check's order. Empty when every one passed (the session's client is then ready for the
     * next command); else the step that failed.
     */
    static Optional<Broke> connect(CheckSession p, StepId before, boolean inclusive) {
        List<StepId> order = p.request.security() == Security.TLS
                ? List.of(StepId.TCP, StepId.TLS, StepId.BANNER, StepId.EHLO)
                : List.of(StepId.TCP, StepId.BANNER, StepId.EHLO, StepId.TLS);
        for (StepId id : order) {
            if (id == before && !inclusive) {
                return Optional.empty();
            }
            Step step = switch (id) {
                case TCP -> new TcpStep();
                case TLS -> new TlsStep();
                case BANNER -> new BannerStep();
                default -> new EhloStep();
            };
            Outcome o = step.run(p);
            if (o.status() == Status.FAIL) {
                return Optional.of(new Broke(id, o));
            }
            if (id == before) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The time since {@code start} ({@link System#nanoTime()}). */
    static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Ends a probe's connection: QUIT when it is still open. */
    static void close(CheckSession p) {
        if (p.client != null) {
            p.client.quit();
        }
    }

    /**
     * Whether two refusals are the same answer: the same code, enhanced code and first line up to
     * any trace in brackets (Exchange Online stamps each reply with its host and time).
     */
    static boolean sameRefusal(Reply a, Reply b) {
        return a.code() == b.code() && a.enhanced().equals(b.enhanced()) && untraced(a).equals(untraced(b));
    }

    private static String untraced(Reply r) {
        String line = r.lines().isEmpty() ? "" : r.lines().get(0);
        int trace = line.indexOf('[');
        return (trace < 0 ? line : line.substring(0, trace)).strip();
    }

    /** The causes among the candidates, in their order. */
    static List<Cause> among(Diagnosis d, Set<Cause> causes) {
        return d.candidates().stream().map(Candidate::cause).filter(causes::contains).toList();
    }

    static boolean has(Diagnosis d, Cause cause) {
        return d.candidates().stream().anyMatch(c -> c.cause() == cause);
    }
}
