package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.testing.DeviceClient;

/**
 * A device limited to its own senders cannot put another originator in the header section:
 * each trick is sent over the wire and must be refused after DATA, with nothing queued.
 */
class RelaySenderPolicyTest {

    private final RecordingSink sink = new RecordingSink();

    private static DeviceRule limitedTo(String... senders) {
        return new DeviceRule("printer", List.of(Cidr.parse("127.0.0.1")), Optional.empty(), Optional.empty(), List.of(senders),
                Optional.empty());
    }

    private String send(DeviceRule device, String header) throws Exception {
        try (RelayServer relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, device), sink);
                DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            c.reply();
            assertThat(c.send("MAIL FROM:<me@test.local>")).startsWith("250 ");
            assertThat(c.send("RCPT TO:<b@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            return c.send(header + "Subject: s\r\n\r\nbody\r\n.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "From: me@test.local\r\nFrom: ceo@contoso.com\r\n",
        "From: me@test.local\r\nfrom: ceo@contoso.com\r\n",
        "From: me@test.local\r\nFROM : ceo@contoso.com\r\n",
        "From: me@test.local, ceo@contoso.com\r\n",
        "From: me@test.local,\r\n ceo@contoso.com\r\n",
        "From: (<me@test.local>) ceo@contoso.com\r\n",
        "From: me@test.local <ceo@contoso.com>\r\n",
        "From: \"me@test.local\" <ceo@contoso.com>\r\n",
        "From: ceo@contoso.com (me@test.local)\r\n",
        "From: me@test.local\r\nSender: ceo@contoso.com\r\n",
        "From: me@test.local\r\nSender: me@test.local\r\nSender: ceo@contoso.com\r\n",
        "From: me@test.local\r\nResent-From: ceo@contoso.com\r\n",
        "From: me@test.local\r\nResent-Sender: ceo@contoso.com\r\n",
        "From: staff: me@test.local, ceo@contoso.com;\r\n",
        "From: undisclosed-recipients:;\r\n",
        "From: me@test.local <<ceo@contoso.com>\r\n",
        "From: <@test.local:ceo@contoso.com>\r\n",
    })
    void a_second_originator_hidden_in_the_header_section_is_refused(String header) throws Exception {
        try (LogCapture logs = new LogCapture()) {
            assertThat(send(limitedTo("@test.local"), header)).startsWith("550 ");
            assertThat(logs.events("message.refused")).hasSize(1);
        }
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void several_from_mailboxes_are_accepted_with_an_allowed_sender_as_rfc_5322_asks() throws Exception {
        assertThat(send(limitedTo("@test.local"), "From: me@test.local, you@test.local\r\n")).startsWith("550 5.6.0 Several From mailboxes");
        assertThat(send(limitedTo("@test.local"), "From: me@test.local, \"Ops\" <ops@TEST.local>\r\nSender: me@test.local\r\n"))
                .startsWith("250 ");
        assertThat(sink.accepted()).hasSize(1);
    }

    @Test
    void allowed_originators_in_their_usual_shapes_pass() throws Exception {
        assertThat(send(limitedTo("@test.local"), "From: \"Scanner, 3rd floor\" <me@test.local>\r\n")).startsWith("250 ");
        assertThat(send(limitedTo("@test.local"), "From: me@test.local (Scanner)\r\nSender: ops@test.local\r\n")).startsWith("250 ");
        assertThat(send(limitedTo("@test.local"), "From: =?utf-8?q?Scanner_=C3=A9?= <me@test.local>\r\n")).startsWith("250 ");
        assertThat(send(limitedTo("@test.local"), "")).startsWith("250 ");
        assertThat(sink.accepted()).hasSize(4);
    }

    @Test
    void two_from_headers_are_refused_for_every_device_not_only_limited_ones() throws Exception {
        DeviceRule any = DeviceRule.network(Cidr.parse("127.0.0.1"));
        assertThat(send(any, "From: a@x.test\r\nfrom: b@y.test\r\n")).isEqualTo("550 5.6.0 More than one From header (RFC 5322 section 3.6)");
        assertThat(send(any, "From: a@x.test, b@y.test\r\n")).startsWith("250 ");
    }

    @Test
    void a_rewriting_device_gets_exactly_one_from_and_no_foreign_sender() throws Exception {
        DeviceRule rewriting = new DeviceRule("scanner", List.of(Cidr.parse("127.0.0.1")), Optional.empty(), Optional.empty(),
                List.of(), Optional.of("relay@contoso.com"));
        assertThat(send(rewriting, "From: scan@lan.local\r\nSender: ceo@contoso.com\r\n")).startsWith("250 ");
        assertThat(sink.only().text()).startsWith("Subject: s\r\n").contains("From: <relay@contoso.com>\r\n")
                .doesNotContain("ceo@contoso.com");
        assertThat(sink.only().text().split("(?i)\r\nfrom:", -1)).hasSize(2);
    }

    @Test
    void a_header_section_past_the_size_the_relay_reads_is_refused_so_no_field_escapes_the_check() throws Exception {
        String filler = ("X-Filler: " + "a".repeat(60) + "\r\n").repeat(MessagePreparer.MAX_HEADER_BYTES / 72 + 10);
        assertThat(send(limitedTo("@test.local"), "From: me@test.local\r\n" + filler + "From: ceo@contoso.com\r\n"))
                .isEqualTo("552 5.3.4 Message header size exceeds limit");
        assertThat(sink.accepted()).isEmpty();
    }
}
