package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.testing.DeviceClient;

/**
 * The front end of plain and STARTTLS listeners ({@link DeviceFrontEnd}): a connection whose
 * device has not spoken holds no session thread, and the device hears what it heard when every
 * connection had a session from the start: SubEthaSMTP's banner once, the limits' 421 before any
 * banner, SubEthaSMTP's idle-timeout 421, the shutdown's 421.
 */
class DeviceFrontEndTest {

    private static final String BANNER = "220 relay.test ESMTP smtp-doctor relay\r\n";

    private final RecordingSink sink = new RecordingSink();
    /** Connections the observer (console, metrics) was told of: opened minus closed. */
    private final AtomicInteger open = new AtomicInteger();
    private final RelayObserver counting = new RelayObserver() {
        @Override
        public void connectionOpened(Peer peer, Optional<String> device) {
            open.incrementAndGet();
        }

        @Override
        public void connectionClosed(Peer peer, Optional<Tls> tls) {
            open.decrementAndGet();
        }
    };

    private static ListenerConfig listener(ListenerMode mode, int total, int perIp, Duration idle) {
        return new ListenerConfig("127.0.0.1", 0, mode, ListenerConfig.DEFAULT_TLS_VERSIONS, new CertificateSource.SelfSigned(),
                1024 * 1024, total, perIp, idle, false);
    }

    private RelayServer start(ListenerConfig... listeners) throws Exception {
        RelayConfig config = TestRelay.config(List.of(listeners), List.of(TestRelay.loopback()), List.of());
        return RelayServer.start(config, sink, counting, Clock.systemUTC(), PasswordChecks.WAIT, SessionThreads.Kind.PLATFORM);
    }

