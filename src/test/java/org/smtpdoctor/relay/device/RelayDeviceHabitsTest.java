package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.testing.DeviceClient;

/**
 * Item 6 of the relay issue, one test per habit of real devices, on raw sockets so every
 * byte is the device's: what the sink got is asserted byte for byte.
 */
class RelayDeviceHabitsTest {

    private final RecordingSink sink = new RecordingSink();
    private RelayServer relay;
    private LogCapture logs;

    @BeforeEach
    void start() throws Exception {
        logs = new LogCapture();
        relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), sink);
    }

    @AfterEach
    void stop() {
        relay.close();
        logs.close();
    }

    private DeviceClient connect() throws Exception {
        DeviceClient c = new DeviceClient(relay.ports().get(0));
        assertThat(c.reply()).startsWith("220 relay.test ESMTP");
        return c;
    }

    @Test
    void a_client_that_only_says_helo_gets_its_mail_through() throws Exception {
        try (DeviceClient c = connect()) {
            assertThat(c.send("HELO printer")).startsWith("250 ");
            assertThat(c.send("MAIL FROM:<scan@contoso.com>")).startsWith("250 2.1.0");
            assertThat(c.send("RCPT TO:<you@contoso.com>")).startsWith("250 2.1.5");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: hi\r\n\r\nbody\r\n.")).matches("250 2\\.0\\.0 OK queued as Q1");
            assertThat(c.send("QUIT")).startsWith("221 ");
        }
        assertThat(sink.only().envelope().heloName()).isEqualTo("printer");
        assertThat(sink.only().envelope().sender()).isEqualTo("scan@contoso.com");
        assertThat(sink.only().envelope().recipients()).containsExactly("you@contoso.com");
    }

    @Test
    void a_client_that_never_greets_gets_its_mail_through() throws Exception {
        try (DeviceClient c = connect()) {
            assertThat(c.send("MAIL FROM:<scan@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<you@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: hi\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 OK queued as ");
        }
        assertThat(sink.only().envelope().heloName()).isEmpty();
    }

    @Test
    void names_that_are_not_domains_and_an_empty_name_are_accepted() throws Exception {
        try (DeviceClient c = connect()) {
            assertThat(c.send("HELO KM_C308")).startsWith("250 ");
            assertThat(c.send("EHLO 192.168.1.50")).startsWith("250-");
            assertThat(c.send("EHLO")).startsWith("250-");
            assertThat(c.send("HELO")).startsWith("250 ");
        }
    }

    @Test
    void an_8bit_helo_name_does_not_end_the_session() throws Exception {
        try (DeviceClient c = connect()) {
            assertThat(c.send("HELO Drucker-B\u00fcro")).startsWith("250 ");
            assertThat(c.send("MAIL FROM:<scan@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<you@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: B\u00fcro\r\n\r\nx\r\n.")).startsWith("250 ");
        }
        assertThat(sink.only().envelope().heloName()).isEqualTo("Drucker-B?ro");
        assertThat(sink.only().text()).startsWith("Subject: B\u00fcro\r\n");
    }

    @Test
    void lowercase_verbs_work() throws Exception {
        try (DeviceClient c = connect()) {
            assertThat(c.send("ehlo scanner")).contains("250 ");
            assertThat(c.send("mail from:<scan@contoso.com>")).startsWith("250 ");
            assertThat(c.send("rcpt to:<you@contoso.com>")).startsWith("250 ");
            assertThat(c.send("data")).startsWith("354 ");
            assertThat(c.send("Subject: lower\r\n\r\nx\r\n.")).startsWith("250 ");
            assertThat(c.send("quit")).startsWith("221 ");
        }
        assertThat(sink.accepted()).hasSize(1);
    }

    @Test
    void mail_from_with_a_space_or_without_brackets_is_understood() throws Exception {
        try (DeviceClient c = connect()) {
            assertThat(c.send("MAIL FROM: <a@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO: <b@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RSET")).startsWith("250 ");
            assertThat(c.send("MAIL FROM:a@contoso.com")).startsWith("250 ");
            assertThat(c.send("RCPT TO:b@contoso.com")).startsWith("250 ");
            assertThat(c.send("RSET")).startsWith("250 ");
            assertThat(c.send("MAIL FROM : <@relay.example:a@contoso.com> SIZE=100 BODY=8BITMIME")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: x\r\n\r\ny\r\n.")).startsWith("250 ");
        }
        assertThat(sink.only().envelope().sender()).isEqualTo("a@contoso.com");
    }

    @Test
    void quoted_local_parts_are_accepted_and_kept_exactly_as_received() throws Exception {
        try (DeviceClient c = connect()) {
            assertThat(c.send("EHLO mfp")).startsWith("250");
            assertThat(c.send("MAIL FROM:<\"x y\"@test.local>")).startsWith("250 2.1.0");
            assertThat(c.send("RCPT TO:<\"a b\"@contoso.com>")).startsWith("250 2.1.5");
            assertThat(c.send("RCPT TO:<\"odd>one\\\"@\"@contoso.com>")).startsWith("250 2.1.5");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: quoted\r\n\r\nx\r\n.")).startsWith("250 ");
        }
        assertThat(sink.only().envelope().sender()).isEqualTo("\"x y\"@test.local");
        assertThat(sink.only().envelope().recipients()).containsExactly("\"a b\"@contoso.com", "\"odd>one\\\"@\"@contoso.com");
    }

    @Test
    void commands_and_content_sent_before_the_replies_are_all_answered_in_order() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("EHLO mfp\r\nMAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\n"
                    + "Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250-");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354 ");
            assertThat(c.reply()).startsWith("250 2.0.0 OK queued as");
            assertThat(c.reply()).startsWith("221 ");
        }
        assertThat(sink.only().envelope().recipients()).containsExactly("a@contoso.com", "b@contoso.com");
        assertThat(sink.only().text()).contains("Subject: pipelined\r\n").endsWith("\r\n\r\nbody\r\n");
    }

    @Test
    void a_device_that_sends_quit_before_the_final_250_arrives_still_gets_its_message_queued() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            c.raw("Subject: q\r\n\r\nbody\r\n.\r\nQUIT\r\n");
            c.close(); // never reads the 250
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.accepted().size() == 1);
    }

    @Test
    void a_close_without_quit_after_the_final_dot_still_queues_the_message() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nDATA\r\nSubject: c\r\n\r\nbody\r\n.\r\n");
            c.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.accepted().size() == 1);
    }

    @Test
    void a_message_whose_final_dot_never_came_never_reaches_the_sink() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nDATA\r\nSubject: cut\r\n\r\nhalf a scan\r\n..\r\n.x\r\n");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("354 ");
            c.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !logs.events("message.incomplete").isEmpty());
        assertThat(sink.accepted()).isEmpty();
        assertThat(logs.events("message.incomplete").get(0)).contains("reason=\"connection closed before the final '.'\"");
    }

    @Test
    void bare_lf_line_ends_also_in_the_final_dot_line_become_crlf() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("HELO lf-device\nMAIL FROM:<scan@contoso.com>\nRCPT TO:<a@contoso.com>\nDATA\n");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("354 ");
            c.raw("Subject: lf\nMessage-ID: <1@x>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMIME-Version: 1.0\n\nline 1\n..dot\n.\n");
            assertThat(c.reply()).startsWith("250 2.0.0 OK queued as");
            assertThat(c.send("QUIT")).startsWith("221 ");
        }
        assertThat(sink.only().text()).isEqualTo("Subject: lf\r\nMessage-ID: <1@x>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n\r\nline 1\r\n.dot\r\n");
    }

    @Test
    void bare_cr_line_ends_are_understood_as_line_ends() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("HELO cr-device\r");
            assertThat(c.reply()).startsWith("250 ");
            c.raw("MAIL FROM:<scan@contoso.com>\rRCPT TO:<a@contoso.com>\rDATA\r");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("354 ");
            c.raw("Subject: cr\rMessage-ID: <2@x>\rDate: Mon, 1 Jan 2024 00:00:00 +0000\rMIME-Version: 1.0\r\rtwo\rlines\r.\r");
            assertThat(c.reply()).startsWith("250 2.0.0 OK queued as");
        }
        assertThat(sink.only().text()).endsWith("MIME-Version: 1.0\r\n\r\ntwo\r\nlines\r\n");
    }

    @Test
    void raw_8bit_headers_reach_the_sink_unchanged() throws Exception {
        String subject = "Subject: Scan vom Drucker \u00e9t\u00e9 \u00fcber \u00c4rger\r\n"; // ISO-8859-1 bytes, not MIME-encoded
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send(subject + "From: Dr\u00fccker <scan@contoso.com>\r\n\r\nK\u00f6rper\r\n.")).startsWith("250 ");
        }
        byte[] got = sink.only().content();
        assertThat(sink.only().text()).startsWith(subject + "From: Dr\u00fccker <scan@contoso.com>\r\n").endsWith("\r\n\r\nK\u00f6rper\r\n");
        assertThat(got).contains((byte) 0xE9, (byte) 0xFC);
    }

    @Test
    void missing_message_id_date_and_mime_version_are_added_before_the_sink() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send("Subject: bare\r\n\r\nbody\r\n.")).startsWith("250 ");
        }
        assertThat(sink.only().text()).matches("(?s)Subject: bare\r\nMessage-ID: <[0-9a-f]{24}@relay\\.test>\r\n"
                + "Date: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\nMIME-Version: 1.0\r\n\r\nbody\r\n");
    }

    @Test
    void a_message_with_no_header_section_gets_one() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send("just text, no headers\r\n.")).startsWith("250 ");
        }
        assertThat(sink.only().text()).startsWith("Message-ID: <").contains("\r\nMIME-Version: 1.0\r\n\r\njust text, no headers\r\n");
    }

    @Test
    void a_tls_client_hello_on_a_plain_port_is_logged_with_its_cause_and_the_connection_closed() throws Exception {
        try (DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            // the start of a real ClientHello: handshake record, TLS 1.0 record version, length
            c.raw("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003");
            String everything = c.rest(); // the banner (sent before anything arrived), then a clean close
            assertThat(everything).startsWith("220 ").doesNotContain("500").doesNotContain("421");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !logs.events("tls.clienthello_on_plain_port").isEmpty());
        assertThat(logs.events("tls.clienthello_on_plain_port").get(0)).contains("client=127.0.0.1")
                .contains("started a TLS handshake on a plain port");
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void dot_stuffing_is_removed() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send("Message-ID: <3@x>\r\nDate: x\r\nMIME-Version: 1.0\r\n\r\n..\r\n...two\r\n.")).startsWith("250 ");
        }
        assertThat(sink.only().text()).endsWith("\r\n\r\n.\r\n..two\r\n");
    }

    @Test
    void a_message_event_names_queue_id_device_sender_recipients_and_size() throws Exception {
        try (DeviceClient c = connect()) {
            c.raw("MAIL FROM:<scan@contoso.com>\r\nRCPT TO:<a@contoso.com>\r\nRCPT TO:<b@contoso.com>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            c.reply();
            assertThat(c.send("Message-ID: <4@x>\r\nDate: x\r\nMIME-Version: 1.0\r\n\r\nbody\r\n.")).startsWith("250 ");
        }
        List<String> queued = logs.events("message.queued");
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0)).contains("queue_id=Q1", "device=\"allow 127.0.0.0/8\"", "sender=scan@contoso.com",
                "recipients=a@contoso.com,b@contoso.com", "size=" + sink.only().content().length, "client=127.0.0.1");
        assertThat(logs.events("connection.accepted")).isNotEmpty();
    }
}
