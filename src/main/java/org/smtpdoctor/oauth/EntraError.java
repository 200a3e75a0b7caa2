package org.smtpdoctor.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error answer of the Microsoft Entra token endpoint, read from its body: the OAuth 2.0
 * error (RFC 6749 section 5.2, e.g. {@code invalid_client}), the AADSTS code, Microsoft's
 * message without the Trace ID / Correlation ID / Timestamp lines it appends, and those two
 * ids (a support ticket asks for them; they are not secrets). Rules in rules/entra.yaml read
 * {@link #knowledgeLine()}.
 *
 * <p>{@link #parse} never throws: a body that is not Entra's JSON (an HTML error page from a
 * proxy, an empty body, junk) still yields a value, with the AADSTS code if the text shows
 * one and the HTTP status otherwise. Bodies are cut at {@link #MAX_BODY} characters, and
 * control characters are removed from every field so that a hostile body cannot drive the
 * terminal. Immutable.
 *
 * @param status        the HTTP status of the answer, 0 when not known
 * @param error         the {@code error} field, e.g. {@code invalid_client}
 * @param code          the AADSTS code, from {@code error_codes} or else the description
 * @param description   Microsoft's message without its code prefix and trace lines; may be empty
 * @param traceId       {@code trace_id}, or the description's "Trace ID:"
 * @param correlationId {@code correlation_id}, or the description's "Correlation ID:"
 */
public record EntraError(int status, Optional<String> error, Optional<Integer> code, String description,
                         Optional<String> traceId, Optional<String> correlationId) {

    /** A token endpoint error is a few hundred bytes; anything past this is not read. */
    public static final int MAX_BODY = 64 * 1024;
    private static final int MAX_DESCRIPTION = 1000;
    private static final int MAX_FIELD = 200;
    /** Entra's code for the device code flow's authorization_pending. */
    private static final int AUTHORIZATION_PENDING = 70016;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AADSTS = Pattern.compile("\\bAADSTS(\\d{1,9})\\b");
    /** "AADSTS7000215: " at the start of a description. */
    private static final Pattern CODE_PREFIX = Pattern.compile("^AADSTS\\d{1,9}:?\\s*");
    /** Where Entra's diagnostic lines start, on their own line ("\r\nTrace ID:") or inline. */
    private static final Pattern TRACE_LINES = Pattern.compile("\\s*(Trace ID|Correlation ID|Timestamp):");
    private static final Pattern TRACE_ID = Pattern.compile("Trace ID:\\s*([0-9A-Fa-f-]{8,64})");
    private static final Pattern CORRELATION_ID = Pattern.compile("Correlation ID:\\s*([0-9A-Fa-f-]{8,64})");
    /** The end of a sentence: '.', '!' or '?' before whitespace and a capital letter or a bracket. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s+[A-Z(\\[])");
    /**
     * An AADSTS message in text that is not JSON (an HTML page, a cut body): up to the next tag,
     * line end, or the end of a JSON string (a quote, or an escape such as \\r\\n).
     */
    private static final Pattern TEXT_MESSAGE = Pattern.compile("\\bAADSTS(\\d{1,9})(?!\\d):?\\s*([^<\\r\\n\"\\\\]*)");

    public EntraError {
        error = error.map(e -> clean(e, MAX_FIELD)).filter(e -> !e.isEmpty());
        description = description == null ? "" : clean(description, MAX_DESCRIPTION);
        traceId = traceId.map(t -> clean(t, MAX_FIELD)).filter(t -> !t.isEmpty());
        correlationId = correlationId.map(c -> clean(c, MAX_FIELD)).filter(c -> !c.isEmpty());
    }

    /** Reads a token endpoint's error body; never throws. */
    public static EntraError parse(int status, String body) {
        String text = body == null ? "" : body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body;
        JsonNode json = readObject(text);
        if (json == null) {
            return fromText(status, text);
        }
        String rawDescription = field(json, "error_description").orElse("");
        Optional<Integer> code = firstCode(json.get("error_codes")).or(() -> codeIn(rawDescription));
        return new EntraError(status, field(json, "error"), code, message(rawDescription),
                field(json, "trace_id").or(() -> find(TRACE_ID, rawDescription)),
                field(json, "correlation_id").or(() -> find(CORRELATION_ID, rawDescription)));
    }

    /**
     * The line for the knowledge base: {@code "AADSTS7000215: Invalid client secret provided."}
     * (the code and the message's first sentence); without a code, the OAuth error and message;
     * without either, the HTTP status.
     */
    public String knowledgeLine() {
        String sentence = firstSentence();
        if (code.isPresent()) {
            return "AADSTS" + code.get() + (sentence.isEmpty() ? "" : ": " + sentence);
        }
        if (error.isPresent()) {
            return error.get() + (sentence.isEmpty() ? "" : ": " + sentence);
        }
        return "HTTP " + (status == 0 ? "status unknown" : status) + " from the token endpoint, without an OAuth error"
                + (sentence.isEmpty() ? "" : ": " + sentence);
    }

    /** The first sentence of the description (all of it when it has one sentence). */
    public String firstSentence() {
        Matcher m = SENTENCE_END.matcher(description);
        return m.find() ? description.substring(0, m.end()) : description;
    }

    /**
     * The device code flow's "keep polling" answers (RFC 8628 section 3.5): the user has not
     * finished signing in yet ({@code authorization_pending}, AADSTS70016) or the client polls
     * too fast ({@code slow_down}). Not failures.
     */
    public boolean pending() {
        return error.map(e -> e.equals("authorization_pending") || e.equals("slow_down")).orElse(false)
                || code.map(c -> c == AUTHORIZATION_PENDING).orElse(false);
    }

    private static JsonNode readObject(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (IOException | RuntimeException e) {
            // Not JSON (HTML, cut, junk): read it as text.
            return null;
        }
    }

    private static EntraError fromText(int status, String text) {
        Matcher m = TEXT_MESSAGE.matcher(text);
        if (!m.find()) {
            return new EntraError(status, Optional.empty(), Optional.empty(), "", Optional.empty(), Optional.empty());
        }
        return new EntraError(status, Optional.empty(), parseCode(m.group(1)), message(m.group(2)),
                find(TRACE_ID, text), find(CORRELATION_ID, text));
    }

    private static Optional<String> field(JsonNode json, String name) {
        JsonNode n = json.get(name);
        return n != null && n.isValueNode() && !n.isNull() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static Optional<Integer> firstCode(JsonNode codes) {
        if (codes == null || !codes.isArray() || codes.isEmpty()) {
            return Optional.empty();
        }
        JsonNode first = codes.get(0);
        return first.canConvertToInt() && first.asInt() > 0 ? Optional.of(first.asInt()) : Optional.empty();
    }

    private static Optional<Integer> codeIn(String description) {
        return find(AADSTS, description).flatMap(EntraError::parseCode);
    }

    private static Optional<Integer> parseCode(String digits) {
        try {
            return Optional.of(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The description without its code prefix and without the trace lines that follow the message. */
    private static String message(String rawDescription) {
        String s = rawDescription.strip();
        Matcher trace = TRACE_LINES.matcher(s);
        if (trace.find()) {
            s = s.substring(0, trace.start());
        }
        return CODE_PREFIX.matcher(s.strip()).replaceFirst("");
    }

    /** Whitespace runs and control characters become one space; the result is cut to {@code max}. */
    private static String clean(String s, int max) {
        return org.smtpdoctor.io.OneLine.of(s, max);
    }
}
