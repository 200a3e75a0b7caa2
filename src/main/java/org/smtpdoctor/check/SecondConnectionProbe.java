package org.smtpdoctor.check;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.smtpdoctor.diagnosis.Candidate;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.smtp.Reply;

/**
 * Probe {@code second-connection}: after a failure at the banner, EHLO, TLS or AUTH whose
 * candidates include both a passing condition (a busy or throttling server) and a lasting one,
 * a pause and then a second connection up to the same command. Served this time: the first
 * failure passed (rules out the lasting candidates; confirms the passing one when it is the only
 * one). Refused the same way: it lasts (the "temporary problem" reading is ranked last; a few
 * seconds do not rule it out). Anything else decides nothing.
 * <p>
 * After AUTH it runs only for a temporary (4xx) refusal, which is not a verdict on the password,
 * and sends the same credentials once more, never a third time. Stateless.
 */
final class SecondConnectionProbe implements FollowUps.FollowUp {

    static final String ID = "second-connection";

    /** Conditions that pass by themselves. */
    private static final Set<Cause> PASSING = Set.of(Cause.SERVICE_UNAVAILABLE_TRANSIENT, Cause.THROTTLING_RATE_LIMIT);

    private final Duration pause;

    SecondConnectionProbe(Duration pause) {
        this.pause = pause;
    }

    @Override
    public boolean wanted(CheckSession first, StepId failed, Evidence evidence, Diagnosis d, boolean credentialsSentAgain) {
        boolean step = switch (failed) {
            case BANNER, EHLO, TLS -> true;
            case AUTH -> !credentialsSentAgain && evidence.reply().map(Reply::isTransient).orElse(false);
            default -> false;
        };
        List<Cause> causes = d.candidates().stream().map(Candidate::cause).toList();
        return step && FollowUps.undecided(d) && causes.stream().anyMatch(PASSING::contains)
                && causes.stream().anyMatch(c -> !PASSING.contains(c));
    }

    @Override
    public boolean sendsCredentials(StepId failed) {
        return failed == StepId.AUTH;
    }

    @Override
    public Probe run(CheckSession first, StepId failed, Evidence evidence, Diagnosis d, KnowledgeBase knowledge) {
        long start = System.nanoTime();
        CheckSession p = first.followUp();
        p.transcript.info("probe " + ID + ": a second connection after " + pause.toMillis() + " ms, up to "
                + failed.id() + (failed == StepId.AUTH ? " (the same credentials, once)" : ""), false);
        try {
            Thread.sleep(pause.toMillis()); // the point of the probe: does the failure outlast a pause?
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.undecided(ID, failed, FollowUps.since(start), "interrupted during the pause", List.of());
        }
        String after = "after " + pause.toMillis() + " ms, ";
        try {
            Optional<FollowUps.Broke> broke = FollowUps.connect(p, failed, failed != StepId.AUTH);
            Outcome again;
            if (broke.isPresent()) {
                if (broke.get().step() != failed) {
                    return Probe.undecided(ID, failed, FollowUps.since(start), after + "a second connection failed earlier, at "
                            + broke.get().step().id() + ": " + broke.get().outcome().summary(), List.of());
                }
                again = broke.get().outcome();
            } else if (failed == StepId.AUTH) {
                p.mechanism = first.mechanism;
                again = new AuthStep().run(p);
            } else {
                again = Outcome.pass("passed");
            }
            if (again.status() != Status.FAIL) {
                List<Cause> lasting = d.candidates().stream().map(Candidate::cause).filter(c -> !PASSING.contains(c)).toList();
                List<Cause> passing = FollowUps.among(d, PASSING);
                Optional<Cause> confirmed = passing.size() == 1 ? Optional.of(passing.get(0)) : Optional.empty();
                String summary = after + "a second connection passed " + failed.id() + ": the failure did not last";
                return new Probe(ID, failed, FollowUps.since(start), summary, List.of(), confirmed, lasting, List.of(),
                        "The failure passed: a second connection a moment later was served",
                        "Nothing to change: retry later (a device that queues and retries gets through).");
            }
            String summary = after + "a second connection failed at " + failed.id() + " again: " + again.summary();
            boolean same = evidence.reply().isPresent() && again.evidence().flatMap(Evidence::reply).isPresent()
                    ? FollowUps.sameRefusal(evidence.reply().get(), again.evidence().get().reply().get())
                    : evidence.event().isPresent() && evidence.event().equals(again.evidence().flatMap(Evidence::event));
            if (!same) {
                return Probe.undecided(ID, failed, FollowUps.since(start), summary + " (another failure: nothing decided)", List.of());
            }
            return new Probe(ID, failed, FollowUps.since(start), summary + " (the same refusal: it lasts)", List.of(), Optional.empty(),
                    List.of(), FollowUps.among(d, Set.of(Cause.SERVICE_UNAVAILABLE_TRANSIENT)), summary, "");
        } finally {
            FollowUps.close(p);
        }
    }
}
