package org.smtpdoctor.check;

import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Evidence;

/**
 * What a step concluded, before timing and diagnosis are added by the runner.
 * A FAIL always blocks the steps after it; a SKIP with {@code blocks} set (a missing
 * precondition such as no sender) makes the steps that need it skip too.
 */
record Outcome(Status status, String summary, List<String> details, Optional<Evidence> evidence, boolean blocks) {

    static Outcome pass(String summary, String... details) {
        return new Outcome(Status.PASS, summary, List.of(details), Optional.empty(), false);
    }

    static Outcome warn(String summary, Evidence evidence, String... details) {
        return new Outcome(Status.WARN, summary, List.of(details), Optional.of(evidence), false);
    }

    static Outcome fail(String summary, Evidence evidence, String... details) {
        return new Outcome(Status.FAIL, summary, List.of(details), Optional.of(evidence), true);
    }

    static Outcome skip(String reason) {
        return new Outcome(Status.SKIP, reason, List.of(), Optional.empty(), false);
    }
}
