package org.smtpdoctor;

import org.smtpdoctor.cli.ExitCode;
import org.smtpdoctor.cli.SmtpDoctorCommand;

/** Entry point: runs the command line and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = SmtpDoctorCommand.execute(args);
        } catch (Throwable t) {
            // Errors (not Exceptions) bypass picocli's handler; still one line, never a stack trace.
            System.err.println("smtp-doctor: internal error: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            code = ExitCode.INTERNAL;
        }
        System.exit(code);
    }
}
