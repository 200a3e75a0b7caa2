package org.smtpdoctor.diagnosis;

import java.util.List;

/**
 * What a piece of evidence means: the cause, how sure we are, what to tell the
 * user and how to fix it, and which rule decided on which text. Immutable.
 */
public record Diagnosis(Cause cause, Confidence confidence, String title, String explanation,
                        List<String> remedies, List<Reference> references, String ruleId, String matchedText) {

    public Diagnosis {
        remedies = List.copyOf(remedies);
        references = List.copyOf(references);
    }

    /** The honest answer when no rule decides. */
    public static Diagnosis unknown(String matchedText, String whatWouldDecide) {
        return new Diagnosis(Cause.UNKNOWN, Confidence.LOW, "The evidence does not name a cause",
                whatWouldDecide, List.of(), List.of(), "unknown", matchedText);
    }
}
