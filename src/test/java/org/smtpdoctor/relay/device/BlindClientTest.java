package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;

/**
 * Clients that never read (issue 14, item 5): devices and scripts that write the whole session
 * on a timer, HELO to QUIT with the message, and close the socket without reading a reply. The
 * replies they left unread make their kernel answer with a reset, so the relay's writes fail;
 * what the client sent before the reset is still in the relay's receive buffer and is carried
 * out, and a message whose final "." arrived is stored (and logged as queued) though its 250
 * could not be said; the first reply that could not be written is logged once
 * ({@code connection.replies-unread}). AUTH LOGIN inside the blind session makes sure the reset
 * comes before the relay answers: the password hash takes about 100 ms.
 */
class BlindClientTest {

    private static final String USER = "nas01";

    private final RecordingSink sink = new RecordingSink();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static RelayConfig config(ListenerMode mode) {
        ListenerConfig listener = new ListenerConfig("127.0.0.1", 0, mode, ListenerConfig.DEFAULT_TLS_VERSIONS,
                new CertificateSource.SelfSigned(), 1024 * 1024, 20, 10, Duration.ofSeconds(5), true);
        return TestRelay.config(List.of(listener), List.of(TestRelay.account(USER)), List.of());
    }

    /** HELO to QUIT in one write: AUTH LOGIN, then one message per subject. */
    private static String session(String... subjects) {
        StringBuilder s = new StringBuilder("EHLO blind-printer\r\nAUTH LOGIN\r\n" + b64(USER) + "\r\n" + b64(TestRelay.PASSWORD) + "\r\n");
        for (String subject : subjects) {
            s.append("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<boss@contoso.com>\r\nDATA\r\n")
                    .append("Subject: ").append(subject).append("\r\n\r\nscanned page\r\n..a stuffed dot\r\n.\r\n");
        }
        return s.append("QUIT\r\n").toString();
    }

    /**
     * Writes {@code text} at once, waits until a reply has arrived (unread), and closes: the
     * unread bytes make this kernel answer the relay with a reset instead of a FIN.
     */
    private static void writeBlindAndClose(Socket s, Socket raw, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream unread = raw.getInputStream();
        await().atMost(Duration.ofSeconds(10)).until(() -> unread.available() > 0);
        s.close();
    }

    @Test
    void a_plain_client_that_never_reads_gets_its_message_stored_once_and_logged_as_queued() throws Exception {
        try (LogCapture logs = new LogCapture(); RelayServer relay = RelayServer.start(config(ListenerMode.PLAIN), sink)) {
            Socket s = TestRelay.client("127.0.0.1", relay.ports().get(0));
            writeBlindAndClose(s, s, session("blind plain"));

            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.events("connection.closed").isEmpty());
            assertThat(sink.only().text()).contains("Subject: blind plain", "\r\n.a stuffed dot\r\n");
            assertThat(sink.only().envelope().authUser()).contains(USER);
            assertThat(logs.events("auth.succeeded")).hasSize(1);
            assertThat(logs.events("message.queued")).singleElement().asString().contains("queue_id=" + sink.only().queueId());
            assertThat(logs.events("connection.replies-unread")).singleElement().asString().contains("client=127.0.0.1");
            assertThat(logs.events("message.incomplete")).isEmpty();
        }
    }

    @Test
    void an_implicit_tls_client_that_never_reads_gets_both_its_messages_stored() throws Exception {
        try (LogCapture logs = new LogCapture(); RelayServer relay = RelayServer.start(config(ListenerMode.TLS), sink)) {
            Socket raw = TestRelay.client("127.0.0.1", relay.ports().get(0));
            // The handshake is the one thing such a client must read; the rest it writes blind.
            SSLSocket tls = TestRelay.tlsOver(raw, relay.ports().get(0));
            writeBlindAndClose(tls, raw, session("first", "second"));

            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.events("connection.closed").isEmpty());
            assertThat(sink.accepted()).extracting(RecordingSink.Accepted::text)
                    .satisfiesExactly(m -> assertThat(m).contains("Subject: first"), m -> assertThat(m).contains("Subject: second"));
            assertThat(sink.accepted()).allSatisfy(m -> assertThat(m.envelope().authUser()).contains(USER));
            assertThat(logs.events("message.queued")).hasSize(2);
            assertThat(logs.events("connection.replies-unread")).hasSize(1);
            assertThat(logs.events("message.incomplete")).isEmpty();
        }
    }

    @Test
    void a_blind_client_whose_message_ends_before_the_final_dot_has_nothing_stored() throws Exception {
        try (LogCapture logs = new LogCapture(); RelayServer relay = RelayServer.start(config(ListenerMode.PLAIN), sink)) {
            Socket s = TestRelay.client("127.0.0.1", relay.ports().get(0));
            String whole = session("cut short");
            writeBlindAndClose(s, s, whole.substring(0, whole.indexOf("scanned page") + "scanned page".length()));

            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.events("message.incomplete").isEmpty());
            assertThat(sink.accepted()).isEmpty();
            assertThat(logs.events("message.queued")).isEmpty();
            assertThat(logs.events("auth.succeeded")).as("the commands before the reset were carried out").hasSize(1);
        }
    }
}
