package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real messages as people pasted them (src/test/resources/explain/corpus.jsonl, each with
 * its public source), explained end to end. The corpus was collected separately from the
 * rules, so it checks that the rules generalise rather than memorise.
 */
class CorpusTest {

    private static final Explainer EXPLAINER = new Explainer(KnowledgeBase.bundled());

    static Stream<Arguments> corpus() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Arguments> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                CorpusTest.class.getResourceAsStream("/explain/corpus.jsonl"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode n = json.readTree(line);
                    out.add(Arguments.of(n.get("id").asText(), n.get("cause").asText(), n.path("truth").asText(""),
                            n.get("text").asText()));
                }
            }
        }
        return out.stream();
    }

    /**
     * The answer is the labelled cause; where the source established another real cause (the
     * {@code truth} field: the text alone cannot show it), that cause is among the candidates.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("corpus")
    void aRealMessageDecidesToItsCause(String id, String cause, String truth, String text) {
        Diagnosis d = EXPLAINER.explain(text);
        assertThat(d.cause().id()).as("%s decided by %s on %s", id, d.ruleId(), d.matchedText()).isEqualTo(cause);
        if (!truth.isEmpty()) {
            assertThat(d.candidates()).as("%s candidates", id).extracting(c -> c.cause().id()).contains(truth);
        }
    }
}
