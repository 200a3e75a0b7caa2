package org.smtpdoctor.smtp;

import java.util.List;
import java.util.Optional;

/**
 * One SMTP reply (RFC 5321 section 4.2): a three-digit code, the optional RFC 3463
 * enhanced status taken from the first line, and the text of each line without
 * the code and separator. Immutable; "the server said no" is a Reply, never an exception.
 */
public record Reply(int code, Optional<EnhancedStatus> enhanced, List<String> lines) {

    public Reply {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            lines = List.of("");
        }
    }

    /** A reply from its code and text lines; the enhanced status is read from the first line. */
    public static Reply of(int code, String... lines) {
        List<String> list = List.of(lines);
        return new Reply(code, list.isEmpty() ? Optional.empty() : EnhancedStatus.parseLeading(list.get(0)), list);
    }

    public boolean isPositive() {
        return code / 100 == 2;
    }

    public boolean isIntermediate() {
        return code / 100 == 3;
    }

    public boolean isTransient() {
        return code / 100 == 4;
    }

    public boolean isPermanent() {
        return code / 100 == 5;
    }

    public boolean isFailure() {
        return isTransient() || isPermanent();
    }

    /** All lines' text joined with a space. */
    public String text() {
        return String.join(" ", lines);
    }

    /** The reply as one line, e.g. {@code 535 5.7.139 Authentication unsuccessful ...}. */
    public String oneLine() {
        return code + " " + text();
    }

    /** The reply as it travels on the wire, one string per line, without CRLF. */
    public List<String> wireLines() {
        String[] out = new String[lines.size()];
        for (int i = 0; i < out.length; i++) {
            String sep = i == out.length - 1 ? " " : "-";
            String text = lines.get(i);
            out[i] = text.isEmpty() && i == out.length - 1 ? String.valueOf(code) : code + sep + text;
        }
        return List.of(out);
    }
}
