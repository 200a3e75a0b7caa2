package org.smtpdoctor.diagnosis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pasted text cut into lines, with what each line is in the transcript layouts that client
 * libraries and tools print: a command the client sent ({@code C: AUTH LOGIN},
 * {@code CLIENT -> SERVER: EHLO x}, {@code >> MAIL FROM:<a>}, {@code  -> RCPT TO:<b>},
 * {@code > AUTH PLAIN}, JavaMail's bare {@code AUTH LOGIN}, Sendmail's {@code >>> DATA}), or a
 * line the server sent ({@code S:}, {@code SERVER -> CLIENT:}, {@code <<}, {@code <-},
 * {@code <~}, {@code <}, {@code Got:}, a Postfix {@code said:}). Transcripts whose line breaks
 * were lost in pasting ({@code >> MAIL FROM:<a>  << 250 Ok  >> RCPT TO:<b>}) are cut at their
 * direction markers first. Immutable.
 */
final class Paste {

    /** A direction marker in the middle of a line (a transcript pasted without its line breaks). */
    private static final Pattern INLINE_MARKER = Pattern.compile(
            "(?<=\\S)(?<!SERVER|CLIENT)[ \\t]+(?=(?:SERVER -> CLIENT:|CLIENT -> SERVER:|<<<?|>>>?|<-|->|<~|~>|[SC]:)[ \\t])");
    /** A line the client sent, after a direction marker: the SMTP verb and its argument. */
    private static final Pattern MARKED_COMMAND = Pattern.compile(
            "(?:^|[\\s\\]|])(?:C:|CLIENT -> SERVER:|>>>?|->|~>|>|Sent:|SEND:|command\\s*:)\\s*"
                    + "(EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|BDAT|QUIT|RSET|NOOP)\\b(.*)$",
            Pattern.CASE_INSENSITIVE);
    /** A bare command at the start of a line, as JavaMail's debug output and telnet sessions show them. */
    private static final Pattern BARE_COMMAND = Pattern.compile(
            "^\\s*(EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|BDAT|QUIT|RSET)((?: [A-Za-z0-9_.\\[\\]:<>@=+/-]+)*|:<[^>]*>.*)\\s*$");
    /** A line the server sent. */
    private static final Pattern SERVER_LINE = Pattern.compile(
            "(?:^|\\s)(?:S:|SERVER -> CLIENT:|<<<?|<-|<~\\*?|<\\*?|Got:|Recv:|RECV:|response\\s*:|\\d<)\\s*[2-5]\\d\\d|\\bsaid:\\s|^\\s*[2-5]\\d\\d[ -]");

    private final String text;
    /** The text in lower case (Locale.ROOT), made once for every literal test on it. */
    private final String lower;
    private final int[] lineStarts;
    private final String[] commands;
    private final boolean[] serverLines;
    private final boolean[] markedServerLines;
    private final boolean anyServerMarker;

    private Paste(String text) {
        this.text = text;
        this.lower = text.toLowerCase(Locale.ROOT);
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        commands = new String[lineStarts.length];
        serverLines = new boolean[lineStarts.length];
        markedServerLines = new boolean[lineStarts.length];
        boolean marker = false;
        for (int i = 0; i < lineStarts.length; i++) {
            String line = line(i);
            if (line.length() > 2000) {
                continue;
            }
            // Cheap tests first (batch speed): a marked command needs a marker, a bare one starts
            // with a capital letter, a server line holds a digit.
            Matcher c = mayBeMarkedCommand(line) ? firstAtSpace(MARKED_COMMAND, line, " ]|") : null;
            if (c != null) {
                commands[i] = (c.group(1).toUpperCase(Locale.ROOT) + c.group(2)).strip();
            } else if (mayBeBareCommand(line)) {
                Matcher b = BARE_COMMAND.matcher(line);
                if (b.find() && (!b.group(1).equals("DATA") || b.group(2).isBlank())) {
                    commands[i] = (b.group(1) + b.group(2)).strip();
                }
            }
            if (commands[i] == null && hasDigit(line) && mayBeServerLine(line) && firstAtSpace(SERVER_LINE, line, "s") != null) {
                serverLines[i] = true;
                markedServerLines[i] = !startsWithReplyCode(line);
                marker |= markedServerLines[i];
            }
        }
        anyServerMarker = marker;
    }

