package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.testing.ChunkedInput;

/**
 * Message content read in blocks from {@link DeviceInputStream} (DataVerb's reads) gives exactly
 * the bytes that reading it one byte at a time gives, and never more than one line per read.
 */
class DeviceInputStreamContentTest {

    @Test
    void content_read_in_blocks_is_the_same_as_byte_by_byte_and_one_line_at_most_per_read() throws IOException {
        Random random = new Random(13);
        byte[] alphabet = "ab.\r\n\u00e9".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 500; round++) {
            byte[] wire = new byte[random.nextInt(round < 400 ? 300 : 30_000)];
            for (int i = 0; i < wire.length; i++) {
                wire[i] = alphabet[random.nextInt(alphabet.length)];
            }
            int[] chunks = {1 + random.nextInt(9000), 1 + random.nextInt(3), 1 + random.nextInt(64)};

            DeviceInputStream single = new DeviceInputStream(new ChunkedInput(wire, chunks), null);
            single.content(true);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int c; (c = single.read()) >= 0; ) {
                expected.write(c);
            }

            DeviceInputStream blocks = new DeviceInputStream(new ChunkedInput(wire, chunks), null);
            blocks.content(true);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 + random.nextInt(9000)];
            for (int n; (n = blocks.read(buffer, 0, buffer.length)) >= 0; ) {
                for (int i = 0; i < n - 1; i++) {
                    assertThat(buffer[i]).as("round %d: a line end inside a read", round).isNotEqualTo((byte) '\n');
                }
                got.write(buffer, 0, n);
            }
            assertThat(got.toByteArray()).as("round %d", round).isEqualTo(expected.toByteArray());
        }
    }
}
