package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.testing.ChunkedInput;

/**
 * Fuzz target: the relay's DATA reader ({@link DataVerb#read} over {@link DeviceInputStream} in
 * content mode, as a session stacks them), then what the relay does with a complete message
 * before it is stored (header section, originator check, prepared header). Fed any bytes in
 * pieces of any size, checked against a model: line ends become CRLF, a leading dot is removed,
 * the message ends at the first lone "." line and nothing after it is consumed (pipelined commands
 * stay for the command reader), a message without that line is never complete, and a message over
 * the size limit is marked oversized and not kept beyond it.
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/relay/device/DataReaderFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class DataReaderFuzzTest {

    private static final DeviceRule LIMITED = new DeviceRule("scanner", List.of(Cidr.parse("192.0.2.0/24")), Optional.empty(),
            Optional.empty(), List.of("scanner@lan.test", "@contoso.test"), Optional.empty());
    private static final MessagePreparer PREPARER = new MessagePreparer("relay.test");
    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 11, 28, 10, 0, 0, 0, ZoneOffset.UTC);

    @FuzzTest
    void messages(FuzzedDataProvider data) throws IOException {
        int[] chunks = {data.consumeInt(1, 64), data.consumeInt(1, 3), data.consumeInt(1, 9000)};
        long max = data.consumeLong(0, 4096);
        byte[] wire = data.consumeRemainingAsBytes();

        DeviceInputStream device = new DeviceInputStream(new ChunkedInput(wire, chunks), null);
        InputStream session = new BufferedInputStream(device, 8192);
        Model expected = model(wire);
        try (MessageBuffer content = new MessageBuffer()) {
            device.content(true);
            boolean complete = DataVerb.read(session, content, max);
            device.content(false);
            assertThat(complete).isEqualTo(expected.complete());
            if (!complete) {
                return;
            }
            long size = expected.content().length;
            assertThat(content.declaredSize()).isEqualTo(size);
            assertThat(content.oversized()).isEqualTo(size > max);
            assertThat(content.size()).isLessThanOrEqualTo(max);
            if (size <= max) {
                assertThat(content.head()).isEqualTo(expected.content());
            }
            // Whatever followed the "." line is still there, for the command reader.
            assertThat(session.readAllBytes()).isEqualTo(expected.rest());
            afterDot(content);
        }
    }

    /** The checks and changes the relay makes to a complete message before the spool sees it. */
    private static void afterDot(MessageBuffer content) throws IOException {
        int length = content.headLength();
        MessagePreparer.Headers headers = MessagePreparer.headers(content.headBuffer(), length);
        if (headers.truncated(length)) {
            return;
        }
        OriginatorCheck.refusal(headers, LIMITED);
        for (Optional<String> rewrite : List.of(Optional.<String>empty(), Optional.of("relay@contoso.test"))) {
            MessagePreparer.Prepared p = PREPARER.prepare(headers, rewrite, NOW);
            assertThat(p.bodyOffset()).isBetween(0, length);
            byte[] header = p.header();
            assertThat(header).endsWith('\r', '\n', '\r', '\n');
            try (InputStream body = content.from(Math.min(p.bodyOffset(), length))) {
                body.readAllBytes();
            }
        }
    }

    private record Model(boolean complete, byte[] content, byte[] rest) {}

    /** Line ends made CRLF, dot-stuffing removed, up to the first "." line. */
    private static Model model(byte[] wire) {
        ByteArrayOutputStream normal = new ByteArrayOutputStream();
        for (int i = 0; i < wire.length; i++) {
            if (wire[i] == '\r' || wire[i] == '\n') {
                if (wire[i] == '\r' && i + 1 < wire.length && wire[i + 1] == '\n') {
                    i++;
                }
                normal.write('\r');
                normal.write('\n');
            } else {
                normal.write(wire[i]);
            }
        }
        byte[] n = normal.toByteArray();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        int lineStart = 0;
        for (int i = 0; i + 1 < n.length; i++) {
            if (n[i] == '\r' && n[i + 1] == '\n') {
                int length = i - lineStart;
                if (length == 1 && n[lineStart] == '.') {
                    byte[] rest = Arrays.copyOfRange(n, i + 2, n.length);
                    for (int j = 0; j < rest.length; j++) {
                        if ((rest[j] & 0xFF) > 0x7F) {
                            rest[j] = '?'; // read back in command mode
                        }
                    }
                    return new Model(true, content.toByteArray(), rest);
                }
                int skip = length > 0 && n[lineStart] == '.' ? 1 : 0;
                content.write(n, lineStart + skip, i + 2 - lineStart - skip);
                lineStart = i + 2;
                i++;
            }
        }
        return new Model(false, content.toByteArray(), new byte[0]);
    }
}
