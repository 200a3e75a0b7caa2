package org.smtpdoctor.cli;

/** Exit codes are API (README "Exit codes"). */
public final class ExitCode {
    /** The check passed, possibly with warnings. */
    public static final int OK = 0;
    /** The check ran and diagnosed a failure. */
    public static final int FAILED = 1;
    /** Usage or configuration error: bad option, missing file, unknown scenario. Nothing was checked. */
    public static final int USAGE = 2;
    /** A bug in smtp-doctor; the message says what to report. */
    public static final int INTERNAL = 3;

    private ExitCode() {
    }
}
