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
            String message = "internal error: " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            if (java.util.Arrays.asList(args).contains("--json")) {
                System.out.println("{\"tool\": \"smtp-doctor\", \"error\": " + quoted(message) + ", \"error_kind\": \"internal\"}");
            } else {
                System.err.println("smtp-doctor: " + message);
            }
            code = ExitCode.INTERNAL;
        }
        System.exit(code);
    }

    /** A JSON string by hand: after an Error (out of memory), nothing more may be loaded. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
