package org.smtpdoctor.io;

/**
 * Text from elsewhere (an error body, a server's message) made safe for one line of a terminal
 * or log: whitespace runs, control characters (ESC starts terminal sequences) and invisible
 * format characters (bidi overrides) become one space; the result is cut to a length.
 * Stateless.
 */
public final class OneLine {

    private OneLine() {
    }

    public static String of(String s, int max) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), max));
        boolean space = false;
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || c == '\u2028' || c == '\u2029') {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }
}
