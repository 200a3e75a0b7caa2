package org.smtpdoctor.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in-process and captures what it prints. */
final class Cli {

    record Run(int exit, String out, String err) {}

    /** With the process's environment, except that help is 80 columns wide whatever the terminal. */
    static Run run(String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("COLUMNS", "80");
        return runWith(env, args);
    }

    static Run runWith(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SmtpDoctorCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Cli() {
    }
}
