package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.testing.DeviceClient;

/** Never an open relay; never a secret in the log. */
class RelaySecurityTest {

    private final RecordingSink sink = new RecordingSink();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_client_outside_the_allowed_networks_is_refused_before_data_with_relaying_denied() throws Exception {
        DeviceRule elsewhere = DeviceRule.network(Cidr.parse("10.0.0.0/8"));
        try (LogCapture logs = new LogCapture();
                RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, elsewhere), sink);
                DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            c.reply();
            assertThat(c.send("EHLO intruder")).doesNotContain("AUTH");
            assertThat(c.send("AUTH PLAIN " + b64("\0x\0y"))).startsWith("504 ");
            assertThat(logs.events("auth.refused").get(0)).contains("no device accounts are configured");
            assertThat(c.send("MAIL FROM:<a@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<victim@example.org>")).isEqualTo("550 5.7.1 Relaying denied");
            assertThat(c.send("DATA")).isEqualTo("554 5.5.1 No valid recipients");
            assertThat(logs.events("relay.denied").get(0)).contains("client=127.0.0.1", "recipient=victim@example.org",
                    "reason=not_a_device");
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void a_client_that_could_log_in_but_did_not_is_told_authentication_is_required() throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.account("nas01")), sink);
                DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            c.reply();
            assertThat(c.send("MAIL FROM:<a@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).isEqualTo("530 5.7.0 Authentication required");
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void a_wrong_device_password_is_refused_and_three_close_the_connection() throws Exception {
        var plainAuth = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                1 << 20, 5, 5, java.time.Duration.ofSeconds(5), true);
        try (RelayServer relay = RelayServer.start(TestRelay.config(List.of(plainAuth), List.of(TestRelay.account("nas01")), List.of()), sink);
                DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            c.reply();
            assertThat(c.send("AUTH PLAIN " + b64("\0nas01\0wrong"))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(c.send("AUTH PLAIN " + b64("\0nobody\0" + TestRelay.PASSWORD))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(c.send("MAIL FROM:<a@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).isEqualTo("530 5.7.0 Authentication required");
            assertThat(c.send("RSET")).startsWith("250 ");
            assertThat(c.send("AUTH LOGIN " + b64("nas01"))).startsWith("334 ");
            assertThat(c.send(b64("still wrong"))).startsWith("421 4.7.0");
            assertThat(c.reply()).isNull();
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void an_account_limited_to_other_networks_cannot_log_in_from_here() throws Exception {
        DeviceRule remote = new DeviceRule("branch", List.of(Cidr.parse("192.168.50.0/24")), java.util.Optional.of("nas01"),
                java.util.Optional.of(TestRelay.HASH), List.of(), java.util.Optional.empty());
        var plainAuth = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                1 << 20, 5, 5, java.time.Duration.ofSeconds(5), true);
        try (RelayServer relay = RelayServer.start(TestRelay.config(List.of(plainAuth), List.of(remote), List.of()), sink);
                DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            c.reply();
            assertThat(c.send("AUTH PLAIN " + b64("\0nas01\0" + TestRelay.PASSWORD))).startsWith("535 ");
        }
    }

    @Test
    void relaying_to_a_domain_outside_the_recipient_allow_list_is_refused() throws Exception {
        RelayConfig config = TestRelay.config(List.of(TestRelay.listener(ListenerMode.PLAIN)), List.of(TestRelay.loopback()),
                List.of("contoso.com"));
        try (RelayServer relay = RelayServer.start(config, sink); DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            c.reply();
            assertThat(c.send("MAIL FROM:<a@contoso.com>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<x@gmail.com>")).isEqualTo("550 5.7.1 Relaying to this domain is not allowed");
            assertThat(c.send("RCPT TO:<x@CONTOSO.com>")).startsWith("250 ");
        }
    }

    @Test
    void no_password_or_auth_payload_ever_reaches_the_log() throws Exception {
        String canary = TestRelay.PASSWORD;
        var plainAuth = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, List.of(), new CertificateSource.SelfSigned(),
                1 << 20, 5, 5, java.time.Duration.ofSeconds(5), true);
        List<String> payloads = List.of(b64("\0nas01\0" + canary), b64(canary), b64("\0nas01\0" + canary + "x"), b64(canary + "x"));
        try (LogCapture logs = new LogCapture()) {
            try (RelayServer relay = RelayServer.start(TestRelay.config(List.of(plainAuth), List.of(TestRelay.account("nas01")), List.of()), sink)) {
                try (DeviceClient c = new DeviceClient(relay.ports().get(0))) {
                    c.reply();
                    assertThat(c.send("AUTH PLAIN " + payloads.get(2))).startsWith("535 ");
                    assertThat(c.send("AUTH LOGIN " + b64("nas01"))).startsWith("334 ");
                    assertThat(c.send(payloads.get(3))).startsWith("535 ");
                    assertThat(c.send("AUTH PLAIN " + payloads.get(0))).startsWith("235 ");
                }
                try (DeviceClient c = new DeviceClient(relay.ports().get(0))) {
                    c.reply();
                    assertThat(c.send("AUTH LOGIN")).startsWith("334 ");
                    assertThat(c.send(b64("nas01"))).startsWith("334 ");
                    assertThat(c.send(payloads.get(1))).startsWith("235 ");
                    c.send("QUIT");
                }
            }
            assertThat(logs.events("auth.succeeded")).hasSize(2);
            assertThat(logs.events("auth.failed")).hasSize(2);
            String all = String.join("\n", logs.lines());
            assertThat(all).doesNotContain(canary);
            for (String p : payloads) {
                assertThat(all).doesNotContain(p);
            }
        }
    }
}
