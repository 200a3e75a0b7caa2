package org.smtpdoctor.diagnosis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.smtp.EnhancedStatus;
import org.smtpdoctor.smtp.Reply;

/**
 * Explains a pasted failure message: a reply line, a transcript, an MTA log line, an
 * NDR, or a client library's exception text. It finds every server reply embedded in
 * the text (with a 3-digit code, an RFC 3463 code, or both, in the shapes client
 * libraries print them), diagnoses each with the {@link KnowledgeBase}, and keeps the
 * most telling one: a known cause over unknown, a failure over a positive reply, the
 * more specific rule, and the innermost (last) on ties, so that a wrapper such as
 * .NET's {@code 5.7.57 ... Error: 535 5.7.139 ...} is decided by the reply it wraps.
 * Text without any reply is matched against the client-error rules. Stateless and
 * thread-safe.
 */
public final class Explainer {

    /** Enough for any paste; a longer input is explained from its first part. */
    public static final int MAX_CHARS = 16 * 1024 * 1024;
    /** Client-error rules read the head and tail of a long paste (where exceptions and their causes stand). */
    private static final int RAW_WINDOW = 256 * 1024;
    /** A log repeating one reply many times yields it once; past this many, the rest is ignored. */
    private static final int MAX_CANDIDATES = 5000;

    /** Code, then space, hyphen or colon, then an enhanced code: "535 5.7.139", "535-5.7.8", "535: 5.7.3". */
    private static final Pattern FULL = Pattern.compile(
            "(?<![\\w.])([2-5]\\d\\d)(?:[ \\-]|:\\s?)\\s?([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]\\d)([^\\r\\n]*)");
    /** Python smtplib: (535, b'5.7.139 Authentication unsuccessful ...'). */
    private static final Pattern PYTHON = Pattern.compile("\\(([2-5]\\d\\d),\\s*b?(['\"])(.*?)\\2\\s*\\)");
    /** A failure code and text without an enhanced code: "554 Transaction failed", "421 Too many connections". */
    private static final Pattern CODE_ONLY = Pattern.compile("(?<![\\w.])([45]\\d\\d)[ \\-]([A-Za-z<\\[][^\\r\\n]*)");
    /** An enhanced code without a reply code, as .NET prints "The server response was: 5.7.57 ...". */
    private static final Pattern ENHANCED_ONLY = Pattern.compile(
            "(?<![\\w.])([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]\\d)[ ,;:]*([^\\r\\n]*)");

    private static final Pattern PHASE_AFTER = Pattern.compile(
            "(?i)in reply to (AUTH|MAIL FROM|RCPT TO|end of DATA|DATA|STARTTLS|EHLO|HELO)");
    private static final Pattern PHASE_BEFORE = Pattern.compile(
            "(?i)(AUTH|authenticat|MAIL FROM|RCPT TO|end of data|DATA|STARTTLS|EHLO|HELO)");
    /** An OAuth login: AUTH XOAUTH2 or its decoded payload. */
    private static final Pattern OAUTH_BEFORE = Pattern.compile("(?i)XOAUTH2|OAUTHBEARER|auth=Bearer");
    /** A part of a JWT (possibly truncated): header and payload are base64url JSON starting with '{"'. */
    private static final Pattern JWT = Pattern.compile("(eyJ[A-Za-z0-9_-]{8,})");
    /** AUTH LOGIN's user name line: the line after the "Username:" challenge (334 VXNlcm5hbWU6). */
    private static final Pattern LOGIN_USER = Pattern.compile("334 VXNlcm5hbWU6\\s*[\\r\\n]+[^A-Za-z0-9+/=]*([A-Za-z0-9+/]{4,}={0,2})\\s*$",
            Pattern.MULTILINE);

    private final KnowledgeBase knowledge;

    public Explainer(KnowledgeBase knowledge) {
        this.knowledge = knowledge;
    }

    /** A reply found in the text, where it was, and the phase its surroundings suggest. */
    record Candidate(Reply reply, boolean codeInferred, int position, String phase) {}

