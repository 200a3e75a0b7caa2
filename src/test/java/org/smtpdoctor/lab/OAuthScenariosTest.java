package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.smtp.Redactor;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.SmtpConnection;
import org.smtpdoctor.smtp.Timeouts;
import org.smtpdoctor.smtp.Transcript;
import org.smtpdoctor.tls.TlsClient;

/**
 * The oauth-* scenarios end to end: a real token from the lab's Entra by client credentials
 * over HTTP, then the project's own SMTP client: STARTTLS trusting the lab's certificate,
 * AUTH XOAUTH2, and for the healthy scenario the message.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OAuthScenariosTest {

    private static final String MAILBOX = Scenarios.MAILBOX;
    private static final String UNSUCCESSFUL = "535 5.7.3 Authentication unsuccessful [" + M365Replies.TRACE_HOST + " ";

    @ParameterizedTest(name = "{0}")
    @CsvSource({"oauth-missing-permission", "oauth-wrong-audience", "oauth-expired-token", "oauth-no-mailbox-permission"})
    void a_token_from_the_scenarios_entra_gets_exchanges_catch_all_refusal(String name) throws Exception {
        try (LabServer lab = start(name); SmtpClient smtp = overTls(lab)) {
            Reply reply = smtp.authXoauth2(MAILBOX, Secret.of(TokenRequests.clientCredentials(lab.oauth().orElseThrow())));
            assertThat(reply.oneLine()).startsWith(UNSUCCESSFUL).endsWith("]");
            assertThat(smtp.state()).isEqualTo(SmtpClient.State.READY);
        }
    }

    @Test
    void the_healthy_oauth_scenario_authenticates_and_accepts_the_message() throws Exception {
        try (LabServer lab = start("oauth-healthy"); SmtpClient smtp = overTls(lab)) {
            assertThat(smtp.capabilities().authMechanisms()).containsExactlyInAnyOrder("LOGIN", "XOAUTH2");
            Reply auth = smtp.authXoauth2(MAILBOX, Secret.of(TokenRequests.clientCredentials(lab.oauth().orElseThrow())));
            assertThat(auth.oneLine()).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(smtp.mailFrom(MAILBOX).code()).isEqualTo(250);
            assertThat(smtp.rcptTo(Scenarios.RECIPIENT).code()).isEqualTo(250);
            Reply data = smtp.data(("From: <" + MAILBOX + ">\r\nSubject: oauth\r\n\r\nscan attached\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(data.oneLine()).startsWith("250 2.0.0 OK <");
            assertThat(lab.receivedMessages()).hasSize(1);
        }
    }

    @Test
    void a_long_token_may_also_come_after_an_empty_challenge() throws Exception {
        try (LabServer lab = start("oauth-healthy"); WireClient c = WireClient.connectOverTls(lab)) {
            String token = TokenRequests.clientCredentials(lab.oauth().orElseThrow());
            assertThat(WireClient.xoauth2(MAILBOX, token)).hasSizeGreaterThan(1000);
            assertThat(c.send("AUTH XOAUTH2")).isEqualTo("334 ");
            assertThat(c.send(WireClient.xoauth2(MAILBOX, token))).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void a_token_of_another_entra_is_refused() throws Exception {
        try (LabServer lab = start("oauth-healthy");
                LabOAuth otherEntra = LabOAuth.start(LabOAuth.Issuance.EXCHANGE);
                SmtpClient smtp = overTls(lab)) {
            // same claims and issuer path layout, signed by the other server's key
            Reply reply = smtp.authXoauth2(MAILBOX, Secret.of(TokenRequests.clientCredentials(otherEntra)));
            assertThat(reply.oneLine()).startsWith(UNSUCCESSFUL);
        }
    }

    @Test
    void a_self_made_rs256_token_with_the_right_claims_is_refused() throws Exception {
        try (LabServer lab = start("oauth-healthy"); SmtpClient smtp = overTls(lab)) {
            SignedJWT genuine = SignedJWT.parse(TokenRequests.clientCredentials(lab.oauth().orElseThrow()));
            RSAKey forger = new RSAKeyGenerator(2048).keyID(genuine.getHeader().getKeyID()).generate();
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(forger.getKeyID())
                    .type(JOSEObjectType.JWT).build(), genuine.getJWTClaimsSet());
            forged.sign(new RSASSASigner(forger));
            assertThat(smtp.authXoauth2(MAILBOX, Secret.of(forged.serialize())).oneLine()).startsWith(UNSUCCESSFUL);
        }
    }

    @Test
    void the_demo_token_of_the_other_scenarios_is_not_accepted() throws Exception {
        try (LabServer lab = start("oauth-healthy"); SmtpClient smtp = overTls(lab)) {
            assertThat(smtp.authXoauth2(MAILBOX, Secret.of(lab.demoAccessToken())).oneLine()).startsWith(UNSUCCESSFUL);
        }
    }

    @Test
    void a_malformed_xoauth2_blob_gets_the_malformed_answer() throws Exception {
        try (LabServer lab = start("oauth-healthy"); SmtpClient smtp = overTls(lab)) {
            String noToken = Base64.getEncoder().encodeToString(("user=" + MAILBOX + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.command("AUTH XOAUTH2 " + noToken).oneLine()).startsWith("501 5.5.124 Invalid XOAUTH2 auth data [");
        }
    }

    @Test
    void the_token_never_reaches_the_labs_logs_or_output() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.TRACE); // as with SMTP_DOCTOR_LOG=trace
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        String canary = "CANARY-" + System.nanoTime();
        List<String> tokens;
        try {
            try (LabServer lab = start("oauth-no-mailbox-permission"); SmtpClient smtp = overTls(lab)) {
                String token = TokenRequests.clientCredentials(lab.oauth().orElseThrow());
                tokens = List.of(token, token.substring(token.lastIndexOf('.') + 1), canary);
                assertThat(smtp.authXoauth2(MAILBOX, Secret.of(token)).code()).isEqualTo(535);
                assertThat(smtp.authXoauth2(MAILBOX, Secret.of(canary)).code()).isEqualTo(535);
            }
        } finally {
            root.setLevel(level);
            root.detachAppender(logs);
            System.setOut(out);
            System.setErr(err);
        }
        StringBuilder seen = new StringBuilder(printed.toString(StandardCharsets.UTF_8));
        for (ILoggingEvent e : logs.list) {
            seen.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                seen.append(e.getThrowableProxy().getMessage()).append('\n');
            }
        }
        assertThat(seen.toString()).as("the lab logged (refusal reasons at DEBUG)").contains("NO_MAILBOX_PERMISSION");
        assertThat(tokens).allSatisfy(secret -> assertThat(seen.toString()).doesNotContain(secret));
    }

    private static LabServer start(String scenario) throws IOException {
        return LabServer.start(Scenarios.byName(scenario).orElseThrow(), 0);
    }

    /** Greeting, EHLO, STARTTLS trusting the lab's certificate, EHLO again: ready for AUTH. */
    private static SmtpClient overTls(LabServer lab) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", lab.port()), 5_000);
        Duration timeout = Duration.ofSeconds(5);
        SmtpClient smtp = new SmtpClient(new SmtpConnection(socket, new Timeouts(timeout, timeout, Duration.ofSeconds(30)),
                new Transcript(new Redactor())));
        smtp.greeting();
        smtp.hello("client.example");
        assertThat(smtp.startTls(new TlsClient(List.of(lab.certificate())), "localhost", lab.port()).session()).isPresent();
        assertThat(smtp.hello("client.example").code()).isEqualTo(250);
        return smtp;
    }
}
