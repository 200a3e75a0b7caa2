package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.testing.DeviceClient;

/**
 * Stopping the listeners (RFC 5321 §3.8): {@code 421 4.3.2} to sessions waiting for their device
 * (between commands, or in the middle of DATA) before they are closed; a session whose final "."
 * arrived is stored and answered 250 first; the log names the shutdown as the reason.
 */
class RelayShutdownTest {

    private final RecordingSink sink = new RecordingSink();

    private static DeviceClient connect(RelayServer relay) throws Exception {
        DeviceClient c = new DeviceClient(relay.ports().get(0));
        assertThat(c.reply()).startsWith("220 ");
        assertThat(c.send("EHLO mfp")).startsWith("250");
        return c;
    }

    @Test
    void idleAndMidDataSessionsGet421AndTheHalfMessageIsNotStored() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink);
            try (DeviceClient idle = connect(relay); DeviceClient data = connect(relay)) {
                assertThat(data.send("MAIL FROM:<a@contoso.com>")).startsWith("250");
                assertThat(data.send("RCPT TO:<b@contoso.com>")).startsWith("250");
                assertThat(data.send("DATA")).startsWith("354");
                data.raw("Subject: half\r\n\r\nthe first half of a scan\r\n");
                long t0 = System.nanoTime();
                relay.close(Duration.ofSeconds(10));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no session at work: no grace to wait for").isLessThan(Duration.ofSeconds(5));
                assertThat(idle.reply()).isEqualTo("421 4.3.2 Service shutting down, try again later");
                assertThat(idle.reply()).as("then closed").isNull();
                assertThat(data.reply()).isEqualTo("421 4.3.2 Service shutting down, try again later");
                assertThat(data.reply()).isNull();
            }
            assertThat(sink.accepted()).isEmpty();
            assertThat(logs.events("connection.shutdown")).hasSize(2).allMatch(l -> l.contains("reason=\"the relay is stopping\""));
            assertThat(logs.events("connection.shutdown")).anyMatch(l -> l.contains("phase=data")).anyMatch(l -> l.contains("phase=waiting"));
            assertThat(logs.events("message.incomplete")).singleElement().asString()
                    .contains("reason=\"the relay is shutting down: 421 4.3.2 before the final '.'\"").doesNotContain("broken");
            assertThat(logs.events("connection.closed")).hasSize(2).allMatch(l -> l.contains("reason=\"the relay is stopping\""));
        }
    }

    @Test
    void aMessageWhoseFinalDotArrivedIsStoredAndAnswered250BeforeThe421AndNewConnectionsGet421Meanwhile() throws Exception {
        CountDownLatch disk = new CountDownLatch(1);
        sink.holdAcceptsUntil(disk);
        RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink);
        try (DeviceClient c = connect(relay)) {
            c.raw("MAIL FROM:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\nSubject: whole\r\n\r\nall of it\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("354");
            assertThat(sink.accepting.await(5, TimeUnit.SECONDS)).isTrue(); // the "." is in; the store is under way
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> relay.close(Duration.ofSeconds(10)));
            // Once the shutdown has begun, a new connection is told so at once...
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (DeviceClient late = new DeviceClient(relay.ports().get(0))) {
                    return "421 4.3.2 Service shutting down, try again later".equals(late.reply());
                }
            });
            // ...while the shutdown waits for the message being stored.
            assertThat(stopping).isNotDone();
            disk.countDown();
            assertThat(c.reply()).startsWith("250 2.0.0 OK queued as ");
            assertThat(c.reply()).isEqualTo("421 4.3.2 Service shutting down, try again later");
            assertThat(c.reply()).isNull();
            stopping.get(10, TimeUnit.SECONDS);
        }
        assertThat(sink.only().text()).startsWith("Subject: whole");
    }

    @Test
    void a_shutdown_while_a_command_works_is_answered_by_the_session_as_soon_as_it_waits_for_the_device() throws Exception {
        DeviceSession session = new DeviceSession("s1", java.net.InetAddress.getLoopbackAddress(), java.util.Optional.empty(),
                new java.net.Socket(), null);
        assertThat(session.beginCommand()).isTrue(); // DATA: working until the 354 is out
        assertThat(session.shutdown()).as("the session's own thread answers 421, not the shutdown").isFalse();
        assertThat(session.awaiting(DeviceSession.Phase.DATA)).as("now waiting for the device: 421 at once").isTrue();
        assertThat(session.toldShutdown()).isTrue();
        assertThat(session.endCommand()).as("told once only").isFalse();
    }
}
