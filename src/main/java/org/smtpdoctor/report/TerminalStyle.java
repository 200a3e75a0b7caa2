package org.smtpdoctor.report;

import org.smtpdoctor.check.Status;

/**
 * How the terminal report looks: ANSI colour only on a terminal (and never with
 * a non-empty NO_COLOR), Unicode marks only when the output encoding can carry them, plain
 * ASCII otherwise. Immutable.
 */
public record TerminalStyle(boolean color, boolean unicode) {

    public static final TerminalStyle PLAIN = new TerminalStyle(false, false);

    /** Decides from the process's environment: a console, TERM, NO_COLOR and the output charset. */
    public static TerminalStyle detect() {
        return detect(System.getenv());
    }

    /** Decides from this environment and the process's console and output charset. */
    public static TerminalStyle detect(java.util.Map<String, String> env) {
        String enc = String.valueOf(System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding",
                System.getProperty("file.encoding", ""))));
        return detect(System.console() != null, env, enc);
    }

    /**
     * Colour on a terminal whose TERM is known and not {@code dumb}, unless NO_COLOR is set to a
     * non-empty value (no-color.org: an empty NO_COLOR does not count); Unicode marks on a
     * terminal whose encoding is a UTF.
     */
    static TerminalStyle detect(boolean tty, java.util.Map<String, String> env, String encoding) {
        String term = env.get("TERM");
        boolean color = tty && !noColor(env) && term != null && !term.equals("dumb");
        boolean unicode = tty && encoding.toUpperCase(java.util.Locale.ROOT).contains("UTF");
        return new TerminalStyle(color, unicode);
    }

    /** NO_COLOR asks for no colour when it is present and not empty (no-color.org). */
    public static boolean noColor(java.util.Map<String, String> env) {
        String v = env.get("NO_COLOR");
        return v != null && !v.isEmpty();
    }

    public String mark(Status status) {
        String mark = unicode
                ? switch (status) { case PASS -> "✔"; case WARN -> "!"; case FAIL -> "✘"; case SKIP -> "–"; }
                : switch (status) { case PASS -> "PASS"; case WARN -> "WARN"; case FAIL -> "FAIL"; case SKIP -> "SKIP"; };
        String padded = unicode ? mark : String.format("%-4s", mark);
        return paint(status, padded);
    }

    public String paint(Status status, String text) {
        if (!color) {
            return text;
        }
        String code = switch (status) { case PASS -> "32"; case WARN -> "33"; case FAIL -> "31;1"; case SKIP -> "2"; };
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    public String bold(String text) {
        return color ? "\u001b[1m" + text + "\u001b[0m" : text;
    }

    public String dim(String text) {
        return color ? "\u001b[2m" + text + "\u001b[0m" : text;
    }
}
