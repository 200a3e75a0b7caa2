package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.testing.WindowsText.powerShell;
import static org.smtpdoctor.testing.WindowsText.withUtf8Bom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<BatchLines.Entry> entries(byte[] input) throws Exception {
        List<BatchLines.Entry> out = new ArrayList<>();
        try (BatchLines lines = BatchLines.of(new ByteArrayInputStream(input))) {
            BatchLines.Entry e;
            while ((e = lines.next()) != null) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void blankLinesAreSkippedButCounted() throws Exception {
        List<BatchLines.Entry> e = entries("{\"id\":1,\"text\":\"a\"}\n\n   \r\n{\"id\":2,\"text\":\"b\"}\r\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(e).extracting(BatchLines.Entry::line).containsExactly(1L, 4L);
        assertThat(e.get(1).text()).contains("b");
    }

    @Test
    void somethingAfterTheObjectIsAnErrorThatKeepsTheId() throws Exception {
        List<BatchLines.Entry> e = entries(("{\"id\":\"t-1\",\"text\":\"535 5.7.3\"} trailing words\n"
                + "{\"id\":\"t-2\",\"text\":\"x\"}{\"id\":\"t-3\"}\n"
                + "{\"id\":\"t-4\",\"text\":\"x\"}   \n").getBytes(StandardCharsets.UTF_8));
        assertThat(e.get(0).error()).contains("line 1 has more after its JSON object (one object per line)");
        assertThat(e.get(0).id().map(JsonNode::asText)).contains("t-1");
        assertThat(e.get(1).error()).isPresent();
        assertThat(e.get(1).id().map(JsonNode::asText)).contains("t-2");
        assertThat(e.get(2).text()).contains("x");
    }

    @Test
    void aLineTooLongKeepsItsIdWhereverItIs() throws Exception {
        String big = "x".repeat(BatchLines.MAX_LINE_CHARS + 10);
        String input = "{\"id\":\"before\",\"text\":\"" + big + "\"}\n"
                + "{\"text\":\"" + big + "\",\"meta\":{\"a\":[1,2]},\"id\":42}\n"
                + "{\"id\":\"after\",\"text\":\"fine\"}\n";
        List<BatchLines.Entry> e = entries(input.getBytes(StandardCharsets.UTF_8));
        assertThat(e).hasSize(3);
        assertThat(e.get(0).error()).contains("line 1 is longer than 1 MB (explain --file reads one long text)");
        assertThat(e.get(0).id().map(JsonNode::asText)).contains("before");
        assertThat(e.get(1).error()).isPresent();
        assertThat(e.get(1).id().map(JsonNode::asInt)).contains(42);
        assertThat(e.get(2).id().map(JsonNode::asText)).contains("after");
        assertThat(e.get(2).text()).contains("fine");
    }

    @Test
    void utf16AndByteOrderMarksAreRead() throws Exception {
        String jsonl = "{\"id\":\"é\",\"text\":\"535 5.7.139 Authentication unsuccessful\"}\r\n{\"id\":2,\"text\":\"b\"}\r\n";
        for (byte[] input : List.of(powerShell(jsonl), withUtf8Bom(jsonl))) {
            List<BatchLines.Entry> e = entries(input);
            assertThat(e).hasSize(2);
            assertThat(e.get(0).id().map(JsonNode::asText)).contains("é");
            assertThat(e.get(0).text()).contains("535 5.7.139 Authentication unsuccessful");
        }
    }

    @Test
    void theCommandKeepsIdsOfBadLinesAndSkipsBlankOnes(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.jsonl"), powerShell("{\"id\":\"a\",\"text\":\"550 5.7.30 Basic authentication is not supported for Client Submission.\"}\r\n"
                + "\r\n{\"id\":\"b\",\"text\":\"x\"} oops\r\n{\"text\":\"" + "y".repeat(BatchLines.MAX_LINE_CHARS) + "\",\"id\":\"c\"}\r\n"));
        Cli.Run run = Cli.run("explain", "--batch", in.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        List<JsonNode> out = new ArrayList<>();
        for (String l : run.out().split("\n")) {
            out.add(JSON.readTree(l));
        }
        assertThat(out).hasSize(3);
        assertThat(out.get(0).get("cause").asText()).isEqualTo("basic_auth_retired");
        assertThat(out.get(1).get("id").asText()).isEqualTo("b");
        assertThat(out.get(1).get("line").asInt()).isEqualTo(3);
        assertThat(out.get(1).get("error").asText()).contains("more after its JSON object");
        assertThat(out.get(2).get("id").asText()).isEqualTo("c");
        assertThat(out.get(2).get("error").asText()).contains("longer than 1 MB");
    }
}
