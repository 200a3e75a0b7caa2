package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every read message explained as it is and in the forms a paste takes on its way to smtp-doctor: a web page's or a
 * JSON log's escaping, a mail answer's quoting, a log's header on every line. The answer (cause and deciding rule)
 * should stay the plain text's. A metamorphic measure over the sets rule authors have read (SimilarTest.TRAINING;
 * never the test part): the messages are real, only their form is made here.
 */
class PasteFormsTest {

    private static final Explainer EXPLAINER = new Explainer(KnowledgeBase.bundled());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** As an HTML page's source shows a text. */
    static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** As a JSON log record's message shows a text: a JSON string's body, with < and > as Go's encoder writes them. */
    static String json(String text) {
        try {
            String quoted = JSON.writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1).replace("<", "\\u003c").replace(">", "\\u003e");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The read messages whose escaped form gets another cause or rule than the plain text. */
    private static List<String> moved(UnaryOperator<String> escape) throws IOException {
        List<String> moved = new ArrayList<>();
        for (String set : SimilarTest.TRAINING) {
            for (GeneralizationTest.Item item : GeneralizationTest.read(set)) {
                Diagnosis plain = EXPLAINER.explain(item.text());
                Diagnosis escaped = EXPLAINER.explain(escape.apply(item.text()));
                if (plain.cause() != escaped.cause() || !plain.ruleId().equals(escaped.ruleId())) {
                    moved.add(item.id() + ": " + plain.ruleId() + " -> " + escaped.ruleId());
                }
            }
        }
        System.out.println("pastes in another form: " + moved.size() + " answers moved" + (moved.isEmpty() ? "" : ": " + moved));
        return moved;
    }

    @Test
    void anHtmlEscapedMessageReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::html)).isEmpty();
    }

    /**
     * Before the explainer decoded JSON escapes, 219 read messages moved (196 HTML-escaped); the few left are texts whose own escapes
     * (a Python literal's backslash-r-backslash-n) keep the JSON form from being decoded, or whose only escape is a
     * backslash-n before a small letter, which a Windows path also shows.
     */
    @Test
    void aJsonEscapedMessageReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::json)).hasSizeLessThanOrEqualTo(MOVED_JSON);
    }

    static final int MOVED_JSON = 3;

    /** As a mail answer quotes a bounce: "> " before every line. */
    static String quoted(String text) {
        return text.lines().map(l -> "> " + l).collect(Collectors.joining("\n"));
    }

    /** 122 moved before the explainer took the quoting off; the one left is a Postfix log line a rule reads from its start. */
    @Test
    void aMessageQuotedInAMailAnswerReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::quoted)).hasSizeLessThanOrEqualTo(1);
    }

    /** As Docker Compose shows a service's log: its name column before every line. */
    static String composed(String text) {
        return text.lines().map(l -> "mailer-1  | " + l).collect(Collectors.joining("\n"));
    }

    /** 81 moved before the explainer took the column off; the 5 left are texts a rule reads from a line's start. */
    @Test
    void aMessageInDockerComposesLogReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::composed)).hasSizeLessThanOrEqualTo(MOVED_COMPOSED);
    }

    static final int MOVED_COMPOSED = 5;

    /** As a terminal shows a coloured log: every line in red, then reset. */
    static String coloured(String text) {
        return text.lines().map(l -> "\u001b[1;31m" + l + "\u001b[0m").collect(Collectors.joining("\n"));
    }

    /** The escape sequences left "[1;31m" before a reply's code: 478 moved before they were taken out, none now. */
    @Test
    void aColouredMessageReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::coloured)).hasSizeLessThanOrEqualTo(MOVED_COLOURED);
    }

    static final int MOVED_COLOURED = 0;

    /** As a web page or a word processor shows a text: no-break spaces, curly quotes, a zero-width space at its start. */
    static String typeset(String text) {
        return "\u200b" + text.replace(" ", "\u00a0").replaceAll("\"([^\"\n]*)\"", "\u201c$1\u201d").replace("'", "\u2019");
    }

    /** 3,681 moved before the explainer read those characters as the plain ones, none now. */
    @Test
    void aTypesetMessageReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::typeset)).hasSizeLessThanOrEqualTo(MOVED_TYPESET);
    }

    static final int MOVED_TYPESET = 0;

    /** As Docker's json-file log (and kubectl logs of it) keeps a container's output: one JSON record a line. */
    static String dockerJson(String text) {
        return text.lines().map(l -> "{\"log\":\"" + json(l + "\n") + "\",\"stream\":\"stderr\",\"time\":\"2024-05-01T12:00:00.123Z\"}")
                .collect(Collectors.joining("\n"));
    }

    /** 165 moved before the explainer read a record as its message (the record's fields glued to the reply), none now. */
    @Test
    void aMessageInDockersJsonLogReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::dockerJson)).hasSizeLessThanOrEqualTo(MOVED_DOCKER_JSON);
    }

    static final int MOVED_DOCKER_JSON = 0;

    /** As a page's source shows a message: escaped, in a pre block, its lines broken with br tags. */
    static String htmlPage(String text) {
        return "<pre>" + String.join("<br>\n", html(text).split("\n", -1)) + "</pre>";
    }

    /** 101 moved before the explainer took the tags out (a closing tag glued to the reply, a br and a line end two), none now. */
    @Test
    void aMessageInAPagesSourceReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::htmlPage)).hasSizeLessThanOrEqualTo(MOVED_HTML_PAGE);
    }

    static final int MOVED_HTML_PAGE = 0;

    /** As a mail answer quotes a bounce under its attribution line. */
    static String quotedUnder(String text) {
        return "On Tue, Dec 8, 2026 at 02:43, Admin <admin@example.com> wrote:\n" + quoted(text);
    }

    /** 125 moved before quoting was taken off blocks of quoted lines, not only a paste quoted on every line; 5 now. */
    @Test
    void aMessageQuotedUnderAnAttributionLineReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::quotedUnder)).hasSizeLessThanOrEqualTo(MOVED_QUOTED_UNDER);
    }

    static final int MOVED_QUOTED_UNDER = 5;

    /** As GitHub Actions (and kubectl logs --timestamps) show a step's output: a time stamp before every line. */
    static String timestamped(String text) {
        return text.lines().map(l -> "2024-05-01T12:00:00.1234567Z " + l).collect(Collectors.joining("\n"));
    }

    /**
     * 130 moved before time stamps with no source were taken off every line (and a stamp's one space, not a wrap's
     * indentation); the 7 left are one-line texts, whose stamp stays.
     */
    @Test
    void aMessageWithATimeStampOnEveryLineReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::timestamped)).hasSizeLessThanOrEqualTo(MOVED_TIMESTAMPED);
    }

    static final int MOVED_TIMESTAMPED = 7;

    /** A multi-line reply's line (code, hyphen): a log that writes each line apart writes these. */
    private static final Pattern MULTI_LINE_REPLY = Pattern.compile("(?m)^\\s*[2-5]\\d\\d-");

    /**
     * As a log writes each line of a transcript or multi-line reply: its time stamp and source before every line (for the
     * other messages, unchanged: a log writes a wrapped bounce line as one line with one header).
     */
    static String logged(String text) {
        return MULTI_LINE_REPLY.matcher(text).find()
                ? text.lines().map(l -> "Dec  8 02:43:24 app01 mailer[4242]: " + l).collect(Collectors.joining("\n")) : text;
    }

    /**
     * 5 moved before the explainer took a log's repeated header off the lines that continue a reply (the explainer
     * already found codes anywhere in a line); the 4 left are bounces wrapped by width, which a log would not write line
     * by line, and a transcript whose command lines lose their place once a header is before them.
     */
    @Test
    void aMultiLineReplyLoggedLineByLineReadsLikeThePlainOne() throws IOException {
        assertThat(moved(PasteFormsTest::logged)).hasSizeLessThanOrEqualTo(MOVED_LOGGED);
    }

    static final int MOVED_LOGGED = 4;
}
