package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A paste in the form it had before it reached smtp-doctor: the explainer reads the message, not the way a terminal,
 * a web page, a word processor, a JSON log, a mail answer or a log's line headers wrapped it (docs/rules.md,
 * "Explaining pasted text"; PasteFormsTest measures each form over the read messages).
 */
final class PasteForms {

    private PasteForms() {}

    /**
     * The paste cleaned ({@link #clean}), its JSON log records read ({@link #records}), unescaped ({@link #unescape},
     * also of HTML tags) and without repeated line headers ({@link #unprefix}).
     */
    static String normal(String input) {
        return unprefix(untag(unescape(records(clean(input)))));
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A JSON log record's message, in the order looked for: Docker's, journald's, most loggers'. */
    private static final List<String> MESSAGE_KEYS = List.of("log", "MESSAGE", "message", "msg", "@message", "Message");
    /** A JSON log record's error, read after its message when it is another text. */
    private static final List<String> ERROR_KEYS = List.of("error", "err", "exception", "exc_info", "stack_trace", "stacktrace");
    /** What makes a JSON object a log record, not a reply or an event that rules read as JSON. */
    private static final List<String> RECORD_KEYS = List.of("time", "timestamp", "@timestamp", "ts", "level", "severity",
            "levelname", "stream", "__REALTIME_TIMESTAMP", "PRIORITY", "logger", "logger_name", "@t", "@l", "@mt");

    /**
     * A paste of JSON log records (Docker's json-file, journalctl -o json, structured loggers), one to a line: each
     * record as its message (and its error, when that is another text), so that the record's other fields are not
     * read as the reply's words and a reply wrapped over several records is one again. Other lines stay.
     */
    static String records(String text) {
        if (text.indexOf('{') < 0 || text.indexOf('"') < 0) {
            return text;
        }
        String[] lines = text.split("\n", -1);
        boolean changed = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.length() > 2 && line.charAt(0) == '{' && line.charAt(line.length() - 1) == '}' && line.contains("\":")) {
                String read = record(line);
                if (read != null) {
                    lines[i] = read;
                    changed = true;
                }
            }
        }
        return changed ? clean(String.join("\n", lines)) : text;
    }

    private static String record(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (!node.isObject() || RECORD_KEYS.stream().noneMatch(node::has)) {
            return null;
        }
        String message = first(node, MESSAGE_KEYS);
        if (message == null) {
            return null;
        }
        String error = first(node, ERROR_KEYS);
        String read = error == null || message.contains(error.strip()) ? message : message + "\n" + error;
        return read.endsWith("\n") ? read.substring(0, read.length() - 1) : read;
    }

    /** The first of the keys whose value is a text (or an object's own message, one level down). */
    private static String first(JsonNode node, List<String> keys) {
        for (String key : keys) {
            JsonNode value = node.get(key);
            if (value != null && value.isTextual()) {
                return value.asText();
            }
            if (value != null && value.isObject()) {
                String inner = first(value, MESSAGE_KEYS);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    /** HTML tags that break or hold text ({@code <br>}, {@code </p>}, {@code <pre>}, {@code <td>}...), copied with a page. */
    private static final Pattern HTML_TAG = Pattern.compile(
            "<(/?)(br|p|pre|div|span|td|th|tr|table|tbody|thead|li|ul|ol|b|i|u|em|strong|code|font|tt|html|body|head|h[1-6])"
                    + "\\b[^<>@]{0,200}?/?>(\\r?\\n)?", Pattern.CASE_INSENSITIVE);

    /**
     * The paste without the HTML tags a copy of a page's source kept: a line break, a paragraph's or a row's end
     * becomes a line end, the other tags go. An address in angle brackets ({@code <user@example.com>}) is no tag.
     */
    static String untag(String text) {
        if (text.indexOf('<') < 0) {
            return text;
        }
        return HTML_TAG.matcher(text).replaceAll(m -> {
            String tag = m.group(2).toLowerCase(java.util.Locale.ROOT);
            boolean breaks = tag.equals("br") || !m.group(1).isEmpty() && List.of("p", "div", "tr", "li", "pre", "table").contains(tag);
            // A break tag before the source's own line end is one line end, not two.
            return breaks || m.group(3) != null ? "\n" : "";
        });
    }

    /** A terminal's escape sequence: colours and cursor moves (CSI), window titles and links (OSC). */
    private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001b(?:\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)?)");

    /**
     * Control characters (but line ends and tabs) become spaces; NULs from binary input go, and so do a terminal's
     * escape sequences (a coloured log: "ESC[31mERROR ESC[0m"), which would leave "[31m" before a reply code. What a
     * web page, a word processor or a chat client put for a plain character becomes it: no-break and other wide
     * spaces a space, curly quotes straight ones; zero-width characters go.
     */
    static String clean(String input) {
        String s = input.length() > Explainer.MAX_CHARS ? input.substring(0, Explainer.MAX_CHARS) : input;
        if (clean(s, 0)) {
            return s;
        }
        if (s.indexOf('\u001b') >= 0) {
            s = TERMINAL_ESCAPE.matcher(s).replaceAll("");
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = plain(s.charAt(i));
            if (c != 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The plain character for one of a paste ({@link #clean}): itself, a space or quote for its look-alike, 0 to drop it. */
    private static char plain(char c) {
        if (c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t') {
            return c;
        }
        return switch (c) {
            case 0, '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff' -> 0;
            case '\u00a0', '\u1680', '\u202f', '\u205f', '\u3000' -> ' ';
            case '\u2018', '\u2019', '\u201a', '\u201b' -> '\'';
            case '\u201c', '\u201d', '\u201e', '\u201f' -> '"';
            default -> c < 0x20 || c == 0x7f || c == 0xFFFD ? ' ' : c >= '\u2000' && c <= '\u200a' ? ' ' : c;
        };
    }

    /** A mail reply's quoting of a line ("> ", also nested), as a bounce forwarded or answered shows it. */
    private static final Pattern QUOTED_LINE = Pattern.compile("^[ \\t]*+>[ \\t]?");
    /** curl's marks: the server's lines "< ", its own "* " (the client's are "> "). */
    private static final Pattern CURL_LINE = Pattern.compile("(?m)^[<*] ");
    private static final Pattern QUOTED_COMMAND = Pattern.compile(
            "\\s*+>++\\s*+(?:EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|BDAT|QUIT|RSET|NOOP)\\b", Pattern.CASE_INSENSITIVE);
    /** Docker Compose's service column ("mailer-1  | "): names padded to one width, before every line of its log. */
    private static final Pattern COMPOSE_SERVICE = Pattern.compile("^[\\w.-]+ +\\| ?");
    /** A log line's time stamp: syslog's ("Dec  8 02:43:24") or ISO 8601's, with fractions and a zone; one space after. */
    private static final Pattern LOG_TIME = Pattern.compile(
            "^(?:[A-Z][a-z]{2} +\\d{1,2} \\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?)[ \\t]");
    /** A reply's next line: the code the line before announced with a hyphen ("550-"), or a wrap's indentation. */
    private static final Pattern REPLY_LINE_START = Pattern.compile("^(?:([245][0-5]\\d)[ -]|[ \\t])");

    /**
     * The paste without the headers that its lines repeat, so that a multi-line reply reads as one again: a mail
     * reply's quoting ("> ", all levels; on every line, or in blocks of two lines or more under an "On ... wrote:"
     * line, unless the paste is a curl transcript), Docker Compose's service column, and a log's time stamp and
     * source (the same on every line but for the time) before the lines that continue a reply (a code the line before
     * announced with a hyphen, an indented wrap). The first line keeps its time stamp and source, which may name the
     * program (postfix/smtpd); time stamps with no source go from every line.
     */
    static String unprefix(String pasted) {
        String text = pasted.indexOf('>') >= 0 ? unquote(pasted) : pasted;
        if (text.indexOf('\n') < 0) {
            return text;
        }
        String[] split = text.split("\n", -1);
        String[] lines = text.indexOf('|') >= 0 ? withoutComposeColumn(split) : split;
        String read = lines == split ? text : String.join("\n", lines);
        String common = null;
        int[] headers = new int[lines.length];
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            Matcher time = LOG_TIME.matcher(lines[i]);
            if (!time.find()) {
                return read;
            }
            headers[i] = time.end();
            String rest = lines[i].substring(time.end());
            common = common == null ? rest : commonPrefix(common, rest);
        }
        int cut = common == null ? -1 : headerEnd(common);
        StringBuilder out = new StringBuilder(text.length());
        String previous = "";
        for (int i = 0; i < lines.length; i++) {
            String rest = lines[i].isBlank() || cut < 0 ? null : lines[i].substring(headers[i] + cut);
            Matcher start = rest == null ? null : REPLY_LINE_START.matcher(rest);
            // Time stamps alone (no source: GitHub Actions, kubectl --timestamps) say nothing and go from every line.
            boolean continues = rest != null && common.isBlank() || i > 0 && start != null && start.find()
                    && (start.group(1) == null || previous.contains(start.group(1) + "-"));
            out.append(continues ? rest : lines[i]);
            previous = lines[i];
            if (i + 1 < lines.length) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** The paste without a mail reply's quoting (up to 16 levels); a curl transcript keeps its marks. */
    private static String unquote(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 1 && QUOTED_COMMAND.matcher(text).lookingAt()) {
            return text;
        }
        for (int level = 0; level < 16; level++) {
            boolean[] quoted = new boolean[lines.length];
            boolean all = true;
            for (int i = 0; i < lines.length; i++) {
                quoted[i] = QUOTED_LINE.matcher(lines[i]).lookingAt();
                all &= quoted[i] || lines[i].isBlank();
            }
            if (!all && CURL_LINE.matcher(String.join("\n", lines)).find()) {
                break;
            }
            boolean changed = false;
            for (int i = 0; i < lines.length; i++) {
                // Without every line quoted, only blocks of two quoted lines or more: a lone "> EHLO" may be curl's.
                if (quoted[i] && (all || i > 0 && quoted[i - 1] || i + 1 < lines.length && quoted[i + 1])) {
                    lines[i] = QUOTED_LINE.matcher(lines[i]).replaceFirst("");
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return String.join("\n", lines);
    }

    /** The lines without Docker Compose's service column, when every line has one, all of one width. */
    private static String[] withoutComposeColumn(String[] lines) {
        int width = -1;
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            Matcher m = COMPOSE_SERVICE.matcher(l);
            if (!m.find() || width >= 0 && m.end() != width) {
                return lines;
            }
            width = m.end();
        }
        String[] out = lines.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i].isBlank() ? out[i] : out[i].substring(width);
        }
        return out;
    }

    /** Where a log line's source ends ("host prog[42]: ", "ERROR [worker-3] "): after its first ": " or "] ", else 0. */
    private static int headerEnd(String common) {
        int colon = common.indexOf(": ");
        int bracket = common.indexOf("] ");
        int end = colon < 0 ? bracket : bracket < 0 ? colon : Math.min(colon, bracket);
        return end < 0 ? 0 : end + 2;
    }

    private static String commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return a.substring(0, n);
    }

    /** An HTML character reference, as a paste from a web page's source or an HTML mail keeps them. */
    private static final Pattern HTML_REFERENCE = Pattern.compile("&(?:(lt|gt|quot|amp|apos|nbsp)|#(\\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));");
    /**
     * A JSON string's escapes, as logs that write each record as JSON show a message: an escaped quote, a backslash-u
     * code, a line end (a backslash-n before anything but a small letter: a Windows path such as C:\\new shows one),
     * a URL's escaped slashes (PHP's json_encode writes https:\\/\\/).
     */
    private static final Pattern JSON_ESCAPE = Pattern.compile("(?<!\\\\)\\\\(?:[\"']|u[0-9a-fA-F]{4}|r\\\\n|n(?![a-z])|/\\\\/)");
    /** A Python bytes literal with an escaped line end (smtplib's b'250 Ok' and CRLF): the explainer reads it where it is. */
    private static final Pattern PYTHON_LITERAL = Pattern.compile("(?:^|[\\s(\\[,:=])b'[^'\\n]*\\\\[rn]");

    /**
     * The text as it was before a log or a web page escaped it: HTML character references decoded, and a JSON string's
     * escapes when the text shows them (a paste of a JSON log record whose message holds the reply), twice at most.
     * Nothing changes otherwise.
     */
    static String unescape(String text) {
        String s = text;
        if (s.indexOf('&') >= 0 && s.indexOf(';') >= 0) {
            s = HTML_REFERENCE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(htmlCharacter(m)));
        }
        // Twice at most: a JSON log of a message that already showed escapes (a JSON body, a Python repr) escapes them again.
        boolean decoded = false;
        for (int round = 0; round < 2 && s.indexOf('\\') >= 0 && JSON_ESCAPE.matcher(s).find()
                && !PYTHON_LITERAL.matcher(s).find(); round++) {
            s = unescapeJson(s);
            decoded = true;
        }
        // What the escapes hid may be a terminal's colours or a control character.
        return decoded ? clean(s) : s;
    }

    private static String htmlCharacter(MatchResult m) {
        if (m.group(1) != null) {
            return switch (m.group(1)) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "amp" -> "&";
                case "apos" -> "'";
                default -> " ";
            };
        }
        int code = m.group(2) != null ? Integer.parseInt(m.group(2)) : Integer.parseInt(m.group(3), 16);
        return Character.isValidCodePoint(code) && code >= 0x20 || code == '\n' || code == '\t'
                ? new String(Character.toChars(code)) : " ";
    }

    /** A JSON string's escapes decoded; a backslash before anything else stays as it is. */
    private static String unescapeJson(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char next = s.charAt(i + 1);
            int hex = next == 'u' && i + 6 <= s.length() ? parseHex(s.substring(i + 2, i + 6)) : -1;
            String decoded = switch (next) {
                case 'n' -> "\n";
                case 'r' -> "\r";
                case 't' -> "\t";
                case '"', '\\', '/', '\'' -> String.valueOf(next);
                case 'u' -> hex >= 0 ? String.valueOf((char) hex) : null;
                default -> null;
            };
            if (decoded == null) {
                out.append(c);
            } else {
                out.append(decoded);
                i += next == 'u' ? 5 : 1;
            }
        }
        return out.toString();
    }

    /** Four hex digits' value, or -1 (no sign, no other character). */
    private static int parseHex(String four) {
        int value = 0;
        for (int i = 0; i < four.length(); i++) {
            int digit = Character.digit(four.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /** Whether the text from {@code from} on needs no cleaning (the usual case: no copy is made). */
    private static boolean clean(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 || c >= 0x7f) && (c == 0 || plain(c) != c)) {
                return false;
            }
        }
        return true;
    }
}
