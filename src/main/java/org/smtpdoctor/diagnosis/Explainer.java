package org.smtpdoctor.diagnosis;

import java.util.ArrayList;
import java.util.Comparator;
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

    private static final Pattern LETTER = Pattern.compile("\\p{L}");
    /** How far either side of a wordless reply its words are looked for (a bounce's next lines, a log's prefix). */
    private static final int WORDS_AROUND = 400;
    private static final Pattern STATUS_FIELD = Pattern.compile("\\s*\"?status\"?\\s*(?::|=>)\\s*\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern BLANK_LINE = Pattern.compile("\\n[ \\t\\r]*\\n");
    /**
     * When no cause was decided: how high the similar messages must rank a rule's candidate after the
     * first for it to keep its place.
     */
    private static final int SIMILAR_KEEPS = 6;
    /** Code, then space, hyphen or colon, then an enhanced code: "535 5.7.139", "535-5.7.8", "535: 5.7.3", "552 #5.3.4". */
    private static final Pattern FULL = Pattern.compile(
            "(?<![\\w.])(2\\d\\d|3[35]\\d|4[2-5]\\d|5[0-5]\\d)([ \\-]|:\\s?)\\s?#?([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]\\d)([^\\n]*)");
    /** Python smtplib: (535, b'5.7.139 Authentication unsuccessful ...'), over several lines when the bytes hold a newline. */
    private static final Pattern PYTHON = Pattern.compile("(?s)\\(([2-5]\\d\\d),\\s*b?(['\"])(.{0,4000}?)(?<!\\\\)\\2\\s*\\)");
    /** The same cut short (no closing quote), or with typographic quotes: to the end of the line. */
    private static final Pattern PYTHON_OPEN = Pattern.compile("(?m)(?:\\(|^)([2-5]\\d\\d),\\s*b?['\"\u2018\u2019]([^\\n]*)");
    /** smtplib's debug output: reply: retcode (535); Msg: b'5.7.3 ...'. */
    private static final Pattern PYTHON_DEBUG = Pattern.compile("retcode \\(([2-5]\\d\\d)\\); Msg: b?['\"]([^\\n]*?)['\"]?$",
            Pattern.MULTILINE);
    /**
     * Layouts that print the code apart from the text: Roundcube's {@code SMTP Error (550): text},
     * {@code SMTP error 552: text}, Zend/Laminas {@code Exception(code: 553): text}, PHPMailer's
     * {@code Detail: text SMTP code: 552 [Additional SMTP info: 5.3.4]}, MailKit's
     * {@code AuthenticationException: 535: text}, Rust lettre's {@code permanent error (535): text},
     * curl's {@code Access denied: 535}, PEAR Net_SMTP's {@code (code: 535, response: text)},
     * the word order of other languages ({@code Error SMTP (451): text}), old PHPMailer's
     * {@code SMTP -> FROM SERVER:421 text}, node's sendmail package's {@code SMTP code:530 msg:530 text}
     * and curl's code-only {@code MAIL failed: 530}, {@code RCPT failed: 550}, {@code Command failed: 502}
     * (lib/smtp.c; the reply starts at its code, so that the command's words before it give its phase).
     * The leading lookahead (every alternative starts with one of those characters) lets the search
     * pass most positions after one test instead of trying each alternative there.
     */
    private static final Pattern CODE_APART = Pattern.compile(
            "(?i)(?=[(acdefmrs])(?:(?:SMTP error|Error SMTP|Erreur SMTP|SMTP Fehler):? ?\\(?([2-5]\\d\\d)\\)? ?: *([^\\n]+)|\\(code: ?([2-5]\\d\\d)(?:\\): *|, response: *)([^\\n]+)"
                    + "|Detail: *([^\\n]*?)\\s*SMTP code: *([2-5]\\d\\d)(?: *Additional SMTP info: *([245]\\.\\d{1,3}\\.\\d{1,3}))?"
                    + "|(?:Exception|Error|error): ([2-5]\\d\\d): ([A-Za-z][^\\n]*)|(?:error|Error) \\(([2-5]\\d\\d)\\): *([^\\n]+)"
                    + "|Access denied: (5\\d\\d)\\b()|FROM SERVER: ?([2-5]\\d\\d)[ -]([^\\n]*)|\\bmsg: ?([2-5]\\d\\d)[ -]([^\\n]*)"
                    + "|(?-i:\\b(?:MAIL|RCPT|Command) failed: )([45]\\d\\d)(?![\\d.]|[ \\-:]*[A-Za-z])())");
    /** Where a match of {@link #CODE_APART} can start: one of these is there (in lower case). */
    private static final String[] CODE_APART_LEADS = Prefilter.leadsOf(CODE_APART.pattern());
    /** Postfix's bounce that wrapped right after the code ("said: 554" and the text on the indented lines below). */
    private static final Pattern SAID_CODE_AT_LINE_END = Pattern.compile("said: (4[2-5]\\d|5[0-5]\\d)[ \\t]*(?=\\r?\\n[ \\t])");
    /**
     * A failure code and text without an enhanced code: "554 Transaction failed", "421 Too many
     * connections", also with a colon ("552: Message rejected ...", as some applications print it, or
     * "550 : User unknown", as Exchange quotes a next hop). Only codes SMTP defines (RFC 5321 section 4.2: 42x-45x, 50x-55x), so that an
     * HTTP status (400, 401, 403) in the same paste is not taken for a reply.
     */
    private static final Pattern CODE_ONLY = Pattern.compile("(?<![\\w.:/])(4[2-5]\\d|5[0-5]\\d)([ \\-]+|: +| +: +)([A-Za-z<\\[(\"#\\\\][^\\n]*)");
    /**
     * .NET's "The server response was: text" (German Windows: "Die Serverantwort war:", French: "La réponse du
     * serveur était :") when the text has no enhanced code: its reply code is named in words before it ("Service
     * not available, closing transmission channel." is 421; wording.yaml).
     * The text may open with the address it is about (Postfix's {@code <host[192.0.2.1]>: Client host
     * rejected: Access denied}).
     */
    private static final Pattern DOTNET_RESPONSE = Pattern.compile(
            "(?:The server response (?:was|is)|Die Serverantwort (?:war|lautete)|La réponse du serveur était) ?: (?![245]\\.\\d{1,3}\\.\\d)([A-Za-z<][^\\n]*)");
    /** An enhanced code without a reply code, as .NET prints "The server response was: 5.7.57 ...". */
    private static final Pattern ENHANCED_ONLY = Pattern.compile(
            "(?<![\\w.]|dsn=)([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]\\d)[ ,;:]*([^\\n]*)");

    /** An OAuth login: AUTH XOAUTH2 or its decoded payload. */
    private static final Pattern OAUTH = Pattern.compile("(?i)XOAUTH2|OAUTHBEARER|auth=Bearer");
    /**
     * Two or more SASL mechanism names separated by commas: a list of what a client may try or a server
     * offers (Symfony Mailer's {@code using the following authenticators: "LOGIN", "PLAIN", "XOAUTH2"}),
     * not the mechanism of the login that failed.
     */
    private static final Pattern MECHANISM_LIST = Pattern.compile(
            "(?i)(?:[\"']?\\b(?:LOGIN|PLAIN|CRAM-MD5|DIGEST-MD5|NTLM|GSSAPI|XOAUTH2|OAUTHBEARER)\\b[\"']? *, *)+"
                    + "[\"']?\\b(?:LOGIN|PLAIN|CRAM-MD5|DIGEST-MD5|NTLM|GSSAPI|XOAUTH2|OAUTHBEARER)\\b[\"']?");
    /** A part of a JWT (possibly truncated): header and payload are base64url JSON starting with '{"'. */
    private static final Pattern JWT = Pattern.compile("(eyJ[A-Za-z0-9_-]{8,})");
    /** AUTH LOGIN's user name line: the line after the "Username:" challenge (334 VXNlcm5hbWU6). */
    private static final Pattern LOGIN_USER = Pattern.compile("334 VXNlcm5hbWU6\\s*[\\r\\n]+[^A-Za-z0-9+/=]*([A-Za-z0-9+/]{4,}={0,2})\\s*$",
            Pattern.MULTILINE);

    private final KnowledgeBase knowledge;
    private final Wording wording;
    /** Loaded when first needed: a sure answer never needs it (its file takes tens of ms to read in a cold JVM). */
    private final java.util.function.Supplier<Similar> similar;

    public Explainer(KnowledgeBase knowledge) {
        this(knowledge, Similar::bundled);
    }

    /** With another similar-messages model ({@link Similar#NONE}: the rules' candidates alone). */
    Explainer(KnowledgeBase knowledge, Similar similar) {
        this(knowledge, () -> similar);
    }

    private Explainer(KnowledgeBase knowledge, java.util.function.Supplier<Similar> similar) {
        this.knowledge = knowledge;
        this.wording = knowledge.wording();
        this.similar = similar;
    }

    /**
     * A reply found in the text, where it was, the phase its surroundings suggest, and whether it
     * stands on a line the transcript marks as the server's.
     */
    record Found(Reply reply, boolean codeInferred, int position, String phase, boolean serverLine) {}

    /** A reply's decision and how it ranks against the others. */
    private record Ranked(KnowledgeBase.Decision decision, int rank, int position) {}

    public Diagnosis explain(String input) {
        if (!input.isEmpty() && !looksLikeText(input)) {
            return Diagnosis.unknown("", "The input does not look like text (it is mostly binary or control "
                    + "characters). Paste the error message as text.");
        }
        String cleaned = PasteForms.normal(input);
        if (cleaned.isBlank()) {
            return Diagnosis.unknown("", "The input has no text. Paste the error message, log line or transcript.");
        }
        Paste paste = Paste.of(cleaned);
        String text = paste.text();
        Vendor vendor = Vendor.fromLowerCase(paste.lower());
        List<Ranked> ranked = new ArrayList<>();
        for (Found c : replies(paste)) {
            Evidence evidence = c.codeInferred()
                    ? Evidence.replyWithoutCode(c.phase(), c.reply(), vendor)
                    : Evidence.reply(c.phase(), c.reply(), vendor, Map.of());
            // Only failures are diagnosed: a positive reply (250 to EHLO, 334, 220) names no cause,
            // and words in it must not outrank a real failure elsewhere in the paste.
            KnowledgeBase.Decision d = c.reply().isFailure() ? knowledge.decide(evidence) : knowledge.noRule(evidence);
            if (c.reply().isFailure() && d.confidence() != Confidence.HIGH && wordless(c.reply())
                    && (!c.codeInferred() || statusField(text, c.position()))) {
                // Words around it decide it, unless its code alone named a cause that they do not outrank.
                KnowledgeBase.Decision worded = withThePastesWords(c, text, vendor);
                if (worded.namesCause() && (!d.namesCause() || worded.specificity() > d.specificity())) {
                    d = worded.atMost(Confidence.MEDIUM, c.reply().oneLine());
                }
            }
            // A reply with its own code is better evidence than an enhanced code found alone, and in a
            // transcript a server's line better than the client's commentary on it.
            int rank = (d.known() ? 1000 : 0) + (c.reply().isFailure() ? 100 : 0) + (c.codeInferred() ? 0 : 50)
                    + (c.serverLine() ? 30 : 0) + d.specificity();
            ranked.add(new Ranked(d, rank, c.position()));
        }
        // Best first; on equal rank the innermost (last) reply, so that a wrapper is decided by what it wraps.
        ranked.sort(Comparator.comparingInt(Ranked::rank).thenComparingInt(Ranked::position).reversed());
        KnowledgeBase.Decision best = ranked.isEmpty() ? null : ranked.get(0).decision();

        // Pasted text may also hold what no reply says: a client's own error, a token's decoded
        // audience, what the transcript shows, or signs that another server answered. Those decide
        // when no reply names a cause, when they show that the replies mislead (overrides), or when
        // they are surer.
        String excerpt = excerpt(text);
        // A reply that names its cause with high confidence can only be overruled by a rule that
        // overrides replies; the other text rules need not run (batch speed).
        boolean sure = best != null && best.namesCause() && best.confidence() == Confidence.HIGH;
        String added = decodedTokens(excerpt) + decodedLoginUser(excerpt) + paste.notes();
        String excerptLower = excerpt.length() == text.length() ? paste.lower() : excerpt.toLowerCase(Locale.ROOT);
        KnowledgeBase.Decision fromText = knowledge.decide(Evidence.raw(excerpt + added, vendor),
                sure ? KnowledgeBase.OVERRIDING : KnowledgeBase.ANY, excerptLower + added.toLowerCase(Locale.ROOT));
        KnowledgeBase.Decision chosen = choose(best, fromText);
        if (chosen == null) {
            return Diagnosis.unknown(preview(text), "No SMTP reply (a 3-digit code such as 535, or an enhanced code such as "
                    + "5.7.139) and no known client error were found. The server's reply line, from the device's log or a "
                    + "transcript (smtp-doctor check --transcript), would decide.")
                    .withCandidates(withSimilar(fromText.candidates(), List.of(), false, excerptLower, vendor));
        }
        Diagnosis d = chosen.known() ? chosen.diagnosis()
                : Diagnosis.unknown(chosen.diagnosis().matchedText(), chosen.diagnosis().matchedText().isEmpty() ? ""
                        : "No rule knows this reply. Its code says only "
                        + describeClass(chosen.diagnosis().matchedText()) + "; the server's documentation for this code and"
                        + " text, or the full transcript of the session, would decide.");
        List<Candidate> candidates = merge(chosen, ranked, fromText);
        return d.withCandidates(d.cause() != Cause.UNKNOWN && d.confidence() == Confidence.HIGH ? candidates
                : withSimilar(candidates, chosen.candidates(), d.cause() != Cause.UNKNOWN, excerptLower, vendor));
    }

    /**
     * The rules' candidates with what the labelled real messages most like this text had as their
     * cause ({@link Similar}): a doubtful answer then also names causes the rules did not think of.
     * <ul>
     * <li>A named cause of medium or low confidence: the rules' first two stay, and the places left (the
     * third, or the second and third when the rules name only the cause) go to the similar messages' best,
     * unless the deciding rule ranked the third itself ({@code own}: its alternatives were written for it).
     * <li>No cause decided ({@code unknown}): the rules' first reading stays first; of the others, in rank
     * order, the deciding rule's own alternatives and the readings the similar messages also find likely
     * (among the first {@value #SIMILAR_KEEPS} they point to) fill the second place; a reading from elsewhere
     * (another rule, a fallback catch-all) that they do not find likely is left out. The third place, and the
     * second when none was kept, go to the similar messages' best. Measured on sets before anyone read them,
     * those generic readings were the truth less often than the similar messages' second choice
     * (docs/rules.md, "Similar messages").
     * </ul>
     * A cause the similar messages put in a place that a rule also ranked keeps the rule's reason.
     */
    private List<Candidate> withSimilar(List<Candidate> ranked, List<Candidate> own, boolean named, String lower,
                                        Vendor vendor) {
        int last = Diagnosis.MAX_CANDIDATES - 1;
        boolean ownLast = ranked.size() > last && own.stream().anyMatch(c -> c.cause() == ranked.get(last).cause());
        if (ownLast && named) {
            return ranked;
        }
        Similar model = similar.get();
        Similar.Seen seen = model.seen(lower);
        List<Cause> similarRanks = model.rank(seen.known(), vendor);
        Map<Cause, Candidate> out = new LinkedHashMap<>();
        if (named) {
            ranked.stream().limit(last).forEach(c -> out.put(c.cause(), c));
        } else {
            List<Cause> likely = similarRanks.subList(0, Math.min(SIMILAR_KEEPS, similarRanks.size()));
            for (Candidate c : ranked) {
                boolean mine = own.stream().anyMatch(o -> o.cause() == c.cause());
                if (out.size() < last && (out.isEmpty() || mine || likely.contains(c.cause()))) {
                    out.putIfAbsent(c.cause(), c);
                }
            }
        }
        // A cause the rules also ranked keeps their reason for it; the others say they are a hint.
        similarRanks.stream().filter(c -> !out.containsKey(c)).limit(Diagnosis.MAX_CANDIDATES - out.size())
                .forEach(c -> out.put(c, ranked.stream().filter(r -> r.cause() == c).findFirst().orElseGet(() ->
                        new Candidate(c, Confidence.LOW, similarWhy(model, model.telling(seen, c)), knowledge.decideBy(c, vendor)))));
        ranked.forEach(c -> out.putIfAbsent(c.cause(), c));
        return new ArrayList<>(out.values());
    }

    private static String similarWhy(Similar model, List<String> telling) {
        String words = telling.isEmpty() ? "words most like this text's"
                : "words like this text's (" + String.join(", ", telling.stream().map(w -> "\"" + w + "\"").toList()) + ")";
        return "Of the " + model.messages() + " labelled real failure messages smtp-doctor's rules were tested on, those with "
                + words + " most often had this cause. A hint from similar messages, not a rule.";
    }

    /**
     * A failure reply with its own code but no words ({@code 550 5.7.1}, {@code 553 5.7.1 )}), or an
     * enhanced code found alone ({@code Status: 4.4.1}): a bounce or a log put its words on another line
     * or before the code ({@code Sender address rejected: not logged in (Diagnostic-Code: smtp; 553 5.7.1)},
     * a delivery notice's {@code Diagnostic-Code: X-Postfix; connect to ...: Connection timed out}). The reply
     * is decided again with the paste's words around it as its text (same codes and phase: {@value #WORDS_AROUND} characters either
     * side, so that a paste of thousands of such replies costs no more than their own text). The
     * caller takes it only if it names a cause (and, when the code alone named one below high
     * confidence, only if the words' rule is the more specific: {@code "status": "4.3.0", "reason":
     * "maildir over quota"} is a full mailbox, not a transient fault), at no more than medium
     * confidence, since the words may be a client's rather than the server's.
     */
    private KnowledgeBase.Decision withThePastesWords(Found c, String text, Vendor vendor) {
        int from = Math.max(0, c.position() - WORDS_AROUND);
        int to = Math.min(text.length(), c.position() + c.reply().oneLine().length() + WORDS_AROUND);
        if (c.codeInferred() && !hashStatus(text, c.position())) {
            // A delivery notice's Status field: its words are in the same block (Diagnostic-Code), not in the
            // quoted headers or message after the next blank line.
            Matcher blank = BLANK_LINE.matcher(text).region(from, to);
            int end = c.position() + c.reply().oneLine().length();
            while (blank.find()) {
                if (blank.end() <= c.position()) {
                    from = blank.end();
                } else if (blank.start() >= end) {
                    to = blank.start();
                    break;
                }
            }
        }
        String words = text.substring(from, to).replaceAll("\\s+", " ").strip();
        Reply reply = c.reply();
        Reply worded = new Reply(reply.code(), reply.enhanced(), List.of(reply.text() + " " + words));
        return knowledge.decide(Evidence.reply(c.phase(), worded, vendor, Map.of()));
    }

    /**
     * Whether an enhanced code found alone is a status the way mail systems print one, a delivery notice's
     * field ({@code Status: 4.4.1}, or {@code "status": "4.3.0"} in an event's JSON) or qmail's and Exchange's
     * {@code (#5.7.1)}, rather than a version number.
     */
    static boolean statusField(String text, int position) {
        if (hashStatus(text, position)) {
            return true;
        }
        int lineStart = text.lastIndexOf('\n', position - 1) + 1;
        return position > lineStart && STATUS_FIELD.matcher(text).region(lineStart, position).matches();
    }

    /** Whether the enhanced code at this position is written qmail's and Exchange's way, {@code #5.7.1}. */
    private static boolean hashStatus(String text, int position) {
        return position > 0 && text.charAt(position - 1) == '#';
    }

    /** Whether a reply's text has no letter at all (only its enhanced code, if any, and punctuation). */
    static boolean wordless(Reply reply) {
        return !LETTER.matcher(reply.text()).find();
    }

    /** Which decision answers: see the class comment and docs/rules.md ("Explaining pasted text"). */
    private static KnowledgeBase.Decision choose(KnowledgeBase.Decision reply, KnowledgeBase.Decision text) {
        boolean replyKnown = reply != null && reply.known();
        if (text.known() && text.overrides()) {
            return text;
        }
        // A rule on a reply's text that matched the whole paste says nothing the reply's own
        // decision did not: only a client's own words can add to a known reply.
        if (replyKnown && !text.clientRule()) {
            return reply;
        }
        if (text.namesCause()) {
            if (!replyKnown) {
                return text;
            }
            if (!reply.namesCause() ? text.confidence() == Confidence.HIGH
                    : text.confidence().compareTo(reply.confidence()) < 0) {
                return text;
            }
        }
        if (replyKnown && reply.namesCause()) {
            return reply;
        }
        if (text.known() && !replyKnown) {
            return text;
        }
        return reply;
    }

    /**
     * The chosen decision's candidates, then (unless it is sure) those of the other failures and of
     * the text rules, then what else gives the chosen evidence ({@link KnowledgeBase.Decision#related()});
     * each cause once.
     */
    private static List<Candidate> merge(KnowledgeBase.Decision chosen, List<Ranked> replies, KnowledgeBase.Decision text) {
        Map<Cause, Candidate> out = new LinkedHashMap<>();
        if (!chosen.namesCause() && chosen.clientRule()) {
            // A client's own words that name no cause say less than a server's reply that no rule
            // knows: the words of such a reply rank first.
            replies.forEach(r -> {
                if (!r.decision().known()) {
                    r.decision().candidates().forEach(c -> out.putIfAbsent(c.cause(), c));
                }
            });
        }
        chosen.candidates().forEach(c -> out.putIfAbsent(c.cause(), c));
        if (chosen.namesCause() && chosen.confidence() == Confidence.HIGH) {
            chosen.related().forEach(c -> out.putIfAbsent(c.cause(), c));
            return new ArrayList<>(out.values());
        }
        List<KnowledgeBase.Decision> others = new ArrayList<>();
        replies.forEach(r -> others.add(r.decision()));
        others.add(text);
        for (KnowledgeBase.Decision d : others) {
            if (d != chosen && d.known()) {
                for (Candidate c : d.candidates()) {
                    out.putIfAbsent(c.cause(), c.confidence() == Confidence.HIGH
                            ? new Candidate(c.cause(), Confidence.MEDIUM, c.why(), c.decideBy()) : c);
                }
            }
        }
        chosen.related().forEach(c -> out.putIfAbsent(c.cause(), c));
        // What no rule decided still ranks: the catch-alls that fit the other failures and the text.
        for (KnowledgeBase.Decision d : others) {
            if (d != chosen && !d.known() && out.size() < Diagnosis.MAX_CANDIDATES) {
                d.candidates().forEach(c -> out.putIfAbsent(c.cause(), c));
            }
        }
        return new ArrayList<>(out.values());
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

    /** Every reply-shaped piece of the text, in order of position, continuation lines joined, duplicates removed. */
    List<Found> replies(Paste paste) {
        String text = paste.text();
        Wording.Hits hits = wording.scan(text, paste.lower());
        List<Piece> pieces = new ArrayList<>();
        List<int[]> covered = new ArrayList<>();
        // Where a reply code or an enhanced code can start: found by hand, then each pattern is
        // tried only there (the same matches as find(), without a regex attempt at every position).
        int[] codeStarts = starts(text, false);
        int[] enhancedStarts = starts(text, true);
        Starts full = new Starts(FULL.matcher(text), codeStarts);
        while (full.find() && pieces.size() < MAX_CANDIDATES) {
            String body = full.group(3) + (full.group(4).isEmpty() ? "" : " " + full.group(4).strip());
            pieces.add(new Piece(Integer.parseInt(full.group(1)), full.group(2).equals("-"), body, full.start(), full.end(), false));
            covered.add(new int[] {full.start(), full.end()});
        }
        // Cheap tests first (batch speed): the Python and code-apart layouts need a code next to a
        // comma, a colon or a parenthesis.
        boolean codeComma = codeNextTo(text, ',');
        String lower = paste.lower();
        boolean codeApart = codeNextTo(text, ':') || lower.contains("smtp error") || lower.contains("smtp fehler") || lower.contains("(code:")
                || lower.contains("smtp code") || lower.contains("error (") || lower.contains("access denied: ")
                || lower.contains("error smtp") || lower.contains("erreur smtp") || lower.contains("from server:")
                || lower.contains(" failed: ");
        Matcher py = PYTHON.matcher(codeComma ? text : "");
        while (py.find() && pieces.size() < MAX_CANDIDATES) {
            pieces.add(new Piece(Integer.parseInt(py.group(1)), false, unescapePython(py.group(3)), py.start(), py.end(), false,
                    true));
            covered.add(new int[] {py.start(), py.end()});
        }
        Matcher open = PYTHON_OPEN.matcher(codeComma ? text : "");
        while (open.find() && pieces.size() < MAX_CANDIDATES) {
            if (!inside(covered, open.start())) {
                pieces.add(new Piece(Integer.parseInt(open.group(1)), false, unescapePython(open.group(2)), open.start(),
                        open.end(), false, true));
                covered.add(new int[] {open.start(), open.end()});
            }
        }
        Matcher debug = PYTHON_DEBUG.matcher(text.contains("retcode") ? text : "");
        while (debug.find() && pieces.size() < MAX_CANDIDATES) {
            if (!inside(covered, debug.start())) {
                pieces.add(new Piece(Integer.parseInt(debug.group(1)), false, unescapePython(debug.group(2)), debug.start(),
                        debug.end(), false));
                covered.add(new int[] {debug.start(), debug.end()});
            }
        }
        Starts apart = new Starts(CODE_APART.matcher(codeApart ? text : ""), !codeApart ? new int[0]
                : CODE_APART_LEADS != null && lower.length() == text.length() ? Prefilter.startsOf(CODE_APART_LEADS, lower)
                : everyPosition(text));
        while (apart.find() && pieces.size() < MAX_CANDIDATES) {
            if (inside(covered, apart.start())) {
                continue;
            }
            int code;
            String body;
            if (apart.group(1) != null) {
                code = Integer.parseInt(apart.group(1));
                body = apart.group(2);
            } else if (apart.group(3) != null) {
                code = Integer.parseInt(apart.group(3));
                body = apart.group(4);
            } else if (apart.group(6) != null) {
                code = Integer.parseInt(apart.group(6));
                body = (apart.group(7) == null ? "" : apart.group(7) + " ") + apart.group(5);
            } else {
                int g = apart.group(8) != null ? 8 : apart.group(10) != null ? 10 : apart.group(12) != null ? 12
                        : apart.group(14) != null ? 14 : apart.group(16) != null ? 16 : 18;
                code = Integer.parseInt(apart.group(g));
                body = apart.group(g + 1);
            }
            int from = apart.group(18) != null ? apart.start(18) : apart.start();
            pieces.add(new Piece(code, false, body.strip(), from, apart.end(), false));
            covered.add(new int[] {apart.start(), apart.end()});
        }
        Matcher dotnet = DOTNET_RESPONSE.matcher(text);
        while (dotnet.find() && pieces.size() < MAX_CANDIDATES) {
            if (!inside(covered, dotnet.start(1))) {
                Wording.Hint hint = hits.codeBefore(Math.max(0, dotnet.start() - 160), dotnet.start(1));
                if (hint != null && hint.code() > 0) {
                    pieces.add(new Piece(hint.code(), false, dotnet.group(1).strip(), dotnet.start(1), dotnet.end(), false));
                    covered.add(new int[] {dotnet.start(1), dotnet.end()});
                }
            }
        }
        Starts code = new Starts(CODE_ONLY.matcher(text), codeStarts);
        while (code.find() && pieces.size() < MAX_CANDIDATES) {
            if (!inside(covered, code.start())) {
                pieces.add(new Piece(Integer.parseInt(code.group(1)), code.group(2).equals("-"), code.group(3).strip(),
                        code.start(), code.end(), false));
                covered.add(new int[] {code.start(), code.end()});
            }
        }
        Matcher said = SAID_CODE_AT_LINE_END.matcher(lower.contains("said: ") ? text : "");
        while (said.find() && pieces.size() < MAX_CANDIDATES) {
            if (!inside(covered, said.start(1))) {
                pieces.add(new Piece(Integer.parseInt(said.group(1)), false, "", said.start(1), said.end(), false));
                covered.add(new int[] {said.start(1), said.end()});
            }
        }
        Starts enh = new Starts(ENHANCED_ONLY.matcher(text), enhancedStarts);
        while (enh.find() && pieces.size() < MAX_CANDIDATES) {
            if (!inside(covered, enh.start())) {
                // A library that prints only the enhanced code may name the reply code in words (.NET, MailKit).
                Wording.Hint hint = hits.codeBefore(Math.max(0, enh.start() - 160), enh.start());
                String body = enh.group(1) + " " + enh.group(2).strip();
                if (hint != null && hint.code() > 0) {
                    pieces.add(new Piece(hint.code(), false, body, enh.start(), enh.end(), false));
                } else {
                    EnhancedStatus status = EnhancedStatus.parse(enh.group(1));
                    pieces.add(new Piece(status.klass() * 100 + 50, false, body, enh.start(), enh.end(), true));
                }
            }
        }
        pieces.sort(Comparator.comparingInt(Piece::start));
        Map<String, Found> out = new LinkedHashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            List<String> lines = new ArrayList<>(List.of(p.body()));
            int end = p.end();
            // A multi-line reply (code-hyphen lines, then code-space): one reply, its text joined.
            Piece last = p;
            while (last.continued() && i + 1 < pieces.size() && pieces.get(i + 1).code() == p.code()
                    && pieces.get(i + 1).start() - last.end() < 160 && !pieces.get(i + 1).inferred()) {
                Piece next = pieces.get(++i);
                // A bounce that refolded the reply puts words of it between the code-hyphen markers
                // ("... authentication\ninformation or fails to pass 550-5.7.1 authentication checks"):
                // they belong to the line before, unless they start something else (a transcript mark).
                String between = next.start() > last.end() ? text.substring(last.end(), next.start()).strip() : "";
                if (!between.isEmpty() && between.indexOf('\n') < 0 && !NOT_CONTINUATION.matcher(between).find()) {
                    lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + between);
                }
                last = next;
                lines.add(last.body());
                end = last.end();
            }
            if (!last.python()) {
                end = wrapped(paste, end, lines);
                lines.set(0, lines.get(0).strip());
            }
            unmarkInlineContinuations(p.code(), lines);
            dropClosingQuote(lines);
            Optional<EnhancedStatus> enhanced = p.inferred()
                    ? Optional.of(EnhancedStatus.parse(p.body().substring(0, p.body().indexOf(' '))))
                    : lines.stream().map(EnhancedStatus::parseLeading).flatMap(Optional::stream).findFirst();
            if (enhanced.isEmpty() && !p.inferred()) {
                enhanced = dsnStatus(paste, p.start(), p.code());
            }
            Reply reply = new Reply(p.code(), enhanced, lines);
            int line = paste.lineOf(p.start());
            Found f = new Found(reply, p.inferred(), p.start(), phaseNear(paste, hits, p.start(), end, p.code()),
                    paste.server(line));
            // Keep the last position of a repeated reply: the innermost wins ties.
            out.remove(reply.oneLine());
            out.put(reply.oneLine(), f);
        }
        return new ArrayList<>(out.values());
    }

    /** A closing double quote (and what closes around it) at a reply's end. */
    private static final Pattern CLOSING_QUOTE = Pattern.compile("\"[)\\]},;.]*\\s*$");

    /**
     * A reply a wrapper quoted ({@code Error: "550 text"}) ends with the wrapper's closing quote: when the reply holds
     * no opening one for it, the quote goes, so that a rule reading the reply's end reads the reply's own words.
     */
    private static void dropClosingQuote(List<String> lines) {
        String last = lines.get(lines.size() - 1);
        Matcher m = CLOSING_QUOTE.matcher(last);
        if (last.indexOf('"') >= 0 && m.find() && lines.stream().mapToLong(l -> l.chars().filter(c -> c == '"').count()).sum() % 2 == 1) {
            lines.set(lines.size() - 1, last.substring(0, m.start()).stripTrailing());
        }
    }

    /**
     * A multi-line reply pasted on one line: its own code-hyphen and enhanced code again between words
     * ("the sending 550-5.7.1 domain"). Not "451 5.7.3" with a space: that is a reply another one wraps.
     */
    private static final Pattern INLINE_CONTINUATION = Pattern.compile("\\s([2-5]\\d\\d)-[245]\\.\\d{1,3}\\.\\d{1,3}(?=\\s)");

    /**
     * Removes the continuation markers (code-hyphen and enhanced code) that a multi-line reply keeps
     * between its words when it is pasted on one line, so that rules read its words as one text.
     * Only the reply's own code is removed: another code in the text is another reply.
     */
    private static void unmarkInlineContinuations(int code, List<String> lines) {
        String own = Integer.toString(code);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.indexOf(own, 1) < 0) {
                continue;
            }
            Matcher m = INLINE_CONTINUATION.matcher(line);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, m.group(1).equals(own) ? "" : Matcher.quoteReplacement(m.group()));
            }
            m.appendTail(out);
            lines.set(i, out.toString());
        }
    }

    /** A delivery status notification's per-recipient Status field (RFC 3464 section 2.3.4). */
    private static final Pattern DSN_STATUS = Pattern.compile("(?mi)^[ \\t]*Status:[ \\t]*([245]\\.\\d{1,3}\\.\\d{1,3})[ \\t]*$");

    /**
     * The enhanced code of a DSN's Diagnostic-Code reply that has none of its own: the Status
     * field of the same notification (RFC 3464 section 2.3.4), when its class is the reply's.
     */
    private static Optional<EnhancedStatus> dsnStatus(Paste paste, int start, int code) {
        int from = paste.text().lastIndexOf('\n', start) + 1;
        if (!paste.text().regionMatches(true, from, "Diagnostic-Code:", 0, 16)
                && !paste.text().substring(from, start).toLowerCase(Locale.ROOT).contains("diagnostic-code:")) {
            return Optional.empty();
        }
        Matcher m = DSN_STATUS.matcher(paste.text());
        while (m.find()) {
            EnhancedStatus status = EnhancedStatus.parse(m.group(1));
            if (status.klass() == code / 100) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    /**
     * Positions where a reply code (three digits, 2xx-5xx, not inside a word or number) or an
     * enhanced code (2, 4 or 5, a dot, a digit) may start.
     */
    private static int[] starts(String text, boolean enhanced) {
        int[] out = new int[16];
        int n = 0;
        for (int i = 0, len = text.length(); i + 2 < len; i++) {
            char c = text.charAt(i);
            if (c < '2' || c > '5' || (enhanced && c == '3')) {
                continue;
            }
            if (i > 0) {
                char b = text.charAt(i - 1);
                // The patterns' own look-behind: not after a word character (ASCII letters, digits, underscore) or a dot.
                if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '.') {
                    continue;
                }
            }
            boolean ok = enhanced
                    ? text.charAt(i + 1) == '.' && isAsciiDigit(text.charAt(i + 2))
                    : isAsciiDigit(text.charAt(i + 1)) && isAsciiDigit(text.charAt(i + 2));
            if (ok) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, n * 2);
                }
                out[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * A pattern tried only at given start positions, left to right, never inside its previous
     * match: the matches {@link Matcher#find()} would give when the pattern can only start there.
     */
    private static final class Starts {
        private final Matcher m;
        private final int[] starts;
        private int next;
        private int after;

        Starts(Matcher m, int[] starts) {
            this.m = Prefilter.around(m);
            this.starts = starts;
        }

        boolean find() {
            int len = m.regionEnd();
            while (next < starts.length) {
                int s = starts[next++];
                if (s < after) {
                    continue;
                }
                m.region(s, len);
                if (m.lookingAt()) {
                    after = m.end();
                    return true;
                }
            }
            return false;
        }

        int start() {
            return m.start();
        }

        int end() {
            return m.end();
        }

        int start(int group) {
            return m.start(group);
        }

        String group(int group) {
            return m.group(group);
        }
    }

    private static int[] everyPosition(String text) {
        return java.util.stream.IntStream.range(0, text.length()).toArray();
    }

    /** Whether a three-digit number (200-599) stands right before {@code after} somewhere in the text. */
    private static boolean codeNextTo(String text, char after) {
        for (int i = text.indexOf(after, 3); i >= 0; i = text.indexOf(after, i + 1)) {
            char a = text.charAt(i - 3);
            if (a >= '2' && a <= '5' && Character.isDigit(text.charAt(i - 2)) && Character.isDigit(text.charAt(i - 1))) {
                return true;
            }
        }
        return false;
    }

    /** A reply-shaped match before lines are joined. */
    private record Piece(int code, boolean continued, String body, int start, int end, boolean inferred, boolean python) {
        Piece(int code, boolean continued, String body, int start, int end, boolean inferred) {
            this(code, continued, body, start, end, inferred, false);
        }
    }

    /** A line that starts something else: a reply, a transcript or log record, a stack frame, a new exception. */
    // A line opening with '[' is a log line ("[2022-09-30 ...]", "[ERROR]"), unless the bracket holds a
    // provider's reason code that a bounce wrapped onto its own line (Yahoo's "[TSS06]", "[BL21]") or
    // an IPv4 address ("messages from\n[192.0.2.7] weren't sent").
    private static final Pattern NOT_CONTINUATION = Pattern.compile(
            "^\\s*(?:\\d{3}[ -]|[<>~*=|!#{}]|\\((?!<)|\\[(?![A-Z]{2,4}\\d{2}\\]|\\d{1,3}(?:\\.\\d{1,3}){3}\\])|-{2,}|at |File \"|Caused by|Traceback|[A-Za-z]\\w*(?:\\.\\w+)+(?:Exception|Error)\\b|"
                    + "\\d{4}[-/]\\d\\d[-/]\\d\\d|[A-Z][a-z]{2} +\\d+ \\d\\d:|[SC]: |(?:SERVER|CLIENT) ->|"
                    + "(?:DEBUG|INFO|WARN|ERROR|TRACE)\\b|Action:|Status:|Diagnostic-Code:|Reporting-MTA:|Final-Recipient:)");

    /**
     * A reply that a log or a bounce wrapped over several lines (a fixed-width log cutting words,
     * Postfix's indented bounce lines) is one reply: the lines that follow it and start nothing
     * else are appended to {@code lines}. Returns the new end of the reply.
     */
    private static int wrapped(Paste paste, int end, List<String> lines) {
        String text = paste.text();
        int line = paste.lineOf(Math.max(0, end - 1));
        if (end < text.length() && text.charAt(end) != '\n') {
            return end;
        }
        int added = 0;
        int chars = 0;
        // A fixed-width log cuts words: its wrapped lines are as long as the first.
        int width = paste.line(line).length();
        boolean fixedWidth = line + 1 < paste.lineCount() && width >= 60 && paste.line(line + 1).length() == width;
        for (int next = line + 1; next < paste.lineCount() && added < 8 && chars < 1000; next++) {
            String l = paste.line(next);
            boolean indented = !l.isEmpty() && Character.isWhitespace(l.charAt(0));
            String previous = paste.line(next - 1);
            // A short line goes on only when indented, when it ends announcing more ("Recipient address rejected:") or
            // with the one space a wrap leaves (a terminal pads with more), or when the next starts with punctuation.
            if (l.isBlank() || NOT_CONTINUATION.matcher(l).find() || paste.command(next) != null
                    || (!indented && previous.length() < 60 && !previous.stripTrailing().endsWith(":")
                    && !(previous.endsWith(" ") && !previous.endsWith("  ")) && ":;,".indexOf(l.charAt(0)) < 0)) {
                break;
            }
            // A word cut at the line end continues without a space ("SmtpClie" + "ntAuthentication").
            String last = lines.remove(lines.size() - 1);
            boolean cutWord = fixedWidth && !indented && !last.isEmpty()
                    && Character.isLetterOrDigit(last.charAt(last.length() - 1)) && Character.isLetterOrDigit(l.charAt(0));
            lines.add(last + (cutWord ? "" : " ") + l.strip());
            added++;
            chars += l.length();
            end = paste.lineStart(next) + l.length();
        }
        return end;
    }

    private static String unescapePython(String s) {
        return s.replace("\\r\\n", " ").replace("\\n", " ").replace("\\'", "'").replace('\n', ' ').strip();
    }

    private static boolean inside(List<int[]> spans, int position) {
        for (int[] s : spans) {
            if (position >= s[0] && position < s[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SMTP command a reply answered. RFC 4954 replies (334, 235, 534, 535, 538) exist only
     * in AUTH; otherwise wording after the reply (Postfix's "(in reply to RCPT TO command)",
     * nodemailer's command: 'AUTH PLAIN', a stack frame up to 600 characters below), else the nearest before it of the last command a
     * transcript shows and a library's wording (rules/wording.yaml). An OAuth login (AUTH XOAUTH2,
     * or its auth=Bearer payload) makes an AUTH phase "xoauth2"; a list of mechanisms that names
     * XOAUTH2 among others does not.
     */
    String phaseNear(Paste paste, Wording.Hits hits, int start, int end, int code) {
        String text = paste.text();
        int commandLine = paste.lastCommandLine(start, 60);
        String command = commandLine < 0 ? null : paste.command(commandLine);
        String phase;
        if (code == 334 || code == 235 || code == 534 || code == 535 || code == 538) {
            phase = "auth";
        } else {
            Wording.Hint after = hits.after(end, Math.min(text.length(), end + 600));
            if (after != null && !after.phase().isEmpty()) {
                phase = after.phase();
            } else {
                Wording.Hint before = hits.before(Math.max(0, start - 400), start);
                if (before != null && (command == null || before.position() > paste.lineStart(commandLine))) {
                    phase = before.phase();
                } else {
                    phase = command == null ? "" : phaseOf(command);
                }
            }
        }
        if (phase.equals("auth")) {
            if (command != null && phaseOf(command).equals("auth")) {
                return OAUTH.matcher(command).find() ? "xoauth2" : "auth";
            }
            String around = text.substring(Math.max(0, start - 300), Math.min(text.length(), end + 200));
            if (OAUTH.matcher(around).find() && OAUTH.matcher(MECHANISM_LIST.matcher(around).replaceAll(" ")).find()
                    && !around.contains("250-AUTH") && !around.contains("250 AUTH")) {
                return "xoauth2";
            }
        }
        return phase;
    }

    private static String phaseOf(String command) {
        String v = command.toUpperCase(Locale.ROOT);
        if (v.startsWith("AUTH")) {
            return "auth";
        }
        if (v.startsWith("MAIL")) {
            return "mail-from";
        }
        if (v.startsWith("RCPT")) {
            return "rcpt-to";
        }
        if (v.startsWith("DATA") || v.startsWith("BDAT")) {
            return "data";
        }
        if (v.startsWith("STARTTLS")) {
            return "tls";
        }
        if (v.startsWith("EHLO") || v.startsWith("HELO")) {
            return "ehlo";
        }
        return "";
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

    /**
     * Mostly printable: fewer than one character in ten is a control character, and fewer than half are
     * control characters or undecodable ones (replacement characters).
     */
    static boolean looksLikeText(String input) {
        int sample = Math.min(input.length(), 65536);
        int control = 0;
        int replaced = 0;
        for (int i = 0; i < sample; i++) {
            char c = input.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
                control++;
            } else if (c == 0xFFFD) {
                replaced++;
            }
        }
        // Replacement characters are text decoded with the wrong charset (a GBK reply read as UTF-8) as
        // often as binary: only half of them, or a tenth of control characters, makes it binary.
        return sample == 0 || (control * 10 < sample && (control + replaced) * 2 < sample);
    }

    private static String preview(String text) {
        String one = text.strip().replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 197) + "..." : one;
    }
}
