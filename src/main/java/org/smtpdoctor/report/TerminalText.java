package org.smtpdoctor.report;

/**
 * Text from outside (a device's HELO, headers and body; a server's reply) made safe to print
 * on a terminal: control characters that could move the cursor, recolour, retitle the window
 * or hide what follows (C0 and C1 controls, DEL, a lone carriage return, Unicode direction
 * overrides) are shown as {@code \xNN} or {@code \\uNNNN}, as the relay's log shows them.
 * Line feeds and tabs stay; CR LF becomes a line feed. Stateless.
 */
public final class TerminalText {

    private TerminalText() {
    }

    public static String safe(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean crlf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
            boolean unsafe = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F)
                    || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
            if ((unsafe || crlf) && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out == null || crlf) {
                continue;
            }
            if (!unsafe) {
                out.append(c);
            } else if (c <= 0xFF) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }
}
