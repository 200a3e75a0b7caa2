package org.smtpdoctor.diagnosis;

/**
 * One possible cause of a failure, in the ranked list a {@link Diagnosis} carries: how
 * likely it is, why it fits the evidence, and what settles it (a log entry to read, a
 * {@code check} step to run, a setting to look at). Immutable.
 */
public record Candidate(Cause cause, Confidence confidence, String why, String decideBy) {

    public Candidate {
        why = why == null ? "" : why;
        decideBy = decideBy == null ? "" : decideBy;
    }
}
