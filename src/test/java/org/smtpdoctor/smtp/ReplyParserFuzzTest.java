package org.smtpdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target: the SMTP reply parser, fed whatever a hostile or broken server sends, in
 * chunks of any size. Properties: no exception but {@link MalformedReplyException}; the same
 * replies whatever the chunking; every reply within the parser's bounds (code 200-599, at most
 * {@link ReplyParser#MAX_LINES} lines of at most {@link ReplyParser#MAX_LINE_BYTES} bytes, no
 * control characters but tab); and a reply written back to the wire parses as itself.
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/smtp/ReplyParserFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class ReplyParserFuzzTest {

    @FuzzTest
    void replies(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 64);
        byte[] wire = data.consumeRemainingAsBytes();

        Parsed whole = parse(wire, wire.length);
        Parsed chunked = parse(wire, chunk);
        assertThat(chunked.replies).isEqualTo(whole.replies);
        assertThat(chunked.failed).isEqualTo(whole.failed);

        for (Reply r : whole.replies) {
            assertThat(r.code()).isBetween(200, 599);
            assertThat(r.lines()).hasSizeBetween(1, ReplyParser.MAX_LINES);
            for (String line : r.lines()) {
                assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4 * ReplyParser.MAX_LINE_BYTES);
                assertThat(line.chars().noneMatch(c -> (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)))
                        .as("no control characters in %s", line).isTrue();
            }
            Parsed again = parse(String.join("\r\n", r.wireLines()).concat("\r\n").getBytes(StandardCharsets.UTF_8), 7);
            assertThat(again.replies).as("written back and read again").hasSize(1);
            assertThat(again.replies.get(0).code()).isEqualTo(r.code());
            assertThat(again.replies.get(0).enhanced()).isEqualTo(r.enhanced());
        }
    }

    private record Parsed(List<Reply> replies, boolean failed) {}

    private static Parsed parse(byte[] wire, int chunk) {
        ReplyParser parser = new ReplyParser();
        List<Reply> replies = new ArrayList<>();
        boolean failed = false;
        for (int i = 0; i < wire.length && !failed; i += chunk) {
            try {
                parser.feed(wire, i, Math.min(chunk, wire.length - i));
            } catch (MalformedReplyException e) {
                failed = true;
                assertThat(e.getMessage()).isNotBlank();
            }
            for (Optional<Reply> r = parser.poll(); r.isPresent(); r = parser.poll()) {
                replies.add(r.get());
            }
        }
        return new Parsed(replies, failed);
    }
}
