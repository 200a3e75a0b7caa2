package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.testing.ChunkedInput;
import org.subethamail.smtp.internal.io.CRLFTerminatedReader;

/**
 * Fuzz target: the relay's command reader as a session uses it ({@link DeviceInputStream}
 * beneath SubEthaSMTP's buffered CRLF reader, exactly as {@code Session} stacks them), fed any
 * bytes in pieces of any size, then each line through the relay's own parsing ({@link
 * RelayVerb#argument}, {@link MailPath}). Checked against a model: CRLF, bare LF and bare CR each
 * end a line; 8-bit bytes read as '?'; a line of 998 characters or more is refused (bounded, never
 * buffered without limit); an unterminated last line is never a command; a TLS ClientHello as the
 * first bytes ends the stream. A parsed path never carries a control character.
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/relay/device/CommandReaderFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class CommandReaderFuzzTest {

    private static final int MAX_LINE = 998; // SubEthaSMTP's CRLFTerminatedReader

    @FuzzTest
    void commandLines(FuzzedDataProvider data) throws IOException {
        int[] chunks = {data.consumeInt(1, 64), data.consumeInt(1, 64), data.consumeInt(1, 3)};
        byte[] wire = data.consumeRemainingAsBytes();

        CRLFTerminatedReader reader = new CRLFTerminatedReader(new BufferedInputStream(
                new DeviceInputStream(new ChunkedInput(wire, chunks), () -> { }), 8192));
        Model expected = model(wire, Math.min(chunks[0], wire.length));
        for (String line : expected.lines()) {
            String read = reader.readLine();
            assertThat(read).isEqualTo(line);
            parse(read);
        }
        if (expected.overlong()) {
            assertThatThrownBy(reader::readLine).isInstanceOf(CRLFTerminatedReader.MaxLineLengthException.class);
        } else {
            assertThat(reader.readLine()).isNull();
        }
    }

    /** What the relay does with a line, short of answering it: verb, argument, paths. */
    private static void parse(String line) {
        String argument = RelayVerb.argument(line);
        assertThat(argument).doesNotContain("\r", "\n");
        for (Optional<MailPath.Parsed> path : List.of(MailPath.reversePath(argument), MailPath.forwardPath(argument))) {
            path.ifPresent(p -> {
                assertThat(p.address().chars().noneMatch(c -> c < 0x20 || c == 0x7F)).as("control character in %s", p).isTrue();
                assertThat(p.address()).doesNotStartWith("@"); // a source route is dropped
                if (!p.address().isEmpty()) {
                    assertThat(p.address()).contains("@");
                }
            });
        }
    }

    private record Model(List<String> lines, boolean overlong) {}

    /** Line ends normalised, 8-bit bytes as '?', unterminated tail dropped, overlong lines refused. */
    private static Model model(byte[] wire, int firstChunk) {
        if (wire.length > 0 && (wire[0] & 0xFF) == 0x16 && (firstChunk < 2 || wire[1] == 0x03)) {
            return new Model(List.of(), false); // a TLS ClientHello: DeviceInputStream ends the stream
        }
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < wire.length; i++) {
            int b = wire[i] & 0xFF;
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < wire.length && wire[i + 1] == '\n') {
                    i++;
                }
                lines.add(line.toString(StandardCharsets.ISO_8859_1));
                line.reset();
                if (lines.get(lines.size() - 1).length() >= MAX_LINE) {
                    lines.remove(lines.size() - 1);
                    return new Model(lines, true);
                }
                continue;
            }
            line.write(b > 0x7F ? '?' : b);
        }
        return new Model(lines, line.size() >= MAX_LINE);
    }
}
