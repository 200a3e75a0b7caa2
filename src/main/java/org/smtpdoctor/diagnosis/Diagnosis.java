package org.smtpdoctor.diagnosis;

import java.util.List;

/**
 * What a piece of evidence means: the cause, how sure we are, what to tell the
 * user and how to fix it, and which rule decided on which text; plus the ranked
 * candidates (at most {@link #MAX_CANDIDATES}): the first is the cause when one was
 * decided, the others what else fits, each with what would settle it. Immutable.
 */
public record Diagnosis(Cause cause, Confidence confidence, String title, String explanation,
                        List<String> remedies, List<Reference> references, String ruleId, String matchedText,
                        List<Candidate> candidates) {

    /** Three: enough to act on, few enough to read. */
    public static final int MAX_CANDIDATES = 3;

    public Diagnosis {
        remedies = List.copyOf(remedies);
        references = List.copyOf(references);
        candidates = List.copyOf(candidates.size() > MAX_CANDIDATES ? candidates.subList(0, MAX_CANDIDATES) : candidates);
    }

    /** A diagnosis without alternatives: its own cause is the only candidate (none for unknown). */
    public Diagnosis(Cause cause, Confidence confidence, String title, String explanation,
                     List<String> remedies, List<Reference> references, String ruleId, String matchedText) {
        this(cause, confidence, title, explanation, remedies, references, ruleId, matchedText,
                cause == Cause.UNKNOWN ? List.of() : List.of(new Candidate(cause, confidence, title, "")));
    }

    /** The same diagnosis with other candidates. */
    public Diagnosis withCandidates(List<Candidate> ranked) {
        return new Diagnosis(cause, confidence, title, explanation, remedies, references, ruleId, matchedText, ranked);
    }

    /** Whether the answer leaves doubt: unknown, not of high confidence, or with other candidates. */
    public boolean ambiguous() {
        return cause == Cause.UNKNOWN || confidence != Confidence.HIGH || candidates.size() > 1;
    }

    /** The honest answer when no rule decides. */
    public static Diagnosis unknown(String matchedText, String whatWouldDecide) {
        return new Diagnosis(Cause.UNKNOWN, Confidence.LOW, "The evidence does not name a cause",
                whatWouldDecide, List.of(), List.of(), "unknown", matchedText);
    }
}
