package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.spool.SpoolFullException;
import org.smtpdoctor.testing.DeviceClient;

/** Listener modes, AUTH, limits and the sink's failures, on raw sockets. */
class RelayListenerTest {

    private final RecordingSink sink = new RecordingSink();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static DeviceClient connect(RelayServer relay) throws IOException {
        DeviceClient c = new DeviceClient(relay.ports().get(0));
        assertThat(c.reply()).startsWith("220 ");
        return c;
    }

    private static void sendMessage(DeviceClient c, String body) throws IOException {
        assertThat(c.send("MAIL FROM:<scan@contoso.com>")).startsWith("250 ");
        assertThat(c.send("RCPT TO:<you@contoso.com>")).startsWith("250 ");
        assertThat(c.send("DATA")).startsWith("354 ");
        assertThat(c.send(body + "\r\n.")).startsWith("250 2.0.0 OK queued as ");
    }

    @Test
    void starttls_is_offered_and_auth_only_after_it() throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.STARTTLS, TestRelay.account("nas01")), sink);
                DeviceClient c = connect(relay)) {
            String before = c.send("EHLO nas");
            assertThat(before).contains("STARTTLS", "SIZE 1048576", "PIPELINING", "8BITMIME").doesNotContain("AUTH");
            assertThat(c.send("AUTH LOGIN")).isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
            assertThat(c.send("STARTTLS")).startsWith("220 2.0.0");
            SSLSocket tls = c.startTls();
            assertThat(tls.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            String after = c.send("EHLO nas");
            assertThat(after).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS").doesNotContain("CRAM-MD5");
            assertThat(c.send("AUTH PLAIN " + b64("\0nas01\0" + TestRelay.PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
            sendMessage(c, "Subject: over tls");
        }
        assertThat(sink.only().envelope().authUser()).contains("nas01");
        assertThat(sink.only().envelope().device()).isEqualTo("nas");
        var session = sink.only().envelope().session().orElseThrow();
        assertThat(session.esmtp()).isTrue();
        assertThat(session.tls()).hasValueSatisfying(v -> assertThat(v).isIn("TLSv1.3", "TLSv1.2"));
        assertThat(sink.only().envelope().protocol()).isEqualTo("ESMTPSA");
    }

    @Test
    void the_envelope_keeps_whether_the_device_said_ehlo_or_helo_for_the_received_line() throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink)) {
            try (DeviceClient c = connect(relay)) {
                assertThat(c.send("EHLO mfp")).startsWith("250");
                sendMessage(c, "Subject: ehlo");
                assertThat(c.send("HELO mfp")).startsWith("250");
                sendMessage(c, "Subject: helo");
            }
        }
        assertThat(sink.accepted()).extracting(a -> a.envelope().protocol()).containsExactly("ESMTP", "SMTP");
        assertThat(sink.accepted().get(1).envelope().session().orElseThrow().tls()).isEmpty();
    }

    @Test
    void auth_login_takes_the_user_name_on_the_first_line_and_challenges_with_exactly_username_and_password() throws Exception {
        ListenerConfig plainAuth = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                1 << 20, 20, 10, Duration.ofSeconds(5), true);
        RelayConfig config = TestRelay.config(List.of(plainAuth), List.of(TestRelay.account("nas01")), List.of());
        try (RelayServer relay = RelayServer.start(config, sink); DeviceClient c = connect(relay)) {
            assertThat(c.send("EHLO old-nas")).contains("250-AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN");
            assertThat(c.send("AUTH LOGIN " + b64("nas01"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.send(b64(TestRelay.PASSWORD))).startsWith("235 ");
            sendMessage(c, "Subject: login with initial response");
        }
        try (RelayServer relay = RelayServer.start(config, sink); DeviceClient c = connect(relay)) {
            assertThat(c.send("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.send(b64("nas01"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.send(b64(TestRelay.PASSWORD))).startsWith("235 ");
            assertThat(c.send("AUTH PLAIN")).startsWith("503 ");
        }
        try (RelayServer relay = RelayServer.start(config, sink); DeviceClient c = connect(relay)) {
            assertThat(c.send("AUTH PLAIN")).isEqualTo("334 ");
            assertThat(c.send(b64("nas01\0nas01\0" + TestRelay.PASSWORD))).startsWith("235 ");
        }
        try (RelayServer relay = RelayServer.start(config, sink); DeviceClient c = connect(relay)) {
            assertThat(c.send("AUTH CRAM-MD5")).startsWith("504 5.5.4");
            assertThat(c.send("AUTH LOGIN")).startsWith("334 ");
            assertThat(c.send("*")).startsWith("501 ");
        }
    }

    @Test
    void implicit_tls_listener_speaks_tls_from_the_first_byte() throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.TLS, TestRelay.loopback()), sink)) {
            List<String> replies = overImplicitTls(relay,
                    "HELO smtps-device\r\nMAIL FROM:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\nSubject: smtps\r\n\r\nx\r\n.\r\nQUIT\r\n");
            assertThat(replies).hasSize(6);
            assertThat(replies.get(4)).startsWith("250 2.0.0 OK queued as ");
        }
        assertThat(sink.only().text()).startsWith("Subject: smtps\r\n");
        assertThat(sink.only().envelope().protocol()).as("TLS from the first byte is TLS too").isEqualTo("ESMTPS");
    }

    @Test
    void an_implicit_tls_listener_offers_auth_to_device_accounts() throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.TLS, TestRelay.account("nas01")), sink)) {
            List<String> replies = overImplicitTls(relay, "EHLO smtps-nas\r\nAUTH PLAIN " + b64("\0nas01\0" + TestRelay.PASSWORD) + "\r\n"
                    + "MAIL FROM:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\nSubject: smtps auth\r\n\r\nx\r\n.\r\nQUIT\r\n");
            assertThat(replies).contains("250-AUTH PLAIN LOGIN", "235 2.7.0 Authentication successful");
        }
        assertThat(sink.only().envelope().authUser()).contains("nas01");
        assertThat(sink.only().envelope().protocol()).isEqualTo("ESMTPSA");
    }

    @Test
    void a_message_over_the_size_limit_gets_552_and_size_is_advertised() throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink);
                DeviceClient c = connect(relay)) {
            assertThat(c.send("EHLO big")).contains("250-SIZE 1048576");
            assertThat(c.send("MAIL FROM:<a@contoso.com> SIZE=2000000")).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
            assertThat(c.send("MAIL FROM:<a@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            String line = "x".repeat(998) + "\r\n";
            c.raw("Subject: big\r\n\r\n" + line.repeat(1100));
            assertThat(c.send(".")).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
            assertThat(c.send("NOOP")).startsWith("250 ");
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void connections_over_the_per_ip_limit_get_421_4_7_0() throws Exception {
        ListenerConfig two = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                1 << 20, 5, 2, Duration.ofSeconds(5), false);
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(TestRelay.config(List.of(two), List.of(TestRelay.loopback()), List.of()), sink);
                DeviceClient a = connect(relay); DeviceClient b = connect(relay);
                DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            assertThat(c.reply()).isEqualTo("421 4.7.0 Too many connections from your address, try again later");
            assertThat(logs.events("connection.refused").get(0)).contains("client=127.0.0.1", "reason=\"Too many connections from your address");
            a.send("QUIT");
            a.close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (DeviceClient d = new DeviceClient(relay.ports().get(0))) {
                    assertThat(d.reply()).startsWith("220 ");
                }
            });
        }
    }

    @Test
    void connections_over_the_total_limit_get_421_4_7_0() throws Exception {
        ListenerConfig one = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                1 << 20, 1, 10, Duration.ofSeconds(5), false);
        try (RelayServer relay = RelayServer.start(TestRelay.config(List.of(one), List.of(TestRelay.loopback()), List.of()), sink);
                DeviceClient a = connect(relay); DeviceClient b = new DeviceClient(relay.ports().get(0))) {
            assertThat(b.reply()).isEqualTo("421 4.7.0 Too many connections, try again later");
        }
    }

    /**
     * The idle timeout runs from the banner, so the device must send its commands within it: 3 s
     * (a loaded machine once took more than 0.5 s between the banner and MAIL). The 421 comes 3 s
     * after the last byte, so the device waits up to 10 s for it.
     */
    @Test
    void an_idle_connection_is_closed_and_its_unfinished_message_dropped() throws Exception {
        ListenerConfig quick = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                1 << 20, 5, 5, Duration.ofSeconds(3), false);
        try (RelayServer relay = RelayServer.start(TestRelay.config(List.of(quick), List.of(TestRelay.loopback()), List.of()), sink);
                DeviceClient c = connect(relay)) {
            c.readTimeout(Duration.ofSeconds(10));
            c.raw("MAIL FROM:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\nSubject: stalled\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.reply()).startsWith("421 ");
            assertThat(c.reply()).isNull();
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void a_full_spool_gets_452_4_3_1_and_other_storage_failures_451_4_3_0() throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink);
                DeviceClient c = connect(relay)) {
            sink.failWith(new SpoolFullException("disk full", null));
            c.raw("MAIL FROM:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send("Subject: full\r\n\r\nx\r\n.")).isEqualTo("452 4.3.1 Insufficient system storage");
            sink.failWith(new IOException("disk on fire"));
            c.raw("MAIL FROM:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send("Subject: broken\r\n\r\nx\r\n.")).startsWith("451 4.3.0 ");
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void a_spool_below_its_reserve_gets_452_4_3_1_at_mail_from_before_the_device_sends_its_message() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink);
                DeviceClient c = connect(relay)) {
            sink.refuse("only 12 MB free on the spool's disk; the spool keeps 64 MB free");
            assertThat(c.send("MAIL FROM:<a@contoso.com>")).isEqualTo("452 4.3.1 Insufficient system storage");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).as("no transaction was opened").startsWith("503 ");
            assertThat(logs.events("message.refused")).singleElement().asString()
                    .contains("sender=a@contoso.com phase=mail reason=\"spool low\" detail=\"only 12 MB free");
            sink.refuse(null);
            sendMessage(c, "Subject: room again");
        }
        assertThat(sink.accepted()).hasSize(1);
    }

    @Test
    void rewrite_from_puts_the_upstream_mailbox_in_envelope_and_from_and_keeps_the_original_in_reply_to() throws Exception {
        DeviceRule rewriting = new DeviceRule("scanner", List.of(Cidr.parse("127.0.0.1")), Optional.empty(), Optional.empty(),
                List.of(), Optional.of("relay@contoso.com"));
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, rewriting), sink);
                DeviceClient c = connect(relay)) {
            c.raw("MAIL FROM:<scanner@lan.local>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send("From: \"Scanner 3rd floor\"\r\n <scanner@lan.local>\r\nSubject: scan\r\nMessage-ID: <5@x>\r\n"
                    + "Date: x\r\nMIME-Version: 1.0\r\n\r\nbody\r\n.")).startsWith("250 ");
        }
        assertThat(sink.only().envelope().sender()).isEqualTo("relay@contoso.com");
        assertThat(sink.only().text()).isEqualTo("Subject: scan\r\nMessage-ID: <5@x>\r\nDate: x\r\nMIME-Version: 1.0\r\n"
                + "From: \"Scanner 3rd floor\" <relay@contoso.com>\r\nReply-To: \"Scanner 3rd floor\" <scanner@lan.local>\r\n\r\nbody\r\n");
    }

    @Test
    void a_device_may_use_only_its_listed_senders_in_mail_from_and_in_from() throws Exception {
        DeviceRule limited = new DeviceRule("printer", List.of(Cidr.parse("127.0.0.1")), Optional.empty(), Optional.empty(),
                List.of("printer@contoso.com", "@scans.contoso.com"), Optional.empty());
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, limited), sink);
                DeviceClient c = connect(relay)) {
            assertThat(c.send("MAIL FROM:<ceo@contoso.com>")).isEqualTo("550 5.7.1 Sender address not allowed for this device");
            assertThat(c.send("MAIL FROM:<x@scans.contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("From: ceo@contoso.com\r\n\r\nx\r\n.")).isEqualTo("550 5.7.1 From address not allowed for this device");
            assertThat(c.send("MAIL FROM:<PRINTER@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("From: Printer <printer@contoso.com>\r\n\r\nx\r\n.")).startsWith("250 ");
        }
        assertThat(sink.accepted()).hasSize(1);
    }

    @Test
    void a_handshake_the_listener_cannot_agree_to_is_logged_with_its_reason_and_a_hint() throws Exception {
        ListenerConfig tls13 = new ListenerConfig("127.0.0.1", 0, ListenerMode.TLS, List.of("TLSv1.3"), new CertificateSource.SelfSigned(),
                1 << 20, 5, 5, Duration.ofSeconds(5), false);
        ListenerConfig starttls13 = new ListenerConfig("127.0.0.1", 0, ListenerMode.STARTTLS, List.of("TLSv1.3"),
                new CertificateSource.SelfSigned(), 1 << 20, 5, 5, Duration.ofSeconds(5), false);
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(TestRelay.config(List.of(tls13, starttls13), List.of(TestRelay.loopback()), List.of()), sink)) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll()}, null);
            try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", relay.ports().get(0))) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setSoTimeout(5000);
                org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
            }
            try (DeviceClient c = new DeviceClient(relay.ports().get(1))) {
                c.reply();
                assertThat(c.send("STARTTLS")).startsWith("220 ");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.startTls("TLSv1.2")).isInstanceOf(IOException.class);
            }
            try (DeviceClient c = new DeviceClient(relay.ports().get(1))) {
                c.reply();
                assertThat(c.send("STARTTLS")).startsWith("220 ");
                assertThat(c.startTls().getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(c.send("EHLO again")).startsWith("250-");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.events("tls.failed").size() == 2);
            assertThat(logs.events("tls.failed")).allSatisfy(line -> assertThat(line)
                    .contains("client=127.0.0.1", "hint=\"the device offers TLSv1.2; this listener allows TLSv1.3\""));
            assertThat(logs.events("tls.started").get(0)).contains("protocol=TLSv1.3");
        }
    }

    @Test
    void an_implicit_tls_client_on_a_starttls_port_is_logged_with_its_cause_and_closed_cleanly() throws Exception {
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.STARTTLS, TestRelay.loopback()), sink)) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll()}, null);
            try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", relay.ports().get(0))) {
                s.setSoTimeout(5000);
                org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !logs.events("connection.closed").isEmpty());
            assertThat(logs.events("tls.clienthello_on_plain_port").get(0))
                    .contains("the device started a TLS handshake on a starttls port; set it to STARTTLS");
        }
    }

    @Test
    void a_port_in_use_fails_the_start_naming_the_address_and_starts_nothing() throws Exception {
        try (RelayServer first = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink)) {
            int taken = first.ports().get(0);
            ListenerConfig free = TestRelay.listener(ListenerMode.PLAIN);
            ListenerConfig clash = new ListenerConfig("127.0.0.1", taken, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                    1 << 20, 5, 5, Duration.ofSeconds(5), false);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayServer.start(
                    TestRelay.config(List.of(free, clash), List.of(TestRelay.loopback()), List.of()), sink))
                    .isInstanceOf(IOException.class).hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken + " (");
            assertThat(first.addresses().get(0).getPort()).isEqualTo(taken);
        }
    }

    /** Connects with TLS from the first byte, reads the banner, sends {@code commands} at once and returns every reply line until the close. */
    private static List<String> overImplicitTls(RelayServer relay, String commands) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustAll()}, null);
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", relay.ports().get(0))) {
            s.setSoTimeout(5000);
            s.startHandshake();
            var out = s.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("220 ");
            out.write(commands.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> replies = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                replies.add(line);
            }
            return replies;
        }
    }

    static X509TrustManager trustAll() {
        return new X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }
}