    public Diagnosis explain(String input) {
        if (!input.isEmpty() && !looksLikeText(input)) {
            return Diagnosis.unknown("", "The input does not look like text (it is mostly binary or control "
                    + "characters). Paste the error message as text.");
        }
        String text = clean(input);
        if (text.isBlank()) {
            return Diagnosis.unknown("", "The input has no text. Paste the error message, log line or transcript.");
        }
        Vendor vendor = Vendor.fromText(text);
        KnowledgeBase.Decision best = null;
        int bestRank = Integer.MIN_VALUE;
        int bestPosition = -1;
        for (Candidate c : candidates(text)) {
            Evidence evidence = c.codeInferred()
                    ? Evidence.replyWithoutCode(c.phase(), c.reply(), vendor)
                    : Evidence.reply(c.phase(), c.reply(), vendor, Map.of());
            KnowledgeBase.Decision d = knowledge.decide(evidence);
            // A reply with its own code is better evidence than an enhanced code found alone.
            int rank = (d.known() ? 1000 : 0) + (c.reply().isFailure() ? 100 : 0) + (c.codeInferred() ? 0 : 50)
                    + d.specificity();
            if (rank > bestRank || (rank == bestRank && c.position() > bestPosition)) {
                best = d;
                bestRank = rank;
                bestPosition = c.position();
            }
        }
        // Pasted text may also hold what no reply says: a client's own error, a token's decoded
        // audience, or signs that another server answered. Those decide when no reply names a
        // cause, when they say the replies came from the wrong server, or when they are surer.
        String excerpt = excerpt(text);
        // A reply that names its cause with high confidence can only be overruled by signs
        // that another server answered; the other text rules need not run (batch speed).
        boolean sure = best != null && best.known() && best.diagnosis().cause() != Cause.UNKNOWN
                && best.diagnosis().confidence() == Confidence.HIGH;
        KnowledgeBase.Decision fromText = knowledge.decide(
                Evidence.raw(excerpt + decodedTokens(excerpt) + decodedLoginUser(excerpt), vendor),
                cause -> !sure || cause == Cause.SMTP_INSPECTION_INTERFERENCE);
        boolean textNamesCause = fromText.known() && fromText.diagnosis().cause() != Cause.UNKNOWN;
        boolean replyNamesCause = best != null && best.known() && best.diagnosis().cause() != Cause.UNKNOWN;
        if (textNamesCause && (!replyNamesCause
                || fromText.diagnosis().cause() == Cause.SMTP_INSPECTION_INTERFERENCE
                || fromText.diagnosis().confidence().compareTo(best.diagnosis().confidence()) < 0)) {
            return fromText.diagnosis();
        }
        if (replyNamesCause) {
            return best.diagnosis();
        }
        if (fromText.known() && (best == null || !best.known())) {
            return fromText.diagnosis();
        }
        if (best != null && best.known()) {
            return best.diagnosis();
        }
        if (best != null) {
            return Diagnosis.unknown(best.diagnosis().matchedText(), best.diagnosis().matchedText().isEmpty() ? ""
                    : "No rule knows this reply. Its code says only "
                    + describeClass(best.diagnosis().matchedText()) + "; the server's documentation for this code and text,"
                    + " or the full transcript of the session, would decide.");
        }
        return Diagnosis.unknown(preview(text), "No SMTP reply (a 3-digit code such as 535, or an enhanced code such as "
                + "5.7.139) and no known client error were found. The server's reply line, from the device's log or a "
                + "transcript (smtp-doctor check --transcript), would decide.");
    }

