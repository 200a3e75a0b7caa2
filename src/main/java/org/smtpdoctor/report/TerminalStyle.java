package org.smtpdoctor.report;

import org.smtpdoctor.check.Status;

/**
 * How the terminal report looks: ANSI colour only on a terminal (and never with
 * NO_COLOR set), Unicode marks only when the output encoding can carry them, plain
 * ASCII otherwise. Immutable.
 */
public record TerminalStyle(boolean color, boolean unicode) {

    public static final TerminalStyle PLAIN = new TerminalStyle(false, false);

    /** Decides from the environment: a console, TERM, NO_COLOR and the output charset. */
    public static TerminalStyle detect() {
        boolean tty = System.console() != null;
        String term = System.getenv("TERM");
        boolean color = tty && System.getenv("NO_COLOR") == null && term != null && !term.equals("dumb");
        String enc = String.valueOf(System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding",
                System.getProperty("file.encoding", ""))));
        boolean unicode = tty && enc.toUpperCase(java.util.Locale.ROOT).contains("UTF");
        return new TerminalStyle(color, unicode);
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
