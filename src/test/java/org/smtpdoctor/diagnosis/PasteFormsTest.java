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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every read message explained as it is and in the forms a paste takes on its way to smtp-doctor (a terminal's
 * colours, a web page's or a JSON log's escaping, a mail answer's quoting, a log's header on every line). The answer
 * (cause and deciding rule) should stay the plain text's. A metamorphic measure over the sets rule authors have read
 * (SimilarTest.TRAINING; never the test part): the messages are real, only their form is made here.
 */
class PasteFormsTest {

    private static final Explainer EXPLAINER = new Explainer(KnowledgeBase.bundled());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A multi-line reply's line (code, hyphen): a log that writes each line apart writes these. */
    private static final Pattern MULTI_LINE_REPLY = Pattern.compile("(?m)^\\s*[2-5]\\d\\d-");

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

    /** Each line of a text with this before it. */
    private static UnaryOperator<String> everyLine(String before, String after) {
        return text -> text.lines().map(l -> before + l + after).collect(Collectors.joining("\n"));
    }

    /**
     * The forms: a name, how the form is made, and how many read messages may move in it. The comment says how many
     * moved before the twenty-third round's PasteForms steps (measured by this test on the commit before each).
     */
    static Stream<Arguments> forms() {
        return Stream.of(
                // 196 moved before HTML references were decoded.
                form("HTML-escaped", PasteFormsTest::html, 0),
                // 219 moved before JSON escapes were decoded; those left hold a Python literal's own escaped line end,
                // or a backslash-n before a small letter only, which a Windows path also shows.
                form("JSON-escaped", PasteFormsTest::json, 3),
                // 101: a closing tag glued to the reply, a br and the line end read as two.
                form("a page's source", t -> "<pre>" + String.join("<br>\n", html(t).split("\n", -1)) + "</pre>", 0),
                // 165: the record's fields glued to the reply. Docker's json-file, one record a line.
                form("Docker's JSON log", t -> t.lines().map(l -> "{\"log\":\"" + json(l + "\n")
                        + "\",\"stream\":\"stderr\",\"time\":\"2024-05-01T12:00:00.123Z\"}").collect(Collectors.joining("\n")), 0),
                // 478: the escape sequences left "[1;31m" before a reply's code.
                form("coloured", everyLine("\u001b[1;31m", "\u001b[0m"), 0),
                // 3,681: no-break spaces, curly quotes and a zero-width space at the start.
                form("typeset", t -> "\u200b" + t.replace(" ", "\u00a0").replaceAll("\"([^\"\\n]*)\"", "\u201c$1\u201d")
                        .replace("'", "\u2019"), 0),
                // 122.
                form("quoted on every line", everyLine("> ", ""), 0),
                // 125: quoting was taken off only when every line had it.
                form("quoted under an attribution line", t -> "On Tue, Dec 8, 2026 at 02:43, Admin <admin@example.com> wrote:\n"
                        + everyLine("> ", "").apply(t), 5),
                // 81. Those left are texts a rule reads from a line's start.
                form("Docker Compose's log", everyLine("mailer-1  | ", ""), 5),
                // 130; the 7 left are one-line texts, whose stamp stays (GitHub Actions, kubectl logs --timestamps).
                form("a time stamp on every line", everyLine("2024-05-01T12:00:00.1234567Z ", ""), 7),
                // 5 (codes were found anywhere in a line already); the 4 left are bounces wrapped by width, which a log
                // would not write line by line, and a transcript whose command lines lose their place. Only messages
                // with a multi-line reply; the others stay as they are.
                form("multi-line replies logged line by line", t -> MULTI_LINE_REPLY.matcher(t).find()
                        ? everyLine("Dec  8 02:43:24 app01 mailer[4242]: ", "").apply(t) : t, 4));
    }

    private static Arguments form(String name, UnaryOperator<String> form, int ceiling) {
        return Arguments.of(name, form, ceiling);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void aMessageInAnotherFormReadsLikeThePlainOne(String name, UnaryOperator<String> form, int ceiling) throws IOException {
        List<String> moved = new ArrayList<>();
        for (String set : SimilarTest.TRAINING) {
            for (GeneralizationTest.Item item : GeneralizationTest.read(set)) {
                Diagnosis plain = EXPLAINER.explain(item.text());
                Diagnosis other = EXPLAINER.explain(form.apply(item.text()));
                if (plain.cause() != other.cause() || !plain.ruleId().equals(other.ruleId())) {
                    moved.add(item.id() + ": " + plain.ruleId() + " -> " + other.ruleId());
                }
            }
        }
        System.out.println("pastes " + name + ": " + moved.size() + " answers moved" + (moved.isEmpty() ? "" : ": " + moved));
        assertThat(moved).as(name).hasSizeLessThanOrEqualTo(ceiling);
    }
}