    /** The decoded payloads of JWTs in the text (tolerating truncation), one per line, for the token rules. */
    static String decodedTokens(String text) {
        StringBuilder out = new StringBuilder();
        Matcher m = JWT.matcher(text);
        int found = 0;
        while (m.find() && found++ < 20) {
            String part = m.group(1);
            part = part.substring(0, part.length() - part.length() % 4);
            try {
                out.append('\n').append(new String(java.util.Base64.getUrlDecoder().decode(part),
                        java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // Not base64 after all: nothing to add.
            }
        }
        return out.toString();
    }

    /**
     * The user name a client sent to AUTH LOGIN, decoded, as a note the rules can read
     * ("AUTH LOGIN user name: x, not an address"). User names are not secrets; passwords
     * are never decoded.
     */
    static String decodedLoginUser(String text) {
        Matcher m = LOGIN_USER.matcher(text);
        if (!m.find()) {
            return "";
        }
        try {
            String user = new String(java.util.Base64.getDecoder().decode(m.group(1)), java.nio.charset.StandardCharsets.UTF_8);
            if (user.chars().anyMatch(c -> c < 0x20)) {
                return "";
            }
            return "\nAUTH LOGIN user name: " + user + (user.contains("@") ? "" : ", not an address");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The text itself, or for a long paste its first and last {@link #RAW_WINDOW} characters. */
    static String excerpt(String text) {
        if (text.length() <= 2 * RAW_WINDOW) {
            return text;
        }
        return text.substring(0, RAW_WINDOW) + "\n...\n" + text.substring(text.length() - RAW_WINDOW);
    }

    /** Every reply-shaped piece of the text, in order, duplicates removed. */
    List<Candidate> candidates(String text) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        List<int[]> covered = new ArrayList<>();
        Matcher full = FULL.matcher(text);
        while (full.find() && out.size() < MAX_CANDIDATES) {
            String body = full.group(2) + (full.group(3).isEmpty() ? "" : " " + full.group(3).strip());
            add(out, new Candidate(Reply.of(Integer.parseInt(full.group(1)), body), false, full.start(),
                    phaseNear(text, full.start(), full.end())));
            covered.add(new int[] {full.start(), full.end()});
        }
        Matcher py = PYTHON.matcher(text);
        while (py.find() && out.size() < MAX_CANDIDATES) {
            add(out, new Candidate(Reply.of(Integer.parseInt(py.group(1)), py.group(3).strip()), false, py.start(),
                    phaseNear(text, py.start(), py.end())));
            covered.add(new int[] {py.start(), py.end()});
        }
        Matcher code = CODE_ONLY.matcher(text);
        while (code.find() && out.size() < MAX_CANDIDATES) {
            if (!inside(covered, code.start())) {
                add(out, new Candidate(Reply.of(Integer.parseInt(code.group(1)), code.group(2).strip()), false, code.start(),
                        phaseNear(text, code.start(), code.end())));
                covered.add(new int[] {code.start(), code.end()});
            }
        }
        Matcher enh = ENHANCED_ONLY.matcher(text);
        while (enh.find() && out.size() < MAX_CANDIDATES) {
            if (!inside(covered, enh.start())) {
                EnhancedStatus status = EnhancedStatus.parse(enh.group(1));
                int inferred = status.klass() * 100 + 50;
                Reply reply = new Reply(inferred, Optional.of(status), List.of(enh.group(1) + " " + enh.group(2).strip()));
                add(out, new Candidate(reply, true, enh.start(), phaseNear(text, enh.start(), enh.end())));
            }
        }
        return new ArrayList<>(out.values());
    }

    private static void add(Map<String, Candidate> out, Candidate c) {
        // Keep the last position of a repeated reply: the innermost wins ties.
        out.remove(c.reply().oneLine());
        out.put(c.reply().oneLine(), c);
    }

    private static boolean inside(List<int[]> spans, int position) {
        for (int[] s : spans) {
            if (position >= s[0] && position < s[1]) {
                return true;
            }
        }
        return false;
    }

    /** The SMTP command a reply answered, from "(in reply to X command)" after it or the last verb before it. */
    static String phaseNear(String text, int start, int end) {
        Matcher after = PHASE_AFTER.matcher(text.substring(end, Math.min(text.length(), end + 120)));
        if (after.find()) {
            return phaseOf(after.group(1));
        }
        String window = text.substring(Math.max(0, start - 300), start);
        if (OAUTH_BEFORE.matcher(window).find()) {
            return "xoauth2";
        }
        Matcher before = PHASE_BEFORE.matcher(window);
        String last = null;
        while (before.find()) {
            last = before.group(1);
        }
        return last == null ? "" : phaseOf(last);
    }

    private static String phaseOf(String verb) {
        String v = verb.toUpperCase(Locale.ROOT);
        if (v.startsWith("AUTH")) {
            return "auth";
        }
        if (v.startsWith("MAIL")) {
            return "mail-from";
        }
        if (v.startsWith("RCPT")) {
            return "rcpt-to";
        }
        if (v.contains("DATA")) {
            return "data";
        }
        if (v.equals("STARTTLS")) {
            return "tls";
        }
        return "ehlo";
    }

    private static String describeClass(String matched) {
        char c = matched.isEmpty() ? '?' : matched.charAt(0);
        return switch (c) {
            case '4' -> "\"temporary failure, try again later\"";
            case '5' -> "\"permanent failure\"";
            case '2', '3' -> "\"success\": no failure is shown";
            default -> "little";
        };
    }

    /** Control characters (but line ends and tabs) become spaces; NULs from binary input go. */
    static String clean(String input) {
        String s = input.length() > MAX_CHARS ? input.substring(0, MAX_CHARS) : input;
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7f && c != 0xFFFD)) {
                out.append(c);
            } else if (c != 0) {
                out.append(' ');
            }
        }
        return out.toString();
    }

    /** Mostly printable: at most one character in ten is a control character or undecodable. */
    static boolean looksLikeText(String input) {
        int sample = Math.min(input.length(), 65536);
        int bad = 0;
        for (int i = 0; i < sample; i++) {
            char c = input.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0xFFFD || c == 0x7f) {
                bad++;
            }
        }
        return sample == 0 || bad * 10 < sample;
    }

    private static String preview(String text) {
        String one = text.strip().replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 197) + "..." : one;
    }
}
