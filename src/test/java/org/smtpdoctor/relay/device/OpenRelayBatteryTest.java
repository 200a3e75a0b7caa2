package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpdoctor.relay.config.AuthLimits;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.testing.DeviceClient;

/**
 * Never an open relay: every classic relay trick against a relay with one allowed network
 * (127.0.0.1) and one device account (nas01, over TLS only), from an address that is neither
 * (127.0.0.2: still this machine's loopback). Each attempt is its own connection. For each:
 * nothing reaches the spool; every refusal has the code the attempt expects; and every refusal
 * the relay's verbs give is logged exactly once, as one WARN line carrying that reply and the
 * client's address (SubEthaSMTP's own {@code 500 Error: ...} for lines that are no command at all
 * are the only unlogged refusals). Run twice: with the account allowed from anywhere (so a
 * stranger is told {@code 530 5.7.0}: authentication could make it a device) and limited to
 * 127.0.0.1 (then {@code 550 5.7.1 Relaying denied}).
 * <p>
 * The second half: a device that may send, but only to contoso.com, cannot escape that limit
 * with the same tricks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenRelayBatteryTest {

    private static final String OUTSIDER = "127.0.0.2";
    private static final String RCPT_REFUSED = "RCPT-REFUSED";
    private static final String AUTH_REQUIRED = "530 5.7.0 Authentication required";
    private static final String RELAY_DENIED = "550 5.7.1 Relaying denied";
    private static final String NO_VALID_RECIPIENTS = "554 5.5.1 No valid recipients";
    /** No slow-down or lockout here: the battery's failed AUTHs would otherwise add up across attempts (AbuseTest has them). */
    private static final AuthLimits NO_THROTTLE = new AuthLimits(1000, Duration.ZERO, 1000, Duration.ofMinutes(1), 2);

    private final RecordingSink sink = new RecordingSink();
    private RelayServer accountAnywhere;
    private RelayServer accountOnLoopback;
    private RelayServer limitedDevice;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ListenerConfig starttls() {
        return new ListenerConfig("127.0.0.1", 0, ListenerMode.STARTTLS, ListenerConfig.DEFAULT_TLS_VERSIONS,
                new CertificateSource.SelfSigned(), 1 << 20, 50, 50, Duration.ofSeconds(5), false);
    }

    private static DeviceRule account(List<Cidr> from) {
        return new DeviceRule("nas", from, Optional.of("nas01"), Optional.of(TestRelay.HASH), List.of(), Optional.empty());
    }

    @BeforeAll
    void start() throws Exception {
        DeviceRule lan = DeviceRule.network(Cidr.parse("127.0.0.1/32"));
        accountAnywhere = RelayServer.start(TestRelay.config(List.of(starttls()), List.of(lan, account(List.of())), List.of())
                .withAuth(NO_THROTTLE), sink);
        accountOnLoopback = RelayServer.start(TestRelay.config(List.of(starttls()),
                List.of(lan, account(List.of(Cidr.parse("127.0.0.1/32")))), List.of()).withAuth(NO_THROTTLE), sink);
        DeviceRule limited = new DeviceRule("scanner", List.of(Cidr.parse("127.0.0.1/32")), Optional.empty(), Optional.empty(),
                List.of(), Optional.empty());
        limitedDevice = RelayServer.start(TestRelay.config(List.of(TestRelay.listener(ListenerMode.PLAIN)), List.of(limited),
                List.of("contoso.com")).withAuth(NO_THROTTLE), sink);
    }

    @AfterAll
    void stop() {
        Stream.of(accountAnywhere, accountOnLoopback, limitedDevice).forEach(RelayServer::close);
    }

    /** One line to send (with its CRLF unless it carries its own line ends) and the reply it must get (a prefix). */
    record Step(String send, String... expect) {}

    private static Step s(String send, String... expect) {
        return new Step(send, expect);
    }

    /**
     * One relay trick, in a connection of its own: greeted first (EHLO, and STARTTLS when {@code
     * tls}); {@code pipelined} writes every step at once before reading any reply.
     */
    record Attempt(String name, boolean tls, boolean pipelined, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Attempt plain(String name, Step... steps) {
        return new Attempt(name, false, false, List.of(steps));
    }

    private static Attempt tls(String name, Step... steps) {
        return new Attempt(name, true, false, List.of(steps));
    }

    private static final Step MAIL = s("MAIL FROM:<spam@evil.example>", "250 ");
    private static final Step DATA = s("DATA", NO_VALID_RECIPIENTS);

    private static Attempt recipient(String name, String rcpt) {
        return plain(name, MAIL, s("RCPT TO:" + rcpt, RCPT_REFUSED), DATA);
    }

    static Stream<Attempt> tricks() {
        String wrong = b64("\0nas01\0Not-the-password");
        String right = b64("\0nas01\0" + TestRelay.PASSWORD);
        return Stream.of(
                recipient("plain relay", "<victim@example.org>"),
                recipient("%-hack", "<victim%example.org@contoso.com>"),
                plain("%-hack to a bare local part", MAIL, s("RCPT TO:<victim%example.org>", "501 5.1.3"), s("DATA", "503 5.5.1")),
                recipient("source route", "<@contoso.com:victim@example.org>"),
                recipient("source route with two hops", "<@contoso.com,@relay.contoso.com:victim@example.org>"),
                plain("bang path", MAIL, s("RCPT TO:<example.org!victim>", "501 5.1.3"), s("DATA", "503 5.5.1")),
                recipient("bang path with a local domain", "<example.org!victim@contoso.com>"),
                recipient("quoted local part holding an address", "<\"victim@example.org\"@contoso.com>"),
                recipient("quoted local part holding a %-hack", "<\"victim%example.org\"@contoso.com>"),
                recipient("IPv4 address literal", "<victim@[192.0.2.1]>"),
                recipient("IPv6 address literal", "<victim@[IPv6:2001:db8::1]>"),
                recipient("loopback address literal", "<postmaster@[127.0.0.1]>"),
                recipient("trailing dot", "<victim@example.org.>"),
                recipient("uppercase", "<VICTIM@EXAMPLE.ORG>"),
                recipient("no brackets", "victim@example.org"),
                recipient("ORCPT and NOTIFY parameters", "<victim@example.org> NOTIFY=NEVER ORCPT=rfc822;boss@contoso.com"),
                plain("null sender", s("MAIL FROM:<>", "250 "), s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA),
                plain("MAIL with AUTH= claiming an authenticated sender (RFC 4954 §5)",
                        s("MAIL FROM:<boss@contoso.com> AUTH=nas01", "250 "), s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA),
                plain("NUL in RCPT, to cut a C string short", MAIL, s("RCPT TO:<victim@example.org\0@contoso.com>", "501 5.1.3"),
                        s("DATA", "503 5.5.1")),
                plain("NUL in MAIL", s("MAIL FROM:<spam@evil.example\0>", "501 5.1.7"), s("RCPT TO:<victim@example.org>", "503 5.5.1")),
                plain("CR LF injection in MAIL", s("MAIL FROM:<spam@evil.example>\r\nRCPT TO:<victim@example.org>\r\n", "250 ",
                        RCPT_REFUSED), DATA),
                plain("bare CR inside a recipient", MAIL, s("RCPT TO:<victim@example.org\r@contoso.com>\r\n", "501 5.1.3",
                        "500 Error")),
                plain("bare LF inside a recipient", MAIL, s("RCPT TO:<victim@example.org\n@contoso.com>\r\n", "501 5.1.3",
                        "500 Error")),
                plain("RCPT before MAIL", s("RCPT TO:<victim@example.org>", "503 5.5.1"), s("DATA", "503 5.5.1")),
                plain("XCLIENT to pose as the allowed address", s("XCLIENT ADDR=127.0.0.1 NAME=localhost", "502 5.5.1"), MAIL,
                        s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA),
                plain("XFORWARD to pose as the allowed address", s("XFORWARD ADDR=127.0.0.1 NAME=localhost", "502 5.5.1"), MAIL,
                        s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA),
                plain("PROXY protocol header", s("PROXY TCP4 127.0.0.1 127.0.0.1 40000 25", "500 Error"), MAIL,
                        s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA),
                plain("HELO as the allowed address", s("HELO [127.0.0.1]", "250 "), MAIL, s("RCPT TO:<victim@example.org>", RCPT_REFUSED),
                        DATA),
                plain("ETRN, TURN, ATRN, EXPN, BDAT", s("ETRN contoso.com", "502 5.5.1"), s("TURN", "502 5.5.1"),
                        s("ATRN contoso.com", "502 5.5.1"), s("EXPN staff", "502 5.5.1"), s("BDAT 10 LAST", "502 5.5.1")),
                plain("AUTH with the right password before TLS (downgrade: STARTTLS stripped)", s("AUTH PLAIN " + right, "538 5.7.11"),
                        MAIL, s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA),
                plain("AUTH LOGIN before TLS", s("AUTH LOGIN", "538 5.7.11"), MAIL, s("RCPT TO:<victim@example.org>", RCPT_REFUSED)),
                tls("AUTH with a wrong password, then MAIL", s("AUTH PLAIN " + wrong, "535 5.7.8"), MAIL,
                        s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA),
                tls("AUTH LOGIN with a wrong password", s("AUTH LOGIN", "334 VXNlcm5hbWU6"), s(b64("nas01"), "334 UGFzc3dvcmQ6"),
                        s(b64("guess"), "535 5.7.8"), MAIL, s("RCPT TO:<victim@example.org>", RCPT_REFUSED)),
                tls("AUTH as another user (authzid)", s("AUTH PLAIN " + b64("admin\0nas01\0" + TestRelay.PASSWORD), "535 5.7.8"), MAIL,
                        s("RCPT TO:<victim@example.org>", RCPT_REFUSED)),
                tls("AUTH mechanism downgrade to ones not offered", s("AUTH CRAM-MD5", "504 5.5.4"), s("AUTH ANONYMOUS", "504 5.5.4"),
                        s("AUTH EXTERNAL =", "504 5.5.4"), s("AUTH XOAUTH2 " + b64("user=nas01\1auth=Bearer x\1\1"), "504 5.5.4"), MAIL,
                        s("RCPT TO:<victim@example.org>", RCPT_REFUSED)),
                tls("AUTH cancelled and AUTH with junk (MIME base64 skips what is not base64: no credentials)", s("AUTH LOGIN", "334 "), s("*", "501 5.7.0"), s("AUTH PLAIN !!!", "535 5.7.8"),
                        MAIL, s("RCPT TO:<victim@example.org>", RCPT_REFUSED)),
                new Attempt("pipelined commands after a refused AUTH", true, true, List.of(
                        s("AUTH PLAIN " + wrong, "535 5.7.8"), MAIL, s("RCPT TO:<victim@example.org>", RCPT_REFUSED), DATA,
                        s("Subject: relayed?", "500 Error"), s("", "500 Error"), s("RCPT TO:<victim2@example.org>", RCPT_REFUSED),
                        s(".", "500 Error"), s("QUIT", "221 "))));
    }

    static Stream<Arguments> strangers() {
        return tricks().flatMap(t -> Stream.of(Arguments.of(t, "account from anywhere"), Arguments.of(t, "account only on 127.0.0.1")));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("strangers")
    void a_stranger_relays_nothing_whatever_it_tries(Attempt attempt, String accounts) throws Exception {
        boolean anywhere = accounts.equals("account from anywhere");
        RelayServer relay = anywhere ? accountAnywhere : accountOnLoopback;
        run(relay, OUTSIDER, attempt, anywhere ? AUTH_REQUIRED : RELAY_DENIED);
    }

    static Stream<Attempt> escapes() {
        String denied = "550 5.7.1 Relaying to this domain is not allowed";
        String routed = "550 5.7.1 Relaying denied: %, ! or @ in the local part";
        Step mail = s("MAIL FROM:<scanner@contoso.com>", "250 ");
        Step data = s("DATA", NO_VALID_RECIPIENTS);
        return Stream.of(
                plain("another domain", mail, s("RCPT TO:<victim@example.org>", denied), data),
                plain("%-hack through the allowed domain", mail, s("RCPT TO:<victim%example.org@contoso.com>", routed), data),
                plain("bang path through the allowed domain", mail, s("RCPT TO:<example.org!victim@contoso.com>", routed), data),
                plain("quoted address at the allowed domain", mail, s("RCPT TO:<\"victim@example.org\"@contoso.com>", routed), data),
                plain("quoted %-hack at the allowed domain", mail, s("RCPT TO:<\"victim%example.org\"@contoso.com>", routed), data),
                plain("source route through the allowed domain", mail, s("RCPT TO:<@contoso.com:victim@example.org>", denied), data),
                plain("allowed domain as a subdomain of another", mail, s("RCPT TO:<victim@contoso.com.example.org>", denied), data),
                plain("another domain ending in the allowed one", mail, s("RCPT TO:<victim@evilcontoso.com>", denied), data),
                plain("trailing dot", mail, s("RCPT TO:<victim@example.org.>", denied), data),
                plain("address literal", mail, s("RCPT TO:<victim@[192.0.2.1]>", denied), data),
                plain("two @", mail, s("RCPT TO:<victim@example.org@contoso.com>", "501 5.1.3"), s("DATA", "503 5.5.1")),
                plain("NUL after the allowed domain", mail, s("RCPT TO:<victim@contoso.com\0.example.org>", "501 5.1.3"),
                        s("DATA", "503 5.5.1")),
                plain("NUL before the allowed domain", mail, s("RCPT TO:<victim@example.org\0@contoso.com>", "501 5.1.3"),
                        s("DATA", "503 5.5.1")),
                plain("uppercase allowed domain: accepted, it is the same domain", mail, s("RCPT TO:<boss@CONTOSO.COM>", "250 "),
                        s("RCPT TO:<victim@EXAMPLE.ORG>", denied), s("RSET", "250 ")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void a_device_limited_to_one_domain_cannot_send_elsewhere(Attempt attempt) throws Exception {
        run(limitedDevice, "127.0.0.1", attempt, "-");
    }

    @Test
    void the_limited_device_still_sends_to_its_domain() throws Exception {
        try (DeviceClient c = new DeviceClient(limitedDevice.ports().get(0))) {
            c.reply();
            c.send("EHLO scanner");
            c.send("MAIL FROM:<scanner@contoso.com>");
            assertThat(c.send("RCPT TO:<boss@contoso.com>")).startsWith("250 ");
            assertThat(c.send("DATA")).startsWith("354 ");
            assertThat(c.send("Subject: scan\r\n\r\nPage 1\r\n.")).startsWith("250 2.0.0 OK queued as ");
        }
        assertThat(sink.accepted()).singleElement().satisfies(m -> assertThat(m.envelope().recipients()).containsExactly("boss@contoso.com"));
        sink.clear();
    }

    /** Runs one attempt from {@code from} and checks: nothing stored, each expected reply, each refusal logged once. */
    private void run(RelayServer relay, String from, Attempt attempt, String rcptRefused) throws Exception {
        List<String> replies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            try (DeviceClient c = new DeviceClient(from, relay.ports().get(0))) {
                assertThat(c.reply()).startsWith("220 ");
                assertThat(c.send("EHLO intruder.example")).startsWith("250");
                if (attempt.tls()) {
                    assertThat(c.send("STARTTLS")).startsWith("220 ");
                    c.startTls();
                    assertThat(c.send("EHLO intruder.example")).contains("AUTH PLAIN LOGIN");
                }
                for (Step step : attempt.steps()) {
                    for (String e : step.expect()) {
                        expected.add(e.equals(RCPT_REFUSED) ? rcptRefused : e);
                    }
                }
                if (attempt.pipelined()) {
                    StringBuilder all = new StringBuilder();
                    attempt.steps().forEach(step -> all.append(step.send()).append("\r\n"));
                    c.raw(all.toString());
                    for (int i = 0; i < expected.size(); i++) {
                        replies.add(c.reply());
                    }
                } else {
                    for (Step step : attempt.steps()) {
                        c.raw(step.send().endsWith("\r\n") ? step.send() : step.send() + "\r\n");
                        for (int i = 0; i < step.expect().length; i++) {
                            replies.add(c.reply());
                        }
                    }
                }
                try {
                    c.raw("QUIT\r\n");
                } catch (java.io.IOException e) {
                    // closed already (the attempt ended with QUIT, or the relay cut it)
                }
            }
            for (int i = 0; i < expected.size(); i++) {
                assertThat(replies.get(i)).as("reply %d of %s: %s", i + 1, attempt, replies).startsWith(expected.get(i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.events("connection.closed").stream()
                    .anyMatch(l -> l.contains("client=" + from)));
            List<String> warnings = logs.warnings().stream().filter(l -> l.contains("client=" + from)).toList();
            List<String> refusals = replies.stream().filter(r -> r.startsWith("4") || r.startsWith("5"))
                    .filter(r -> !r.startsWith("500 Error")) // SubEthaSMTP's own, for lines that are no command
                    .toList();
            for (String r : refusals) {
                long logged = warnings.stream().filter(l -> l.contains("reply=\"" + r + "\"")).count();
                assertThat(logged).as("'%s' logged once; warnings: %s", r, warnings).isEqualTo(refusals.stream().filter(r::equals).count());
            }
            assertThat(warnings).as("one warning per refusal").hasSameSizeAs(refusals);
            assertThat(logs.events("message.queued")).isEmpty();
            assertThat(String.join("\n", logs.lines())).doesNotContain(TestRelay.PASSWORD);
        }
        assertThat(sink.accepted()).as("relayed by %s", attempt).isEmpty();
    }
}
