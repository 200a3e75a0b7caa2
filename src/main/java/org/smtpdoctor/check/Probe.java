package org.smtpdoctor.check;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Cause;

/**
 * What one follow-up probe did and showed. A probe runs after a failure whose ranked candidates
 * it can tell apart (see {@link FollowUps}): it opens a connection of its own, does one thing
 * (another AUTH mechanism, the same command again after a pause) and compares the reply with the
 * first one. It never names a cause that was not among the candidates: it confirms one, rules
 * some out, or moves some behind the others. Immutable.
 *
 * @param id        {@code auth-mechanism} or {@code second-connection} (JSON {@code probes[].id})
 * @param after     the step whose failure it follows
 * @param summary   one line: what was sent and what came back
 * @param details   what a person reads to check it (the replies compared)
 * @param confirmed the candidate the probe shows to be the cause, if it shows one
 * @param ruledOut  candidates the probe shows not to be the cause
 * @param demoted   candidates the probe makes less likely (ranked after the others), not ruled out
 * @param finding   what the probe showed, as a title for the diagnosis when it confirms a cause that
 *                  no rule names for the first reply (else unused)
 * @param remedy    the fix that follows from what it showed, for the same case (may be empty)
 */
public record Probe(String id, StepId after, Duration duration, String summary, List<String> details,
                    Optional<Cause> confirmed, List<Cause> ruledOut, List<Cause> demoted, String finding, String remedy) {

    public Probe {
        details = List.copyOf(details);
        ruledOut = List.copyOf(ruledOut);
        demoted = List.copyOf(demoted);
    }

    /** A probe that could not compare anything (the new connection broke before the command, say). */
    static Probe undecided(String id, StepId after, Duration duration, String summary, List<String> details) {
        return new Probe(id, after, duration, summary, details, Optional.empty(), List.of(), List.of(), summary, "");
    }

    /** Whether the probe changed nothing: neither confirmed, ruled out nor demoted a candidate. */
    public boolean undecided() {
        return confirmed.isEmpty() && ruledOut.isEmpty() && demoted.isEmpty();
    }

    /** The checklist's words for what it decided: "rules out X, Y", "confirms X", "nothing decided". */
    public String verdict() {
        StringBuilder b = new StringBuilder();
        confirmed.ifPresent(c -> b.append("confirms ").append(c.id()));
        if (!ruledOut.isEmpty()) {
            b.append(b.length() > 0 ? "; " : "").append("rules out ")
                    .append(String.join(", ", ruledOut.stream().map(Cause::id).toList()));
        }
        if (!demoted.isEmpty()) {
            b.append(b.length() > 0 ? "; " : "").append("makes less likely: ")
                    .append(String.join(", ", demoted.stream().map(Cause::id).toList()));
        }
        return b.length() == 0 ? "nothing decided" : b.toString();
    }
}
