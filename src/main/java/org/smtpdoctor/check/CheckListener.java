package org.smtpdoctor.check;

/**
 * Progress of a check: each step reports when it starts and when it has a finding,
 * in order, from the thread running the check. Implementations must not throw.
 */
public interface CheckListener {
    default void started(StepId step) {
    }

    void finished(Finding finding);

    CheckListener NONE = finding -> { };
}
