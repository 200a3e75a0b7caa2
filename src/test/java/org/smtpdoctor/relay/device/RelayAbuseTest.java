package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.AuthLimits;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.testing.SettableClock;

/**
 * Abuse of the relay's own surfaces: password guessing (slowed down, then locked out per address,
 * at no CPU cost once locked), password checks as a way to burn the CPU (bounded), connection
 * floods (per-address limits hold), slowloris clients (a deadline per command line and for a
 * message's content, and for a TLS handshake; one address holds at most its share), and oversized
 * commands and messages (their codes, nothing buffered past the limit). Clients that are not the
 * relay's devices connect from 127.0.0.2 and up (still loopback).
 */
class RelayAbuseTest {

    private final RecordingSink sink = new RecordingSink();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-28T10:00:00Z"));

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static ListenerConfig listener(ListenerMode mode, long maxMessage, int perIp, Duration idle, boolean plaintextAuth) {
        return new ListenerConfig("127.0.0.1", 0, mode, ListenerConfig.DEFAULT_TLS_VERSIONS, new CertificateSource.SelfSigned(),
                maxMessage, 200, perIp, idle, plaintextAuth);
    }

    private static RelayConfig config(ListenerConfig listener, AuthLimits auth) {
        DeviceRule lan = DeviceRule.network(Cidr.parse("127.0.0.1/32"));
        DeviceRule nas = new DeviceRule("nas", List.of(), Optional.of("nas01"), Optional.of(TestRelay.HASH), List.of(), Optional.empty());
        return TestRelay.config(List.of(listener), List.of(lan, nas), List.of()).withAuth(auth);
    }

    private static DeviceClient greeted(String from, RelayServer relay) throws IOException {
        DeviceClient c = new DeviceClient(from, relay.ports().get(0));
        assertThat(c.reply()).startsWith("220 ");
        return c;
    }

    // --- password guessing ---

