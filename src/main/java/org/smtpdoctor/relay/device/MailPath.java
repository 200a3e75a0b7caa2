package org.smtpdoctor.relay.device;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path in {@code MAIL FROM:} and {@code RCPT TO:} (RFC 5321 §4.1.2), and the ESMTP
 * parameters after it. Strict where the RFC says what a path is, lenient where devices are:
 * <ul>
 *   <li>{@code FROM:<a@b>}, {@code FROM: <a@b>}, {@code FROM:a@b} and {@code from : <a@b>} are the
 *       same (the RFC allows only the first; devices send all of them);</li>
 *   <li>a local part may be a Quoted-string ({@code "x y"@test.local}, {@code "a\"b"@c}), which may
 *       hold spaces, {@code @} and {@code >}; it is kept exactly as received, quotes and
 *       backslashes included, so the upstream gets the same path;</li>
 *   <li>an unquoted local part is anything without spaces, {@code @} or a quote (devices use
 *       {@code _}, {@code ..} and worse; the upstream judges);</li>
 *   <li>a source route ({@code <@relay:a@b>}, RFC 5321 appendix C) is dropped.</li>
 * </ul>
 * No control character is accepted anywhere in a path. Pure and thread-safe.
 */
final class MailPath {

    /**
     * @param address    the mailbox as received, empty for the null path {@code <>}
     * @param parameters what followed the path (ESMTP parameters), stripped
     */
    record Parsed(String address, String parameters) {}

    private static final Pattern FROM = Pattern.compile("(?i)^FROM\\s*:\\s*");
    private static final Pattern TO = Pattern.compile("(?i)^TO\\s*:\\s*");
    private static final Pattern UNQUOTED = Pattern.compile("[^@\\s\"]+@[^@\\s\"]+");
    private static final Pattern DOMAIN = Pattern.compile("[^@\\s\"]+");

    private MailPath() {
    }

    /** The argument of MAIL ({@code FROM:<path> params}); empty when it is not one. */
    static Optional<Parsed> reversePath(String argument) {
        return parse(FROM, argument);
    }

    /** The argument of RCPT ({@code TO:<path> params}); empty when it is not one. */
    static Optional<Parsed> forwardPath(String argument) {
        return parse(TO, argument);
    }

    private static Optional<Parsed> parse(Pattern keyword, String argument) {
        Matcher k = keyword.matcher(argument);
        if (!k.find()) {
            return Optional.empty();
        }
        String rest = argument.substring(k.end());
        boolean bracketed = rest.startsWith("<");
        int end = scan(rest, bracketed ? 1 : 0, bracketed);
        if (end < 0) {
            return Optional.empty();
        }
        String path = bracketed ? rest.substring(1, end).strip() : rest.substring(0, end);
        String parameters = rest.substring(bracketed ? end + 1 : end).strip();
        return mailbox(path).map(a -> new Parsed(a, parameters));
    }

    /**
     * Where the path ends: at the first {@code >} (bracketed) or white space (bare) outside a
     * quoted string; -1 when a bracketed path never closes.
     */
    private static int scan(String s, int from, boolean bracketed) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (bracketed ? c == '>' : Character.isWhitespace(c))) {
                return i;
            }
        }
        return bracketed ? -1 : s.length();
    }

    /** The mailbox of a path without its brackets: "" for the null path, empty when it is not one. */
    private static Optional<String> mailbox(String path) {
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            return Optional.empty();
        }
        String a = path;
        if (a.startsWith("@")) {
            int colon = a.indexOf(':');
            a = colon < 0 ? "" : a.substring(colon + 1);
        }
        if (a.isEmpty()) {
            return Optional.of("");
        }
        if (!a.startsWith("\"")) {
            return UNQUOTED.matcher(a).matches() ? Optional.of(a) : Optional.empty();
        }
        // Quoted-string = DQUOTE *QcontentSMTP DQUOTE; qtextSMTP is %d32-33 / %d35-91 / %d93-126,
        // quoted-pairSMTP is "\" %d32-126 (RFC 5321 §4.1.2); UTF-8 as RFC 6531 §3.3 adds it.
        int i = 1;
        while (i < a.length() && a.charAt(i) != '"') {
            char c = a.charAt(i);
            if (c == '\\') {
                if (i + 1 >= a.length()) {
                    return Optional.empty();
                }
                i += 2;
            } else {
                i++;
            }
        }
        if (i + 1 >= a.length() || a.charAt(i + 1) != '@') {
            return Optional.empty(); // unclosed, or no domain after it
        }
        return DOMAIN.matcher(a.substring(i + 2)).matches() ? Optional.of(a) : Optional.empty();
    }
}