    /**
     * The first match of a pattern that starts with {@code (?:^|\s)} or {@code (?:^|[\s...])}, as {@code find()} gives
     * it, or null: tried only at the line's start, at white space and at the other characters given (batch speed:
     * not at every position).
     */
    private static Matcher firstAtSpace(Pattern pattern, String line, String also) {
        Matcher m = Prefilter.around(pattern.matcher(line));
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if ((i == 0 || Character.isWhitespace(ch) || also.indexOf(ch) >= 0) && m.region(i, line.length()).lookingAt()) {
                return m;
            }
        }
        return null;
    }

    /** A line that is a bare reply: spaces, then a code and a space or hyphen. */
    private static boolean startsWithReplyCode(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i + 3 < line.length() && line.charAt(i) >= '2' && line.charAt(i) <= '5' && hasDigitAt(line, i + 1)
                && hasDigitAt(line, i + 2) && (line.charAt(i + 3) == ' ' || line.charAt(i + 3) == '-');
    }

    private static boolean hasDigitAt(String s, int i) {
        return s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    /** A superset of {@link #MARKED_COMMAND} (which ignores case): one of its markers is in the line. */
    private static boolean mayBeMarkedCommand(String line) {
        if (line.indexOf('>') >= 0) {
            return true;
        }
        String lower = line.toLowerCase(Locale.ROOT);
        return lower.contains("c:") || lower.contains("sent:") || lower.contains("send:") || lower.contains("command");
    }

    /** A superset of {@link #SERVER_LINE}: one of its markers is in the line, or it starts with a code. */
    private static boolean mayBeServerLine(String line) {
        return line.indexOf('<') >= 0 || line.contains("S:") || line.contains("SERVER") || line.contains(":") && (line.contains("Got:")
                || line.contains("ecv:") || line.contains("ECV:") || line.contains("esponse") || line.contains("said:"))
                || startsWithReplyCode(line);
    }

    private static boolean mayBeBareCommand(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i < line.length() && "EHSAMRDBQ".indexOf(line.charAt(i)) >= 0;
    }

    private static boolean hasDigit(String line) {
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch >= '0' && ch <= '9') {
                return true;
            }
        }
        return false;
    }

    /** The text cut into lines at its transcript markers; line ends become LF. */
    static Paste of(String cleaned) {
        String text = cleaned.indexOf('\r') >= 0 ? cleaned.replace("\r\n", "\n").replace('\r', '\n') : cleaned;
        if (text.length() < 1_000_000 && mayHaveMarkers(text) && hasInlineMarkers(text)) {
            text = INLINE_MARKER.matcher(text).replaceAll("\n");
        }
        return new Paste(text);
    }

    private static boolean mayHaveMarkers(String text) {
        return text.contains("->") || text.contains("<-") || text.contains(">>") || text.contains("<<") || text.contains("~>")
                || text.contains("<~") || text.contains(" S: ") || text.contains(" C: ") || text.contains("\tS: ")
                || text.contains("\tC: ");
    }

    /** Two markers or more on one line: the line breaks were lost. */
    private static boolean hasInlineMarkers(String text) {
        Matcher m = INLINE_MARKER.matcher(text);
        int lastLine = -2;
        while (m.find()) {
            int lineStart = text.lastIndexOf('\n', m.start());
            if (lineStart == lastLine) {
                return true;
            }
            lastLine = lineStart;
        }
        return false;
    }

    String text() {
        return text;
    }

    String lower() {
        return lower;
    }

    int lineCount() {
        return lineStarts.length;
    }

    int lineOf(int position) {
        int i = Arrays.binarySearch(lineStarts, position);
        return i >= 0 ? i : -i - 2;
    }

    int lineStart(int index) {
        return lineStarts[index];
    }

    String line(int index) {
        int end = index + 1 < lineStarts.length ? lineStarts[index + 1] - 1 : text.length();
        return text.substring(lineStarts[index], Math.max(lineStarts[index], end));
    }

    /** The command a client line sent ({@code AUTH LOGIN}, {@code MAIL FROM:<a>}), or null. */
    String command(int line) {
        return commands[line];
    }

    /** A line the server sent: marked as such, or (in a paste without markers) starting with a reply code. */
    boolean serverLine(int line) {
        return serverLines[line];
    }

    /**
     * Whether a reply on this line is the server's own words: in a transcript that marks the
     * server's lines, only the marked ones are; without markers, every line may be.
     */
    boolean server(int line) {
        return anyServerMarker ? markedServerLines[line] : true;
    }

    /** Whether the paste is a transcript that marks the server's lines (then unmarked replies are commentary). */
    boolean marksServerLines() {
        return anyServerMarker;
    }

    /**
     * The last command sent before this position, looking back at most {@code maxLines} lines, with
     * the index of its line; null when none.
     */
    int lastCommandLine(int position, int maxLines) {
        int line = lineOf(position);
        for (int i = line; i >= 0 && i > line - maxLines; i--) {
            if (commands[i] != null && (i < line || lineStarts[i] < position)) {
                return i;
            }
        }
        return -1;
    }

    /** A host and port, or a port named as such, in a client's connection error. */
    private static final Pattern PORT = Pattern.compile(
            "(?i)\\bport[:=]?\\s*(?:[\\w.-]+,\\s*)?(\\d{2,5})\\b|\\b((?:[a-z0-9-]+\\.)+[a-z]{2,}|\\d+\\.\\d+\\.\\d+\\.\\d+|localhost):(\\d{2,5})\\b");
    /** Node's failed HTTP request, in its own print or a JSON log: type 'FETCH', "type":"FETCH". */
    private static final Pattern FETCH = Pattern.compile("\\btype\\W{1,4}fetch\\b");
    /** Source files in stack traces ("Email.java:1421") are not host names. */
    private static final Pattern SOURCE_FILE = Pattern.compile(
            "(?i).*\\.(java|js|mjs|cjs|ts|rb|py|php|cs|go|kt|scala|groovy|pl|pm|c|cc|cpp|h|vb|fs|swift|rs|ex|exs|erl|lua|dart)$");
    private static final List<String> CONNECT_FAILED_WORDS = List.of("timed out", "timeout", "time out", "refused",
            "couldn't connect", "could not connect", "unable to connect", "failed to connect", "greeting never",
            "unreachable", "etimedout", "econnrefused", "following server failed");
    private static final LiteralIndex CONNECT_FAILED_INDEX = new LiteralIndex(CONNECT_FAILED_WORDS.stream().map(List::of).toList());
    /** Words of a failed connection (one automaton pass: this runs on every paste). */
    private static boolean connectFailed(String lower) {
        return !CONNECT_FAILED_INDEX.mayMatch(lower).isEmpty();
    }

    /**
     * Top-level labels of the host names people paste (country codes are any two letters). A logger's
     * "module.Class:line" ({@code share.views:504}, {@code nhab.action.mail.internal.Mail:156}) ends in
     * something else, and its number is a line, not a port.
     */
    private static final java.util.Set<String> COMMON_TLDS = java.util.Set.of("com", "net", "org", "edu", "gov", "mil", "int",
            "info", "biz", "io", "co", "me", "dev", "app", "cloud", "email", "online", "site", "xyz", "tech", "local", "lan",
            "internal", "corp", "home", "arpa", "mail", "services", "host", "network", "eu", "asia", "pro", "name", "mobi");

    /** Whether a name could be a host: a top-level label in lower (or upper) case, two letters or a common one. */
    static boolean hostLike(String name) {
        String tld = name.substring(name.lastIndexOf('.') + 1);
        if (!tld.equals(tld.toLowerCase(Locale.ROOT)) && !tld.equals(tld.toUpperCase(Locale.ROOT))) {
            return false;
        }
        return tld.length() == 2 || COMMON_TLDS.contains(tld.toLowerCase(Locale.ROOT));
    }

    /** Ports where SMTP servers take mail: relay, submission, implicit TLS, and the common alternates. */
    private static final java.util.Set<Integer> MAIL_PORTS = java.util.Set.of(25, 26, 465, 587, 2525, 2465, 2587, 8025, 1025,
            10025, 1587, 24, 2526, 994 /* NetEase's implicit TLS beside 465 */);

    /**
     * What the transcript shows that no reply says, as notes the text rules can read: an AUTH
     * refused as failed (535) before the client sent any credentials (no initial response, no
     * 334 challenge; a refusal with another code says why itself);
     * a session that ended right after the server accepted STARTTLS (the TLS handshake failed);
     * a connection that failed on a port no mail server uses.
     */
    String notes() {
        StringBuilder out = new StringBuilder();
        int lastStartTls = -1;
        for (int i = 0; i < commands.length; i++) {
            String c = commands[i];
            if (c == null) {
                continue;
            }
            String upper = c.toUpperCase(Locale.ROOT);
            lastStartTls = upper.startsWith("STARTTLS") ? i : upper.startsWith("QUIT") ? lastStartTls : -1;
            if (!upper.startsWith("AUTH ") || c.strip().split("\\s+").length != 2) {
                continue;
            }
            for (int j = i + 1; j < commands.length && j <= i + 3; j++) {
                String next = line(j).strip();
                if (next.isEmpty()) {
                    continue;
                }
                if (commands[j] == null && serverLines[j] && next.matches("(?s).*?\\b535[ -].*")
                        && !next.matches("(?s).*?\\b334\\b.*")) {
                    out.append("\nsmtp-doctor note: the server refused ").append(c.strip())
                            .append(" before the client sent any credentials (no 334 challenge)");
                }
                break;
            }
        }
        if (lastStartTls >= 0) {
            for (int j = lastStartTls + 1; j < commands.length && j <= lastStartTls + 4; j++) {
                if (serverLines[j] && line(j).matches("(?s).*?\\b220[ -].*")) {
                    out.append("\nsmtp-doctor note: the session ended right after the server accepted STARTTLS");
                    break;
                }
            }
        }
        if (text.length() < 200_000 && connectFailed(lower) && !FETCH.matcher(lower).find()) {
            // The first port that is not a mail port, unless the paste also names a mail port it connected to (a
            // logger's own "[host:443]" before "Failed to connect to SMTP localhost:25", or Node's
            // "ECONNREFUSED 127.0.0.1:587"). Node's type 'FETCH' is an HTTP request, not a mail connection, and
            // so is a web address (an app's own "http://localhost:3000").
            int other = 0;
            Matcher p = PORT.matcher(text);
            while (p.find()) {
                String host = p.group(2);
                boolean address = host != null && host.matches("[\\d.]+");
                // A web address's host and port ("http://localhost:3000") is not a mail connection.
                boolean web = text.regionMatches(true, p.start() - 7, "http://", 0, 7)
                        || text.regionMatches(true, p.start() - 8, "https://", 0, 8);
                if (host != null && (web || SOURCE_FILE.matcher(host).matches()
                        || !address && !hostLike(host) && !host.equalsIgnoreCase("localhost"))) {
                    continue;
                }
                int port = Integer.parseInt(p.group(1) != null ? p.group(1) : p.group(3));
                if (MAIL_PORTS.contains(port)) {
                    other = 0;
                    break;
                }
                if (address) {
                    continue; // an address names the mail port it connected to, but its other ports are not read
                }
                if (other == 0 && port > 0 && port < 65536) {
                    other = port;
                }
            }
            if (other > 0) {
                out.append("\nsmtp-doctor note: port ").append(other).append(" is not a mail port");
            }
        }
        return out.toString();
    }
}
