package org.smtpdoctor.check;

/**
 * Progress of a check: each step reports when it starts and when it has a finding,
 * in order, then each follow-up probe when it is done, from the thread running the check. Implementations must not throw.
 */
public interface CheckListener {
    default void started(StepId step) {
    }

    void finished(Finding finding);

    /** A follow-up probe ran after the failure (after every step's finding). */
    default void probed(Probe probe) {
    }

    CheckListener NONE = finding -> { };
}
