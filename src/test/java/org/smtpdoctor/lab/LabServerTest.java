package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smtpdoctor.lab.WireClient.base64;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LabServerTest {

    private static final Scenario HEALTHY = Scenarios.byName("healthy").orElseThrow();
    private static final String TRACE = " \\[DB8P191CA0042\\.EURP191\\.PROD\\.OUTLOOK\\.COM "
            + "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z [0-9A-F]{16}]";

    private LabServer lab;

    @BeforeEach
    void start() throws IOException {
        lab = LabServer.start(HEALTHY, 0);
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void the_banner_reads_like_an_outlook_office365_frontend_with_the_date() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            assertThat(c.readReply()).matches("220 [A-Z0-9]+\\.outlook\\.office365\\.com Microsoft ESMTP MAIL Service"
                    + " ready at [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000");
        }
    }

    @Test
    void ehlo_before_starttls_offers_starttls_and_no_auth_in_microsofts_order() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            assertThat(c.send("EHLO client.example").split("\n")).containsExactly(
                    "250-DB8P191CA0042.outlook.office365.com Hello [127.0.0.1]",
                    "250-SIZE 157286400",
                    "250-PIPELINING",
                    "250-DSN",
                    "250-ENHANCEDSTATUSCODES",
                    "250-STARTTLS",
                    "250-8BITMIME",
                    "250-BINARYMIME",
                    "250-CHUNKING",
                    "250 SMTPUTF8");
        }
    }

    @Test
    void ehlo_after_starttls_offers_auth_login_xoauth2_and_no_longer_starttls() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            c.expect("EHLO client.example", "250");
            assertThat(c.send("STARTTLS")).isEqualTo("220 2.0.0 SMTP server ready");
            c.startTls(lab.certificate(), "localhost");
            List<String> lines = List.of(c.send("EHLO client.example").split("\n"));
            assertThat(lines).contains("250-AUTH LOGIN XOAUTH2").noneMatch(l -> l.contains("STARTTLS"));
            assertThat(lines.get(lines.size() - 1)).isEqualTo("250 SMTPUTF8");
        }
    }

    @Test
    void helo_also_greets_with_a_single_line() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            assertThat(c.send("HELO client.example")).isEqualTo("250 DB8P191CA0042.outlook.office365.com Hello [127.0.0.1]");
            assertThat(c.send("STARTTLS")).isEqualTo("220 2.0.0 SMTP server ready");
        }
    }

    @Test
    void commands_before_ehlo_are_answered_send_hello_first_with_exchanges_trace() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            assertThat(c.send("MAIL FROM:<scanner@contoso.com>")).matches("503 5\\.5\\.2 Send hello first" + TRACE);
            assertThat(c.send("STARTTLS")).startsWith("503 5.5.2 Send hello first");
        }
    }

    @Test
    void auth_before_starttls_is_an_unrecognized_authentication_type() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            c.expect("EHLO client.example", "250");
            assertThat(c.send("AUTH LOGIN")).startsWith("504 5.7.4 Unrecognized authentication type [");
        }
    }

    @Test
    void mail_before_starttls_is_told_that_starttls_is_required() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            c.expect("EHLO client.example", "250");
            assertThat(c.send("MAIL FROM:<scanner@contoso.com>")).matches("451 5\\.7\\.3 STARTTLS is required to send mail" + TRACE);
        }
    }

    @Test
    void auth_plain_after_starttls_is_refused_with_504_5_7_4() throws IOException {
        try (WireClient c = WireClient.connectOverTls(lab)) {
            assertThat(c.send("AUTH PLAIN " + base64("\0scanner@contoso.com\0Lab-Passw0rd!")))
                    .startsWith("504 5.7.4 Unrecognized authentication type [");
        }
    }

    @Test
    void auth_login_asks_for_username_then_password_in_base64_and_accepts_the_right_ones() throws IOException {
        try (WireClient c = WireClient.connectOverTls(lab)) {
            assertThat(c.send("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.send(base64("scanner@contoso.com"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.send(base64("Lab-Passw0rd!"))).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void auth_login_with_the_user_name_as_initial_response_skips_the_first_challenge() throws IOException {
        try (WireClient c = WireClient.connectOverTls(lab)) {
            assertThat(c.send("AUTH LOGIN " + base64("SCANNER@contoso.com"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.send(base64("Lab-Passw0rd!"))).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void a_wrong_password_is_refused_and_the_reply_never_echoes_it() throws IOException {
        try (WireClient c = WireClient.connectOverTls(lab)) {
            c.expect("AUTH LOGIN " + base64("scanner@contoso.com"), "334 ");
            String reply = c.send(base64("canary-Secret-42"));
            assertThat(reply).matches("535 5\\.7\\.139 Authentication unsuccessful, the user credentials were incorrect\\." + TRACE);
            assertThat(reply).doesNotContain("canary").doesNotContain(base64("canary-Secret-42"));
        }
    }

    @Test
    void xoauth2_accepts_the_demo_token_after_an_empty_challenge() throws IOException {
        try (WireClient c = WireClient.connectOverTls(lab)) {
            assertThat(c.send("AUTH XOAUTH2")).isEqualTo("334 ");
            assertThat(c.send(WireClient.xoauth2("scanner@contoso.com", lab.demoAccessToken())))
                    .isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void xoauth2_with_any_other_token_fails_with_535_5_7_3() throws IOException {
        try (WireClient c = WireClient.connectOverTls(lab)) {
            assertThat(c.send("AUTH XOAUTH2 " + WireClient.xoauth2("scanner@contoso.com", "eyJ.not.it")))
                    .matches("535 5\\.7\\.3 Authentication unsuccessful" + TRACE);
        }
    }

    @Test
    void the_demo_token_is_jwt_shaped_for_outlook_with_smtp_send() {
        String[] parts = lab.demoAccessToken().split("\\.");
        assertThat(parts).hasSize(3);
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(claims).contains("\"aud\":\"https://outlook.office365.com\"", "\"scp\":\"SMTP.Send\"",
                "\"upn\":\"scanner@contoso.com\"");
    }

    @Test
    void mail_over_tls_without_auth_gets_530_5_7_57() throws IOException {
        try (WireClient c = WireClient.connectOverTls(lab)) {
            assertThat(c.send("MAIL FROM:<scanner@contoso.com>"))
                    .matches("530 5\\.7\\.57 Client not authenticated to send mail\\." + TRACE);
        }
    }

    @Test
    void a_healthy_delivery_is_acknowledged_with_its_message_id_and_stored() throws IOException {
        try (WireClient c = authenticated()) {
            assertThat(c.send("MAIL FROM:<scanner@contoso.com> SIZE=200")).isEqualTo("250 2.1.0 Sender OK");
            assertThat(c.send("RCPT TO:<reports@fabrikam.com>")).isEqualTo("250 2.1.5 Recipient OK");
            assertThat(c.send("DATA")).isEqualTo("354 Start mail input; end with <CRLF>.<CRLF>");
            String reply = c.send("From: Scanner <scanner@contoso.com>\r\nTo: reports@fabrikam.com\r\n"
                    + "Message-ID: <scan-1@contoso.com>\r\nSubject: scan\r\n\r\nHello\r\n..dot line\r\n.");
            assertThat(reply).isEqualTo("250 2.0.0 OK <scan-1@contoso.com> [Hostname=DB9PR10MB7151.EURPRD10.PROD.OUTLOOK.COM]");
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 Service closing transmission channel");
        }
        assertThat(lab.receivedMessages()).singleElement().asString()
                .startsWith("From: Scanner <scanner@contoso.com>\r\n")
                .endsWith("\r\nHello\r\n.dot line\r\n");
    }

    @Test
    void pipelined_envelope_commands_are_answered_in_order() throws IOException {
        try (WireClient c = authenticated()) {
            c.write("MAIL FROM:<scanner@contoso.com>\r\nRCPT TO:<reports@fabrikam.com>\r\nDATA\r\n");
            assertThat(c.readReply()).isEqualTo("250 2.1.0 Sender OK");
            assertThat(c.readReply()).isEqualTo("250 2.1.5 Recipient OK");
            assertThat(c.readReply()).startsWith("354 ");
            assertThat(c.send("Subject: pipelined\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 OK <");
        }
        assertThat(lab.receivedMessages()).containsExactly("Subject: pipelined\r\n\r\nbody\r\n");
    }

    @Test
    void a_message_sent_with_bdat_chunks_is_assembled_and_stored() throws IOException {
        String part1 = "From: scanner@contoso.com\r\nSubject: chunks\r\n\r\n";
        String part2 = "body\r\n";
        try (WireClient c = authenticated()) {
            c.expect("MAIL FROM:<scanner@contoso.com>", "250 ");
            c.expect("RCPT TO:<reports@fabrikam.com>", "250 ");
            c.write("BDAT " + part1.length() + "\r\n" + part1);
            assertThat(c.readReply()).startsWith("250 2.0.0");
            c.write("BDAT " + part2.length() + " LAST\r\n" + part2);
            assertThat(c.readReply()).startsWith("250 2.0.0 OK <").endsWith("[Hostname=DB9PR10MB7151.EURPRD10.PROD.OUTLOOK.COM]");
        }
        assertThat(lab.receivedMessages()).containsExactly(part1 + part2);
    }

    @Test
    void a_from_header_the_mailbox_may_not_send_as_is_refused_after_data_and_not_stored() throws IOException {
        try (WireClient c = authenticated()) {
            c.expect("MAIL FROM:<scanner@contoso.com>", "250 ");
            c.expect("RCPT TO:<reports@fabrikam.com>", "250 ");
            c.expect("DATA", "354 ");
            assertThat(c.send("From: ceo@contoso.com\r\n\r\nPay this.\r\n."))
                    .startsWith("554 5.2.252 SendAsDenied; scanner@contoso.com not allowed to send as ceo@contoso.com;");
        }
        assertThat(lab.receivedMessages()).isEmpty();
    }

    @Test
    void tls_1_2_can_be_negotiated() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            c.expect("EHLO client.example", "250");
            c.expect("STARTTLS", "220 ");
            SSLSession tls = c.startTls(lab.certificate(), "localhost", "TLSv1.2");
            assertThat(tls.getProtocol()).isEqualTo("TLSv1.2");
            assertThat(c.send("EHLO client.example")).contains("250-AUTH LOGIN XOAUTH2");
        }
    }

    @Test
    void tls_1_3_is_preferred_when_the_client_offers_it() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            c.expect("EHLO client.example", "250");
            c.expect("STARTTLS", "220 ");
            assertThat(c.startTls(lab.certificate(), "smtp.office365.com").getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    /**
     * Java 17 disables TLS 1.1 in the client as well (jdk.tls.disabledAlgorithms), so this
     * shows only that such a client cannot get a session from the lab; that the lab itself
     * enables only TLS 1.2/1.3 is asserted on {@link StartTlsSockets#PROTOCOLS} below.
     */
    @Test
    void a_client_limited_to_tls_1_1_cannot_complete_the_handshake_and_is_disconnected() throws IOException {
        try (WireClient c = WireClient.connect(lab.port())) {
            c.readReply();
            c.expect("EHLO client.example", "250");
            c.expect("STARTTLS", "220 ");
            assertThatThrownBy(() -> c.startTls(lab.certificate(), "localhost", "TLSv1.1"))
                    .isInstanceOf(SSLException.class);
        }
        try (WireClient again = WireClient.connect(lab.port())) {
            assertThat(again.readReply()).startsWith("220 "); // the lab itself is unharmed
        }
    }

    @Test
    void the_lab_enables_only_tls_1_3_and_1_2() {
        assertThat(StartTlsSockets.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void the_certificate_names_localhost_smtp_office365_com_and_127_0_0_1() throws Exception {
        List<String> names = lab.certificate().getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertThat(names).containsExactlyInAnyOrder("localhost", "smtp.office365.com", "127.0.0.1");
        assertThat(lab.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
    }

    @Test
    void an_idle_connection_is_closed_by_the_server() throws IOException {
        try (LabServer quick = LabServer.start(HEALTHY, 0, Duration.ofMillis(300));
                WireClient c = WireClient.connect(quick.port())) {
            c.readReply();
            assertThat(c.readReply()).startsWith("421 ");
            assertThat(c.serverClosed()).isTrue();
        }
    }

    @Test
    void close_returns_long_before_the_idle_timeout_even_with_a_client_connected_and_frees_the_port() throws IOException {
        WireClient c = WireClient.connectOverTls(lab);
        long started = System.nanoTime();
        lab.close();
        // Normally about 0.13 s. A close that waited for the connected session would wait its 60 s idle timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(c.serverClosed()).isTrue();
        c.close();
        assertThatThrownBy(() -> new Socket("127.0.0.1", lab.port()).close()).isInstanceOf(ConnectException.class);
        lab.close(); // idempotent
    }

    @Test
    void the_lab_listens_on_loopback_only() throws IOException {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
        try (Socket s = new Socket()) {
            assertThatThrownBy(() -> s.connect(new InetSocketAddress(external.get(), lab.port()), 2_000))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void an_unknown_scenario_is_refused_with_the_known_names() {
        Scenario bogus = new Scenario("no-such", "x", null, "a@b.c", "p", "a@b.c", "d@e.f", "none");
        assertThatThrownBy(() -> LabServer.start(bogus, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("healthy");
    }

    private WireClient authenticated() throws IOException {
        WireClient c = WireClient.connectOverTls(lab);
        c.expect("AUTH LOGIN " + base64("scanner@contoso.com"), "334 ");
        c.expect(base64("Lab-Passw0rd!"), "235 ");
        return c;
    }
}
