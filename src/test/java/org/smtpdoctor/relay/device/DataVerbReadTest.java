package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** DATA's reader with lines longer than its buffers ({@link DataVerb#LINE_BUFFER}): passed in pieces, unchanged. */
class DataVerbReadTest {

    @Test
    void linesLongerThanTheBuffersArriveWholeAndOnlyALineStartIsUnstuffed() throws Exception {
        String longLine = "A".repeat(3 * DataVerb.LINE_BUFFER + 7);
        String dotted = "..x" + ".".repeat(2 * DataVerb.LINE_BUFFER) + "\r\n"; // stuffed at its start only
        String body = "Subject: t\r\n\r\n" + longLine + "\r\n" + dotted + "." + "B".repeat(DataVerb.LINE_BUFFER) + "\r\nend\r\n";
        String wire = body + ".\r\nQUIT\r\n";
        DeviceInputStream device = new DeviceInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)), null);
        InputStream session = new BufferedInputStream(device, 512);
        try (MessageBuffer content = new MessageBuffer()) {
            device.content(true);
            assertThat(DataVerb.read(session, content, 1 << 20)).isTrue();
            String expected = "Subject: t\r\n\r\n" + longLine + "\r\n" + dotted.substring(1) + "B".repeat(DataVerb.LINE_BUFFER) + "\r\nend\r\n";
            assertThat(new String(content.head(), StandardCharsets.US_ASCII)).isEqualTo(expected);
        }
    }
}
