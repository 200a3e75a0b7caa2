package org.smtpdoctor.check;

import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.smtp.Transcript;

/**
 * A finished check: every step's finding in order, the follow-up probes that ran after the
 * first failure (their verdicts are already in that failure's diagnosis), the redacted
 * transcript, and the diagnosis of the first blocking failure. Immutable.
 */
public record CheckResult(CheckRequest request, List<Finding> findings, List<Probe> probes, List<Transcript.Entry> transcript) {

    public CheckResult {
        findings = List.copyOf(findings);
        probes = List.copyOf(probes);
        transcript = List.copyOf(transcript);
    }

    /** A check after which no probe ran. */
    public CheckResult(CheckRequest request, List<Finding> findings, List<Transcript.Entry> transcript) {
        this(request, findings, List.of(), transcript);
    }

    /** FAIL when any step failed, WARN when any warned, else PASS. */
    public Status verdict() {
        if (findings.stream().anyMatch(f -> f.status() == Status.FAIL)) {
            return Status.FAIL;
        }
        if (findings.stream().anyMatch(f -> f.status() == Status.WARN)) {
            return Status.WARN;
        }
        return Status.PASS;
    }

    /** The first failed step, which decided the verdict. */
    public Optional<Finding> firstFailure() {
        return findings.stream().filter(f -> f.status() == Status.FAIL).findFirst();
    }

    /** The diagnosis that explains the check: the first failure's, else the first warning's. */
    public Optional<Diagnosis> diagnosis() {
        Optional<Finding> decisive = firstFailure()
                .or(() -> findings.stream().filter(f -> f.status() == Status.WARN && f.diagnosis().isPresent()).findFirst());
        return decisive.flatMap(Finding::diagnosis);
    }

    /** The cause id of the first blocking failure (JSON {@code cause}); empty when nothing failed. */
    public Optional<Cause> cause() {
        return firstFailure().flatMap(Finding::diagnosis).map(Diagnosis::cause);
    }
}
