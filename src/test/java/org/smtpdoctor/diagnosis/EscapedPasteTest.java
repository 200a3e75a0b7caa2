package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every read message explained as it is and as a web page or a JSON log would show it: the answer (cause and deciding
 * rule) must stay the plain text's. A metamorphic measure over the sets rule authors have read (SimilarTest.TRAINING;
 * never the test part): the messages are real, only their escaping is made here.
 */
class EscapedPasteTest {

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
        System.out.println("escaped pastes: " + moved.size() + " answers moved" + (moved.isEmpty() ? "" : ": " + moved));
        return moved;
    }

    @Test
    void anHtmlEscapedMessageReadsLikeThePlainOne() throws IOException {
        assertThat(moved(EscapedPasteTest::html)).isEmpty();
    }

    /**
     * Before the explainer decoded JSON escapes, 123 read messages moved; the few left are texts whose own escapes
     * (a Python literal's backslash-r-backslash-n) keep the JSON form from being decoded, or whose only escape is a
     * backslash-n before a small letter, which a Windows path also shows.
     */
    @Test
    void aJsonEscapedMessageReadsLikeThePlainOne() throws IOException {
        assertThat(moved(EscapedPasteTest::json)).hasSizeLessThanOrEqualTo(MOVED_JSON);
    }

    static final int MOVED_JSON = 3;
}
