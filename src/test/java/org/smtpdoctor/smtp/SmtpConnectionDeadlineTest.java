package org.smtpdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.testing.FakeSmtpServer;

/**
 * A read that the overall deadline cuts short: its timeout is the deadline's. The read timeout is
 * clipped to the time left in whole milliseconds, so the clipped read ends up to a millisecond
 * before the deadline itself; it must still be named for the deadline (DeliverSlowUpstreamTest
 * saw "read timeout ... after 2000 ms" at 6.1 s of a 6 s deadline).
 */
class SmtpConnectionDeadlineTest {

    @Test
    void a_read_cut_short_by_the_overall_deadline_is_an_overall_timeout_not_a_read_timeout() throws Exception {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(200));
        try (FakeSmtpServer silent = new FakeSmtpServer(new FakeSmtpServer.Stall(), FakeSmtpServer.plainServer())) {
            // Several connections: each ends within a millisecond of its deadline, on one side or the other.
            for (int i = 0; i < 10; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", silent.port()), 5000);
                try (SmtpConnection connection = new SmtpConnection(socket, timeouts, Transcript.discarding(new Redactor()))) {
                    TransportException e = catchThrowableOfType(TransportException.class, connection::readReply);
                    assertThat(e).as("connection %d", i).isNotNull();
                    assertThat(e.kind()).as("connection %d: %s", i, e.getMessage()).isEqualTo(TransportException.Kind.OVERALL_TIMEOUT);
                }
            }
        }
    }

    @Test
    void a_silence_shorter_than_the_deadline_is_a_read_timeout() throws Exception {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(10));
        try (FakeSmtpServer silent = new FakeSmtpServer(new FakeSmtpServer.Stall(), FakeSmtpServer.plainServer())) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", silent.port()), 5000);
            try (SmtpConnection connection = new SmtpConnection(socket, timeouts, Transcript.discarding(new Redactor()))) {
                TransportException e = catchThrowableOfType(TransportException.class, connection::readReply);
                assertThat(e.kind()).as(e.getMessage()).isEqualTo(TransportException.Kind.READ_TIMEOUT);
                assertThat(e.getMessage()).contains("after 200 ms");
            }
        }
    }
}