    /** Live session threads serving {@code devices}: SubEthaSMTP names a session's thread after its client while it runs. */
    private static long sessionThreads(List<Socket> devices) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Socket s : devices) {
            names.add(org.subethamail.smtp.server.Session.class.getName() + "-" + s.getLocalAddress() + ":" + s.getLocalPort());
        }
        return Thread.getAllStackTraces().keySet().stream().filter(t -> names.contains(t.getName())).count();
    }

    /** Reads up to and including the next CRLF, byte for byte; what there was at end of stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void connections_whose_device_has_not_spoken_hold_no_session_thread_and_get_one_when_it_speaks() throws Exception {
        int n = 200;
        List<Socket> devices = new ArrayList<>();
        try (RelayServer relay = start(listener(ListenerMode.PLAIN, n + 10, n + 10, Duration.ofSeconds(60)))) {
            int port = relay.ports().get(0);
            for (int i = 0; i < n; i++) {
                Socket s = TestRelay.client("127.0.0.1", port);
                devices.add(s);
            }
            for (Socket s : devices) {
                assertThat(line(s.getInputStream())).isEqualTo(BANNER);
            }
            long waiting = sessionThreads(devices);
            for (Socket s : devices) {
                s.getOutputStream().write("EHLO printer\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            for (Socket s : devices) {
                assertThat(line(s.getInputStream())).startsWith("250-relay.test");
            }
            long speaking = sessionThreads(devices);
            assertThat(waiting).as("session threads for %d connections waiting for their device", n).isZero();
            assertThat(speaking).as("session threads once each device has said EHLO").isEqualTo(n);
            assertThat(open.get()).isEqualTo(n);
        } finally {
            for (Socket s : devices) {
                s.close();
            }
        }
    }

    @Test
    void the_banner_is_subethasmtp_s_byte_for_byte_and_said_once() throws Exception {
        try (RelayServer relay = start(listener(ListenerMode.PLAIN, 10, 10, Duration.ofSeconds(30)),
                listener(ListenerMode.TLS, 10, 10, Duration.ofSeconds(30)))) {
            // An implicit-TLS listener's sessions still say their banner themselves: SubEthaSMTP's own words.
            String own;
            try (Socket tls = TestRelay.tlsClient("127.0.0.1", relay.ports().get(1))) {
                own = line(tls.getInputStream());
            }
            assertThat(own).isEqualTo(BANNER);
            try (Socket s = TestRelay.client("127.0.0.1", relay.ports().get(0))) {
                InputStream in = s.getInputStream();
                assertThat(line(in)).isEqualTo(own);
                s.getOutputStream().write("NOOP\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                // The session's own banner was dropped: the next bytes are the replies, and nothing else.
                assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("250 2.0.0 OK\r\n221 2.0.0 Bye\r\n");
            }
        }
    }

    @Test
    void a_device_that_speaks_before_the_banner_is_served_and_hears_the_banner_once() throws Exception {
        try (RelayServer relay = start(listener(ListenerMode.PLAIN, 10, 10, Duration.ofSeconds(30)));
                Socket s = TestRelay.client("127.0.0.1", relay.ports().get(0))) {
            s.getOutputStream().write("HELO early\r\nMAIL FROM:<scan@contoso.com>\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(BANNER + "250 relay.test Hello 127.0.0.1\r\n250 2.1.0 Sender OK\r\n221 2.0.0 Bye\r\n");
        }
    }

    @Test
    void the_limits_count_waiting_connections_and_refuse_before_any_banner() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = start(listener(ListenerMode.PLAIN, 3, 2, Duration.ofSeconds(30)))) {
            int port = relay.ports().get(0);
            try (Socket a = TestRelay.client("127.0.0.1", port); Socket b = TestRelay.client("127.0.0.1", port)) {
                assertThat(line(a.getInputStream())).isEqualTo(BANNER);
                assertThat(line(b.getInputStream())).isEqualTo(BANNER);
                try (Socket overIp = TestRelay.client("127.0.0.1", port)) {
                    assertThat(new String(overIp.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                            .isEqualTo("421 4.7.0 Too many connections from your address, try again later\r\n");
                }
                try (Socket third = TestRelay.client("127.0.0.2", port)) {
                    assertThat(line(third.getInputStream())).isEqualTo(BANNER);
                    try (Socket overTotal = TestRelay.client("127.0.0.3", port)) {
                        assertThat(new String(overTotal.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                                .isEqualTo("421 4.7.0 Too many connections, try again later\r\n");
                    }
                }
            }
            assertThat(logs.events("connection.refused")).hasSize(2)
                    .anyMatch(l -> l.contains("reason=\"Too many connections from your address, try again later\"")
                            && l.contains("from_client=3"))
                    .anyMatch(l -> l.contains("reason=\"Too many connections, try again later\"") && l.contains("connections=4"));
            assertThat(logs.events("connection.accepted")).hasSize(3);
        }
    }

    @Test
    void a_device_that_leaves_while_waiting_is_no_longer_counted() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = start(listener(ListenerMode.PLAIN, 5, 1, Duration.ofSeconds(30)))) {
            int port = relay.ports().get(0);
            try (Socket a = TestRelay.client("127.0.0.1", port)) {
                assertThat(line(a.getInputStream())).isEqualTo(BANNER);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.events("connection.closed").size() == 1);
            Socket reset = TestRelay.client("127.0.0.1", port); // the only place for 127.0.0.1 is free again
            assertThat(line(reset.getInputStream())).isEqualTo(BANNER);
            reset.setSoLinger(true, 0);
            reset.close(); // a reset, not a FIN
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.events("connection.closed").size() == 2);
            try (DeviceClient c = new DeviceClient(port)) {
                assertThat(c.reply()).isEqualTo("220 relay.test ESMTP smtp-doctor relay");
                assertThat(c.send("EHLO printer")).startsWith("250");
            }
            assertThat(logs.events("connection.refused")).isEmpty();
            assertThat(logs.events("connection.closed")).first().asString().doesNotContain("reason=");
        }
        assertThat(open.get()).as("the console's open connections").isZero();
    }

    @Test
    void a_device_silent_for_the_idle_timeout_hears_subethasmtp_s_421_and_is_closed() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = start(listener(ListenerMode.PLAIN, 5, 1, Duration.ofSeconds(1)));
                Socket s = TestRelay.client("127.0.0.1", relay.ports().get(0))) {
            assertThat(line(s.getInputStream())).isEqualTo(BANNER);
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("421 Timeout waiting for data from client.\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.events("connection.closed").size() == 1);
            try (DeviceClient next = new DeviceClient(relay.ports().get(0))) {
                assertThat(next.reply()).as("its place is free").startsWith("220 ");
            }
        }
    }

    @Test
    void the_first_command_line_s_deadline_counts_from_the_banner_not_from_the_first_byte() throws Exception {
        Duration idle = Duration.ofSeconds(4);
        try (RelayServer relay = start(listener(ListenerMode.PLAIN, 5, 5, idle));
                Socket s = TestRelay.client("127.0.0.1", relay.ports().get(0))) {
            assertThat(line(s.getInputStream())).isEqualTo(BANNER);
            long banner = System.nanoTime();
            Thread.sleep(3000); // the device's pace: one byte, late
            s.getOutputStream().write('E');
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("421 Timeout waiting for data from client.\r\n");
            // Cut 4 s after the banner; from the first byte, it would have been 3 s + 4 s.
            assertThat(Duration.ofNanos(System.nanoTime() - banner)).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void the_shutdown_answers_waiting_connections_421_at_once_and_closes_them() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            RelayServer relay = start(listener(ListenerMode.STARTTLS, 10, 10, Duration.ofSeconds(60)));
            int port = relay.ports().get(0);
            try (Socket a = TestRelay.client("127.0.0.1", port); Socket b = TestRelay.client("127.0.0.1", port);
                    DeviceClient session = new DeviceClient(port)) {
                assertThat(line(a.getInputStream())).isEqualTo(BANNER);
                assertThat(line(b.getInputStream())).isEqualTo(BANNER);
                assertThat(session.reply()).startsWith("220 ");
                assertThat(session.send("EHLO printer")).contains("STARTTLS");
                long t0 = System.nanoTime();
                relay.close(Duration.ofSeconds(10));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("nothing at work: no grace to wait for").isLessThan(Duration.ofSeconds(5));
                for (Socket s : List.of(a, b)) {
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                            .isEqualTo("421 4.3.2 Service shutting down, try again later\r\n");
                }
                assertThat(session.reply()).isEqualTo("421 4.3.2 Service shutting down, try again later");
                assertThat(session.reply()).isNull();
            }
            assertThat(logs.events("connection.shutdown")).hasSize(3).allMatch(l -> l.contains("phase=waiting"));
            assertThat(logs.events("connection.closed")).hasSize(3).allMatch(l -> l.contains("reason=\"the relay is stopping\""));
        }
        assertThat(open.get()).isZero();
    }

    @Test
    void the_session_drops_only_the_part_of_the_banner_already_said_and_passes_any_other_first_reply() throws Exception {
        byte[] banner = BANNER.getBytes(StandardCharsets.US_ASCII);
        assertThat(heard(new DeviceFrontEnd.Greeted("id", Optional.empty(), banner, 7, new byte[0], 0), "220 rel", "ay.test ESMTP smtp-doc",
                "tor relay\r\n", "250 2.0.0 OK\r\n")).as("7 bytes said by the front end").isEqualTo("ay.test ESMTP smtp-doctor relay\r\n250 2.0.0 OK\r\n");
        assertThat(heard(new DeviceFrontEnd.Greeted("id", Optional.empty(), banner, banner.length, new byte[0], 0), "220 relay.", "test ESMTP",
                " smtp-doctor relay\r\n", "250 2.0.0 OK\r\n")).as("all of it").isEqualTo("250 2.0.0 OK\r\n");
        assertThat(heard(new DeviceFrontEnd.Greeted("id", Optional.empty(), banner, banner.length, new byte[0], 0),
                "42", "1 4.3.2 Service shutting down, try again later\r\n")).isEqualTo("421 4.3.2 Service shutting down, try again later\r\n");
        assertThat(heard(new DeviceFrontEnd.Greeted("id", Optional.empty(), banner, banner.length, new byte[0], 0),
                "220 relay.other ESMTP\r\n")).as("a banner that is not the one said").isEqualTo("220 relay.other ESMTP\r\n");
    }

    /** What a device hears when a session writes {@code writes} to a connection the front end handled as {@code greeted}. */
    private static String heard(DeviceFrontEnd.Greeted greeted, String... writes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Socket device = new Socket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            device.setSoTimeout(5000);
            DeviceSocket session = new DeviceSocket(accepted, accepted, null, null, greeted, null, e -> { });
            for (String w : writes) {
                session.getOutputStream().write(w.getBytes(StandardCharsets.US_ASCII));
                session.getOutputStream().flush();
            }
            session.close();
            return new String(device.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