    @Test
    void failed_logins_from_one_address_slow_down_then_lock_it_out_even_for_the_right_password_and_not_other_addresses()
            throws Exception {
        AuthLimits limits = new AuthLimits(2, Duration.ofSeconds(1), 4, Duration.ofMinutes(15), 2);
        String wrong = "AUTH PLAIN " + b64("\0nas01\0guess");
        String right = "AUTH PLAIN " + b64("\0nas01\0" + TestRelay.PASSWORD);
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 10, Duration.ofSeconds(10), true),
                        limits), sink, RelayObserver.NONE, clock, PasswordChecks.WAIT)) {
            try (DeviceClient c = greeted("127.0.0.2", relay)) {
                assertThat(c.send(wrong)).startsWith("535 5.7.8");
                assertThat(c.send(wrong)).startsWith("535 5.7.8");
            }
            try (DeviceClient c = greeted("127.0.0.2", relay)) {
                long t0 = System.nanoTime();
                assertThat(c.send(wrong)).startsWith("535 5.7.8");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the third failure's answer waits").isGreaterThan(Duration.ofMillis(900));
                assertThat(c.send(wrong)).as("the fourth locks the address out").startsWith("421 4.7.0 Too many failed authentications from your address");
                assertThat(c.reply()).isNull();
            }
            assertThat(logs.events("auth.failed")).hasSize(4);
            assertThat(logs.events("auth.failed").get(2)).contains("delay=1000ms", "address_failures=3");
            assertThat(logs.events("auth.failed").get(3)).contains("locked_until=2026-11-28T10:15:00Z");
            try (DeviceClient c = greeted("127.0.0.2", relay)) {
                assertThat(c.send(right)).as("locked out: not even the right password is checked")
                        .startsWith("421 4.7.0 Too many failed authentications from your address");
                assertThat(c.reply()).isNull();
            }
            assertThat(logs.events("auth.locked-out")).singleElement().asString().contains("client=127.0.0.2", "until=2026-11-28T10:15:00Z");
            try (DeviceClient c = greeted("127.0.0.3", relay)) {
                assertThat(c.send(right)).as("another address").startsWith("235 ");
            }
            clock.advance(Duration.ofMinutes(15));
            try (DeviceClient c = greeted("127.0.0.2", relay)) {
                assertThat(c.send(right)).as("the lockout is over").startsWith("235 ");
            }
            assertThat(relay.authThrottle().lockedOut(java.net.InetAddress.getByName("127.0.0.2"))).isEmpty();
            assertThat(String.join("\n", logs.lines())).doesNotContain(TestRelay.PASSWORD, b64("\0nas01\0guess"));
        }
    }

    @Test
    void password_checks_run_at_most_n_at_once_and_one_that_cannot_get_a_turn_is_told_to_try_later() throws Exception {
        AuthLimits one = new AuthLimits(100, Duration.ZERO, 100, Duration.ofMinutes(1), 1);
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 10, Duration.ofSeconds(10), true), one),
                        sink, RelayObserver.NONE, clock, Duration.ofMillis(50))) {
            int clients = 8;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<DeviceClient> connected = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    connected.add(greeted("127.0.0." + (10 + i), relay));
                }
                List<Future<String>> answers = new ArrayList<>();
                for (DeviceClient c : connected) {
                    answers.add(pool.submit(() -> c.send("AUTH PLAIN " + b64("\0nas01\0guess-" + c.hashCode()))));
                }
                List<String> replies = new ArrayList<>();
                for (Future<String> f : answers) {
                    replies.add(f.get());
                }
                for (DeviceClient c : connected) {
                    c.close();
                }
                assertThat(replies).allMatch(r -> r.startsWith("535 5.7.8") || r.startsWith("454 4.7.0 Temporary authentication failure"));
                assertThat(replies).as("PBKDF2 takes longer than the 50 ms a check may wait here").anyMatch(r -> r.startsWith("454 4.7.0"));
                assertThat(relay.passwordChecks().mostAtOnce()).as("checks at once").isEqualTo(1);
                assertThat(logs.events("auth.refused")).anyMatch(l -> l.contains("too many password checks at once"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // --- floods ---

    @Test
    void a_connection_flood_from_one_address_gets_its_share_and_devices_still_send() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 3, Duration.ofSeconds(10), false),
                        AuthLimits.DEFAULTS), sink)) {
            int port = relay.ports().get(0);
            List<Socket> flood = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<String>> banners = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    banners.add(pool.submit(() -> {
                        Socket s = new Socket();
                        s.bind(new InetSocketAddress("127.0.0.2", 0));
                        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                        s.setSoTimeout(10_000);
                        synchronized (flood) {
                            flood.add(s);
                        }
                        return firstLine(s.getInputStream());
                    }));
                }
                List<String> got = new ArrayList<>();
                for (Future<String> b : banners) {
                    got.add(b.get());
                }
                assertThat(got.stream().filter(l -> l.startsWith("220 "))).as("held at once from one address").hasSize(3);
                assertThat(got.stream().filter(l -> l.equals("421 4.7.0 Too many connections from your address, try again later")))
                        .hasSize(117);
                aDeviceSendsAMessage(port);
            } finally {
                pool.shutdownNow();
                for (Socket s : flood) {
                    s.close();
                }
            }
            assertThat(sink.accepted()).hasSize(1);
            assertThat(logs.events("connection.refused")).hasSize(117);
        }
    }

    @Test
    void on_a_tls_listener_connections_over_the_share_are_closed_before_the_handshake_costs_anything() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.TLS, 1 << 20, 2, Duration.ofSeconds(10), false),
                        AuthLimits.DEFAULTS), sink)) {
            int port = relay.ports().get(0);
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket s = TestRelay.tlsClient("127.0.0.2", port);
                    held.add(s);
                    assertThat(firstLine(s.getInputStream())).startsWith("220 ");
                }
                for (int i = 0; i < 10; i++) {
                    Socket raw = new Socket();
                    raw.bind(new InetSocketAddress("127.0.0.2", 0));
                    raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    raw.setSoTimeout(5000);
                    held.add(raw);
                    assertThat(raw.getInputStream().read()).as("closed, nothing said").isEqualTo(-1);
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            assertThat(logs.events("tls.started")).hasSize(2);
            assertThat(logs.events("connection.refused")).hasSize(10).allMatch(l -> l.contains("action=\"closed before the TLS handshake\""));
        }
    }

    // --- slowloris ---

    @Test
    void a_command_line_sent_a_byte_at_a_time_is_cut_at_the_deadline_though_no_read_ever_idles() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 10, Duration.ofSeconds(2), false),
                        AuthLimits.DEFAULTS), sink)) {
            // Before the connection: the relay's deadline for the first line starts at the banner, and a stall between
            // reading the banner and taking the time here would make the cut look early.
            long t0 = System.nanoTime();
            try (Socket s = TestRelay.client("127.0.0.2", relay.ports().get(0))) {
                InputStream in = s.getInputStream();
                assertThat(firstLine(in)).startsWith("220 ");
                String answer = trickle(s, "EHLO a-very-slow-client.example\r\n", 300);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(answer).isEqualTo("421 Timeout waiting for data from client.");
                assertThat(took).as("cut at the 2 s deadline, not after the 10 s the line takes").isBetween(Duration.ofMillis(1500),
                        Duration.ofSeconds(8));
            }
            assertThat(logs.events("connection.too-slow")).singleElement().asString()
                    .contains("client=127.0.0.2", "a command line did not arrive whole within 2 s");
        }
    }

    @Test
    void a_message_sent_a_byte_at_a_time_is_cut_and_not_stored() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 10, Duration.ofSeconds(5), false),
                        AuthLimits.DEFAULTS), sink)) {
            // Idle 5 s: the device's commands before DATA come at a loaded machine's pace. The content, a byte every
            // 250 ms, would take 55 s; the relay cuts it at 5 s plus 1 s per 500 bytes received.
            try (Socket s = TestRelay.client("127.0.0.1", relay.ports().get(0))) {
                DeviceClient c = new DeviceClient(s);
                assertThat(c.reply()).startsWith("220 ");
                assertThat(c.send("MAIL FROM:<scanner@contoso.com>")).startsWith("250 ");
                assertThat(c.send("RCPT TO:<boss@contoso.com>")).startsWith("250 ");
                assertThat(c.send("DATA")).startsWith("354 ");
                long t0 = System.nanoTime();
                String answer = trickle(s, "Subject: slow\r\n\r\n" + "x".repeat(200) + "\r\n.\r\n", 250);
                assertThat(answer).isEqualTo("421 Timeout waiting for data from client.");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !logs.events("message.incomplete").isEmpty());
            assertThat(logs.events("message.incomplete")).singleElement().asString().contains("did not arrive within 5 s plus 1 s per 500 bytes");
            assertThat(sink.accepted()).isEmpty();
        }
    }

    @Test
    void slow_clients_from_one_address_hold_at_most_its_share_and_devices_are_served_meanwhile() throws Exception {
        try (RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 3, Duration.ofSeconds(30), false),
                AuthLimits.DEFAULTS), sink)) {
            int port = relay.ports().get(0);
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = TestRelay.client("127.0.0.2", port);
                    slow.add(s);
                    assertThat(firstLine(s.getInputStream())).startsWith("220 ");
                    s.getOutputStream().write('E'); // a command begun, never finished
                }
                Socket fourth = TestRelay.client("127.0.0.2", port);
                slow.add(fourth);
                assertThat(firstLine(fourth.getInputStream())).startsWith("421 4.7.0 Too many connections from your address");
                aDeviceSendsAMessage(port);
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void a_tls_handshake_fed_a_byte_at_a_time_is_cut_after_the_idle_timeout() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.TLS, 1 << 20, 10, Duration.ofSeconds(2), false),
                        AuthLimits.DEFAULTS), sink)) {
            long t0 = System.nanoTime(); // before the connection: the relay's deadline starts when it accepts
            try (Socket s = TestRelay.client("127.0.0.2", relay.ports().get(0))) {
                // The start of a TLS 1.2 ClientHello record, then one byte every 300 ms: no read ever waits 2 s.
                byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
                boolean cut = false;
                try {
                    for (int i = 0; i < 40 && !cut; i++) {
                        s.getOutputStream().write(hello[i % hello.length]);
                        s.getOutputStream().flush();
                        Thread.sleep(300);
                        cut = s.getInputStream().available() > 0 || isClosed(s);
                    }
                } catch (SocketException e) {
                    cut = true; // reset: the relay closed it
                }
                assertThat(cut).as("closed by the relay").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(9));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !logs.events("tls.failed").isEmpty());
            assertThat(logs.events("tls.failed")).singleElement().asString().contains("the handshake did not finish within the idle timeout");
        }
    }

    // --- oversized ---

    @Test
    void an_overlong_command_line_is_refused_without_being_buffered_and_the_connection_closed() throws Exception {
        try (RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 10, Duration.ofSeconds(10), false),
                AuthLimits.DEFAULTS), sink);
                DeviceClient c = greeted("127.0.0.2", relay)) {
            c.raw("NOOP " + "x".repeat(5000));
            assertThat(c.reply()).startsWith("501 ").containsIgnoringCase("line");
            assertThat(c.reply()).isNull();
        }
    }

    @Test
    void an_oversized_message_gets_552_at_mail_when_declared_and_after_the_dot_when_not_and_is_not_kept() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 64 * 1024, 10, Duration.ofSeconds(10), false),
                        AuthLimits.DEFAULTS), sink);
                DeviceClient c = greeted("127.0.0.1", relay)) {
            assertThat(c.send("MAIL FROM:<scanner@contoso.com> SIZE=200000")).startsWith("552 5.3.4");
            assertThat(c.send("MAIL FROM:<scanner@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<boss@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            String line = "y".repeat(998) + "\r\n";
            c.raw("Subject: big\r\n\r\n");
            for (int i = 0; i < 400; i++) { // 400 KB, six times the limit
                c.raw(line);
            }
            assertThat(c.send(".")).startsWith("552 5.3.4 Message size exceeds fixed maximum message size");
            assertThat(c.send("NOOP")).as("the session goes on").startsWith("250 ");
            assertThat(logs.events("message.refused")).hasSize(2).anyMatch(l -> l.contains("reason=\"too big\"") && l.contains("size=4"));
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void a_header_section_larger_than_the_relay_reads_is_refused() throws Exception {
        try (RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 4 << 20, 10, Duration.ofSeconds(10), false),
                AuthLimits.DEFAULTS), sink);
                DeviceClient c = greeted("127.0.0.1", relay)) {
            c.send("MAIL FROM:<scanner@contoso.com>");
            c.send("RCPT TO:<boss@contoso.com>");
            assertThat(c.send("DATA")).startsWith("354 ");
            c.raw("X-Folded: start\r\n");
            for (int i = 0; i < 100_000; i++) { // 300 KB of one header's continuation lines
                c.raw(" y\r\n");
            }
            assertThat(c.send("\r\nbody\r\n.")).startsWith("552 5.3.4 Message header size exceeds limit");
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void a_client_that_keeps_getting_errors_is_disconnected_after_twenty() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(config(listener(ListenerMode.PLAIN, 1 << 20, 10, Duration.ofSeconds(10), false),
                        AuthLimits.DEFAULTS), sink);
                DeviceClient c = greeted("127.0.0.2", relay)) {
            c.send("MAIL FROM:<spam@evil.example>");
            for (int i = 1; i <= RelayVerb.MAX_ERRORS; i++) {
                assertThat(c.send("RCPT TO:<victim" + i + "@example.org>")).startsWith("530 5.7.0");
            }
            assertThat(c.send("RCPT TO:<victim21@example.org>")).startsWith("530 5.7.0");
            assertThat(c.reply()).isEqualTo("421 4.7.0 Too many errors, closing connection");
            assertThat(c.reply()).isNull();
            assertThat(logs.events("connection.dropped")).singleElement().asString().contains("client=127.0.0.2");
        }
    }

    // --- helpers ---

    /** The allowed device (127.0.0.1) sends a message and gets its 250. */
    private static void aDeviceSendsAMessage(int port) throws IOException {
        try (DeviceClient device = new DeviceClient(port)) {
            assertThat(device.reply()).startsWith("220 ");
            device.send("MAIL FROM:<scanner@contoso.com>");
            device.send("RCPT TO:<boss@contoso.com>");
            device.send("DATA");
            assertThat(device.send("Subject: served\r\n\r\nscan\r\n.")).startsWith("250 2.0.0 OK queued as ");
        }
    }

    /** Writes {@code text} a byte every {@code everyMillis}, and returns the first reply line that arrives meanwhile. */
    private static String trickle(Socket s, String text, long everyMillis) throws Exception {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            try {
                out.write(b);
                out.flush();
            } catch (SocketException e) {
                break; // the relay closed it; its reply is in the receive buffer
            }
            Thread.sleep(everyMillis);
            if (in.available() > 0) {
                break;
            }
        }
        return firstLine(in);
    }

    private static boolean isClosed(Socket s) throws IOException {
        s.setSoTimeout(1);
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } finally {
            s.setSoTimeout(15_000);
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return c < 0 && b.length() == 0 ? null : b.toString();
    }
}
