package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.MessageSink;
import org.smtpdoctor.testing.DeviceClient;

/**
 * Idle device connections (issue 13, item 3): a printer may connect and say nothing for the whole
 * idle timeout, and hundreds may. The relay must hold them and still serve the next device, on
 * every kind of session thread this JVM has ({@link SessionThreads}); a connection whose device has
 * not spoken costs no thread of either kind ({@link DeviceFrontEnd}). The memory figures are bench/idle-connections.sh's, not a
 * test's. Run on Java 17 (platform threads only) and on 21+ (both kinds).
 */
class IdleConnectionsTest {

    private static final int IDLE = 300;

    private final RecordingSink sink = new RecordingSink();
    /** The thread that stored each message, by subject. */
    private final Map<String, Thread> storedOn = new ConcurrentHashMap<>();
    private final MessageSink recordingThreads = new MessageSink() {
        @Override
        public String accept(Envelope envelope, InputStream content) throws IOException {
            byte[] bytes = content.readAllBytes();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int subject = text.indexOf("Subject: ");
            storedOn.put(text.substring(subject + 9, text.indexOf('\r', subject)), Thread.currentThread());
            return sink.accept(envelope, new java.io.ByteArrayInputStream(bytes));
        }
    };

    static Stream<SessionThreads.Kind> kinds() {
        return SessionThreads.virtualAvailable() ? Stream.of(SessionThreads.Kind.PLATFORM, SessionThreads.Kind.VIRTUAL)
                : Stream.of(SessionThreads.Kind.PLATFORM);
    }

    private static RelayConfig config(ListenerMode mode, int connections) {
        ListenerConfig listener = new ListenerConfig("127.0.0.1", 0, mode, ListenerConfig.DEFAULT_TLS_VERSIONS,
                new CertificateSource.SelfSigned(), 1024 * 1024, connections, connections, Duration.ofSeconds(60), false);
        return TestRelay.config(List.of(listener), List.of(TestRelay.loopback()), List.of());
    }

    private RelayServer start(RelayConfig config, SessionThreads.Kind kind) throws Exception {
        return RelayServer.start(config, recordingThreads, RelayObserver.NONE, Clock.systemUTC(), PasswordChecks.WAIT, kind);
    }

