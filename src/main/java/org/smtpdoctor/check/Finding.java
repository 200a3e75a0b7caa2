package org.smtpdoctor.check;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Diagnosis;

/**
 * The result of one step, for two audiences: a one-line summary and the details a
 * person reads, plus the diagnosis (cause, remedy, references) for a WARN or FAIL.
 * Immutable.
 */
public record Finding(StepId step, Status status, Duration duration, String summary, List<String> details,
                      Optional<Diagnosis> diagnosis) {

    public Finding {
        details = List.copyOf(details);
    }
}
