package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A command line's deadline at its edge: what has arrived is read even when the deadline has
 * passed since (the {@link DeviceFrontEnd} reads a device's first bytes, and the session's thread
 * may get them late); only a line still missing bytes when the deadline passes is too slow.
 */
class DeviceInputStreamDeadlineTest {

    private static final Duration LINE = Duration.ofSeconds(1);
    private static final Duration IDLE = Duration.ofSeconds(300);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> expired = new ArrayList<>();

    private DeviceInputStream stream(InputStream in) {
        return new DeviceInputStream(in, null,
                new DeviceInputStream.Deadlines(new Socket(), LINE, IDLE, 0, now::get, expired::add));
    }

    @Test
    void aFirstLineReadByTheFrontEndInTimeIsServedThoughItsDeadlinePassedBeforeTheSessionReadIt() throws Exception {
        DeviceInputStream in = stream(new ByteArrayInputStream("EHLO printer\r\n".getBytes(StandardCharsets.US_ASCII)));
        in.waitingSince(now.get());
        now.addAndGet(LINE.toNanos() + 5_000_000); // the session's thread came 5 ms after the deadline
        byte[] line = new byte[64];
        int n = in.read(line, 0, line.length);
        assertThat(new String(line, 0, n, StandardCharsets.US_ASCII)).isEqualTo("EHLO printer\r\n");
        assertThat(expired).isEmpty();
    }

    @Test
    void aFirstLineOfWhichNothingHasArrivedByItsDeadlineIsTooSlow() {
        InputStream silent = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("nothing has arrived: the deadline decides before a read would wait");
            }

            @Override
            public int available() {
                return 0;
            }
        };
        DeviceInputStream in = stream(silent);
        in.waitingSince(now.get());
        now.addAndGet(LINE.toNanos() + 5_000_000);
        assertThatThrownBy(() -> in.read(new byte[64], 0, 64)).isInstanceOf(DeviceInputStream.TooSlow.class);
        assertThat(expired).containsExactly("a command line did not arrive whole within 1 s");
    }
}