    private static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount(); // live platform threads (virtual ones are not counted)
    }

    private static void send(DeviceClient c, String subject) throws IOException {
        assertThat(c.send("MAIL FROM:<scan@contoso.com>")).startsWith("250");
        assertThat(c.send("RCPT TO:<boss@contoso.com>")).startsWith("250");
        assertThat(c.send("DATA")).startsWith("354");
        assertThat(c.send("Subject: " + subject + "\r\n\r\nscanned page\r\n.")).startsWith("250");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void hundreds_of_idle_connections_are_held_and_one_more_device_is_still_served(SessionThreads.Kind kind) throws Exception {
        List<Socket> idle = new ArrayList<>();
        try (LogCapture logs = new LogCapture(); RelayServer relay = start(config(ListenerMode.PLAIN, IDLE + 10), kind)) {
            int port = relay.ports().get(0);
            int before = platformThreads();
            for (int i = 0; i < IDLE; i++) {
                Socket s = TestRelay.client("127.0.0.1", port);
                idle.add(s);
            }
            for (Socket s : idle) { // every one greeted (by the front end)
                byte[] banner = new byte[3];
                assertThat(s.getInputStream().readNBytes(banner, 0, 3)).isEqualTo(3);
                assertThat(new String(banner, StandardCharsets.US_ASCII)).isEqualTo("220");
            }
            int held = platformThreads() - before;

            try (DeviceClient c = new DeviceClient(port)) {
                assertThat(c.reply()).startsWith("220");
                assertThat(c.send("EHLO printer")).startsWith("250");
                send(c, "one more device");
                assertThat(c.send("QUIT")).startsWith("221");
            }
            assertThat(sink.only().text()).contains("scanned page");
            Thread session = storedOn.get("one more device");
            assertThat(SessionThreads.isVirtual(session)).isEqualTo(kind == SessionThreads.Kind.VIRTUAL);
            // On either kind: a connection whose device has not spoken waits in the front end, without a thread
            // (DeviceFrontEndTest counts the sessions' own). A platform thread per connection would be IDLE more;
            // JVM threads come and go (JIT, GC): a margin.
            assertThat(held).as("platform threads added by %d idle connections", IDLE).isLessThan(30);
            assertThat(logs.events("connection.refused")).isEmpty();
            assertThat(logs.events("listener.started")).singleElement().asString()
                    .contains("session_threads=" + kind.name().toLowerCase(java.util.Locale.ROOT));
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    private static RelayConfig limited(Duration idle) {
        ListenerConfig listener = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, ListenerConfig.DEFAULT_TLS_VERSIONS,
                new CertificateSource.SelfSigned(), 1024 * 1024, 3, 2, idle, false);
        return TestRelay.config(List.of(listener), List.of(TestRelay.loopback()), List.of());
    }

    /**
     * Idle 30 s: no connection may time out while the limits are tried (with the 2 s of the idle
     * test, a loaded machine's slow sequence freed a place before the last 421).
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void the_limits_still_answer_421(SessionThreads.Kind kind) throws Exception {
        try (RelayServer relay = start(limited(Duration.ofSeconds(30)), kind);
                DeviceClient a = new DeviceClient(relay.ports().get(0));
                DeviceClient b = new DeviceClient(relay.ports().get(0))) {
            assertThat(a.reply()).startsWith("220");
            assertThat(b.reply()).startsWith("220");
            // Opened only after both were greeted: sessions are admitted in their own threads, in any order, so a third
            // connection opened with the first two could take one of their places.
            try (DeviceClient overIp = new DeviceClient(relay.ports().get(0))) {
                assertThat(overIp.reply()).startsWith("421 4.7.0");
            }
            try (DeviceClient overTotal = new DeviceClient("127.0.0.2", relay.ports().get(0))) {
                assertThat(overTotal.reply()).startsWith("220"); // the third connection, from another address
                try (DeviceClient fourth = new DeviceClient("127.0.0.3", relay.ports().get(0))) {
                    assertThat(fourth.reply()).startsWith("421 4.7.0");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void an_idle_session_still_times_out(SessionThreads.Kind kind) throws Exception {
        try (RelayServer relay = start(limited(Duration.ofSeconds(2)), kind); DeviceClient a = new DeviceClient(relay.ports().get(0))) {
            assertThat(a.reply()).startsWith("220");
            // silent for longer than the idle timeout: SubEthaSMTP's 421 (the client waits 5 s), then the connection is closed
            assertThat(a.reply()).startsWith("421");
            assertThat(a.rest()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void a_whole_tls_session_fits_the_session_thread_s_stack(SessionThreads.Kind kind) throws Exception {
        try (RelayServer relay = start(config(ListenerMode.STARTTLS, 20), kind); DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.send("EHLO printer")).contains("STARTTLS");
            assertThat(c.send("STARTTLS")).startsWith("220");
            SSLSocket tls = c.startTls();
            assertThat(tls.getSession().getProtocol()).startsWith("TLS");
            assertThat(c.send("EHLO " + "p".repeat(900))).startsWith("250"); // a long command line through the parser
            send(c, "over tls");
        }
        assertThat(SessionThreads.isVirtual(storedOn.get("over tls"))).isEqualTo(kind == SessionThreads.Kind.VIRTUAL);
    }

    @Test
    void the_bundled_subethasmtp_sessions_get_the_small_buffers() {
        assertThat(SessionBuffers.active()).as("SubEthaSMTP's Session fields input, reader, writer, output").isTrue();
    }

    @Test
    void the_device_input_buffer_is_large_only_while_message_content_arrives() throws Exception {
        String session = "MAIL FROM:<a@contoso.com>\r\nDATA\r\n" + "x".repeat(3000) + "\r\n.\r\nQUIT\r\n";
        DeviceInputStream in = new DeviceInputStream(new java.io.ByteArrayInputStream(session.getBytes(StandardCharsets.US_ASCII)), null);
        byte[] line = new byte[8192];
        assertThat(new String(line, 0, in.read(line, 0, line.length), StandardCharsets.US_ASCII)).isEqualTo("MAIL FROM:<a@contoso.com>\r\n");
        assertThat(in.bufferSize()).isEqualTo(DeviceInputStream.COMMAND_BUFFER);
        assertThat(new String(line, 0, in.read(line, 0, line.length), StandardCharsets.US_ASCII)).isEqualTo("DATA\r\n");
        in.content(true);
        assertThat(in.bufferSize()).isEqualTo(DeviceInputStream.CONTENT_BUFFER);
        StringBuilder content = new StringBuilder();
        while (!content.toString().endsWith("\r\n.\r\n")) {
            content.append(new String(line, 0, in.read(line, 0, line.length), StandardCharsets.US_ASCII));
        }
        assertThat(content.toString()).isEqualTo("x".repeat(3000) + "\r\n.\r\n"); // the bytes before the switch kept their place
        in.content(false);
        assertThat(new String(line, 0, in.read(line, 0, line.length), StandardCharsets.US_ASCII)).isEqualTo("QUIT\r\n");
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.bufferSize()).isEqualTo(DeviceInputStream.COMMAND_BUFFER);
    }

    @Test
    void the_kind_is_virtual_by_default_only_where_monitors_no_longer_pin_and_can_be_forced() {
        assertThat(SessionThreads.choose(null, 17)).isEqualTo(SessionThreads.Kind.PLATFORM);
        assertThat(SessionThreads.choose("auto", 21)).isEqualTo(SessionThreads.Kind.PLATFORM);
        assertThat(SessionThreads.choose("", 23)).isEqualTo(SessionThreads.Kind.PLATFORM);
        assertThat(SessionThreads.choose(null, 24)).isEqualTo(SessionThreads.Kind.VIRTUAL);
        assertThat(SessionThreads.choose(" Auto ", 25)).isEqualTo(SessionThreads.Kind.VIRTUAL);
        assertThat(SessionThreads.choose("platform", 25)).isEqualTo(SessionThreads.Kind.PLATFORM);
        assertThat(SessionThreads.choose("virtual", 21)).isEqualTo(SessionThreads.Kind.VIRTUAL);
        assertThatThrownBy(() -> SessionThreads.choose("virtual", 17)).hasMessageContaining("needs Java 21");
        assertThatThrownBy(() -> SessionThreads.choose("green", 25)).hasMessageContaining("auto, virtual or platform");
    }

    @Test
    void this_jvm_gets_the_kind_its_version_calls_for_and_its_threads_are_daemons() throws Exception {
        SessionThreads.Kind expected = Runtime.version().feature() >= 24 ? SessionThreads.Kind.VIRTUAL : SessionThreads.Kind.PLATFORM;
        assertThat(SessionThreads.chosen()).isEqualTo(expected);
        for (SessionThreads.Kind kind : kinds().toList()) {
            java.util.concurrent.ExecutorService e = SessionThreads.executor(kind, "probe-");
            try {
                Thread t = e.submit(Thread::currentThread).get();
                assertThat(t.isDaemon()).isTrue();
                assertThat(t.getName()).isEqualTo("probe-1");
                assertThat(SessionThreads.isVirtual(t)).isEqualTo(kind == SessionThreads.Kind.VIRTUAL);
            } finally {
                e.shutdownNow();
            }
        }
        if (!SessionThreads.virtualAvailable()) {
            assertThatThrownBy(() -> SessionThreads.executor(SessionThreads.Kind.VIRTUAL, "probe-"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no virtual threads");
        }
    }
}
