package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.lab.LabGraph;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.device.RelayServer;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.DeviceClient;

/**
 * m365-graph:// end to end against the lab's Microsoft Graph (real HTTP on 127.0.0.1, tokens
 * from the lab's Entra): a device's message through the relay's listener and spool into the
 * lab's mailbox, byte for byte after the Received line; a 10 MB message as a draft with its
 * attachment by upload session; throttling deferred then delivered; the permission and scope
 * refusals deferred with their cause; Send As refused with a DSN; nothing secret in any log.
 */
class GraphUpstreamTest {

    static final String SECRET = "Canary-graph-5ecret-" + System.nanoTime();

    @TempDir
    Path dir;

    static String url(LabServer lab, String extra) {
        LabOAuth entra = lab.entra().orElseThrow();
        entra.addClientSecret(SECRET); // the app's own secret, a canary: the lab's Entra refuses others
        return "m365-graph://scanner@contoso.com?tenant=" + entra.tenant() + "&client-id=" + entra.clientId()
                + "&client-secret-env=GRAPH_SECRET&authority=" + entra.authority() + "&graph=" + lab.graph().orElseThrow().url() + extra;
    }

    static Upstream upstream(LabServer lab, String extra) {
        return Upstreams.create(UpstreamUrl.parse(url(lab, extra)), Fixtures.settings().withEnv(Map.of("GRAPH_SECRET", SECRET)));
    }

    static LabServer lab(String scenario) throws Exception {
        return LabServer.start(Scenarios.byName(scenario).orElseThrow(), 0);
    }

    /** A device's SMTP session: EHLO, MAIL, RCPT, DATA with the content dot-stuffed, the final dot. */
    static String deviceSends(int port, String from, List<String> to, String content) throws Exception {
        try (DeviceClient d = new DeviceClient(port)) {
            d.reply();
            d.send("EHLO printer.lan");
            assertThat(d.send("MAIL FROM:<" + from + ">")).startsWith("250");
            for (String r : to) {
                assertThat(d.send("RCPT TO:<" + r + ">")).startsWith("250");
            }
            assertThat(d.send("DATA")).startsWith("354");
            d.raw(content.replaceAll("(?m)^\\.", ".."));
            String reply = d.send(".");
            d.send("QUIT");
            return reply;
        }
    }

    /** The relay's configuration as RelayCommand builds it, the secret in a file. */
    RelayConfig config(LabServer lab, String extra) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        String u = url(lab, extra).replace("client-secret-env=GRAPH_SECRET", "client-secret-file=" + secret);
        return RelayConfig.quickStart(Optional.empty(), List.of("127.0.0.1:0"), List.of(u), List.of("127.0.0.0/8"),
                Optional.of(dir.resolve("spool")), false);
    }

    /** A device sends the content to a relay wired as RelayCommand wires it; what the lab's Graph sent. */
    LabGraph.SentMail throughTheRelay(LabServer lab, String content, Duration wait) throws Exception {
        RelayConfig config = config(lab, "");
        try (Spool spool = Fixtures.spool(dir);
             DeliveryWorker worker = DeliveryWorker.start(spool, Optional.empty(),
                     Upstreams.create(config.upstreams(), Fixtures.settings()), Fixtures.options());
             RelayServer relay = RelayServer.start(config, worker.sink())) {
            assertThat(deviceSends(relay.ports().get(0), "scanner@contoso.com", List.of("bob@fabrikam.com"), content))
                    .startsWith("250");
            LabGraph graph = lab.graph().orElseThrow();
            await().atMost(wait).until(() -> graph.sent().size() == 1 && spool.list().isEmpty());
            return graph.sent().get(0);
        }
    }

    static String small(String subject) {
        return "From: Scanner <scanner@contoso.com>\r\nTo: Bob <bob@fabrikam.com>\r\nSubject: " + subject + "\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@printer.lan>\r\nDate: Sat, 5 Dec 2026 10:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n\r\nPage 1.\r\n.a line that starts with a dot\r\n";
    }

    @Test
    void aDevicesMessageReachesTheLabsGraphMailboxByteForByteAfterTheReceivedLine() throws Exception {
        try (LabServer lab = lab("graph-healthy"); LogLines log = new LogLines()) {
            String content = small("graph end to end");
            LabGraph.SentMail sent = throughTheRelay(lab, content, Duration.ofSeconds(20));
            String arrived = new String(sent.mime(), StandardCharsets.ISO_8859_1);
            assertThat(arrived).startsWith("Received: from printer.lan (");
            assertThat(arrived.substring(arrived.indexOf("\r\nFrom: ") + 2)).isEqualTo(content);
            assertThat(sent.via()).isEqualTo("sendMail (MIME)");
            assertThat(sent.savedToSentItems()).isTrue();
            assertThat(log.events("delivered")).singleElement().asString().contains("reply=\"Graph HTTP 202 Accepted: sendMail (MIME");
            assertNothingSecret(log);
        }
    }

    @Test
    void aTenMegabyteMessageGoesAsADraftWithItsAttachmentByUploadSessionIntact() throws Exception {
        byte[] pdf = new byte[7_600_000];
        new Random(42).nextBytes(pdf);
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pdf);
        String content = "From: Scanner <scanner@contoso.com>\r\nTo: bob@fabrikam.com\r\nSubject: big scan\r\n"
                + "Message-ID: <big@printer.lan>\r\nDate: Sat, 5 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "The scan is attached.\r\n--b1\r\nContent-Type: application/pdf; name=\"scan.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"scan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64 + "\r\n--b1--\r\n";
        assertThat(content.length()).isGreaterThan(10_000_000);
        try (LabServer lab = lab("graph-healthy"); LogLines log = new LogLines()) {
            LabGraph.SentMail sent = throughTheRelay(lab, content, Duration.ofSeconds(60));
            assertThat(sent.via()).isEqualTo("draft");
            assertThat(sent.attachments()).singleElement().satisfies(a -> {
                assertThat(a.name()).isEqualTo("scan.pdf");
                assertThat(a.contentType()).isEqualTo("application/pdf");
                assertThat(a.bytes()).isEqualTo(pdf);
            });
            MimeMessage draft = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(sent.mime()));
            assertThat(draft.getSubject()).isEqualTo("big scan");
            assertThat(draft.getMessageID()).isEqualTo("<big@printer.lan>");
            assertThat(new String(sent.mime(), StandardCharsets.ISO_8859_1)).contains("The scan is attached.")
                    .doesNotContain(b64.substring(0, 76));
            assertThat(log.events("delivered")).singleElement().asString().contains("upload session");
            assertNothingSecret(log);
        }
    }

    @Test
    void aThrottledGraphDefersAndLaterDelivers() throws Exception {
        try (LabServer lab = lab("graph-throttled");
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@fabrikam.com"), small("throttled"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(lab, "")), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> spool.list().isEmpty());
            }
            assertThat(lab.graph().orElseThrow().sent()).hasSize(1);
            assertThat(log.events("deferred")).isNotEmpty().allSatisfy(l -> assertThat(l)
                    .contains("reply=\"Graph HTTP 429 ApplicationThrottled", "cause=throttling_rate_limit"));
            assertThat(log.events("delivered")).hasSize(1);
            assertNothingSecret(log);
        }
    }

    @Test
    void noMailSendPermissionAndAMailboxOutOfScopeDeferWithTheirCause() throws Exception {
        for (String scenario : List.of("graph-no-mail-send", "graph-mailbox-out-of-scope")) {
            try (LabServer lab = lab(scenario);
                 Spool spool = Fixtures.spool(dir.resolve(scenario));
                 LogLines log = new LogLines()) {
                Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@fabrikam.com"), small(scenario));
                try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(lab, "")), Fixtures.options())) {
                    await().atMost(Duration.ofSeconds(15)).until(() -> !log.events("deferred").isEmpty());
                }
                assertThat(log.events("deferred").get(0)).as(scenario)
                        .contains("reply=\"Graph HTTP 403 ErrorAccessDenied", "cause=oauth_scope_or_permission");
                assertThat(spool.list()).singleElement().satisfies(m ->
                        assertThat(m.recipients().get(0).status()).isEqualTo(RecipientState.Status.DEFERRED));
                assertThat(lab.graph().orElseThrow().sent()).isEmpty();
                assertNothingSecret(log);
            }
        }
    }

    @Test
    void aFromTheMailboxMayNotSendAsBouncesWithADsnThatSaysSo() throws Exception {
        try (LabServer lab = lab("graph-healthy");
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            String foreign = small("send as").replace("From: Scanner <scanner@contoso.com>", "From: finance@contoso.com");
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@fabrikam.com"), foreign);
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(lab, "")), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty() && lab.graph().orElseThrow().sent().size() == 1);
            }
            assertThat(log.events("failed")).singleElement().asString()
                    .contains("Graph HTTP 403 ErrorSendAsDenied", "cause=sender_not_authorized_sendas");
            String dsn = new String(lab.graph().orElseThrow().sent().get(0).mime(), StandardCharsets.ISO_8859_1);
            assertThat(dsn).contains("To: <scanner@contoso.com>", "Status: 5.7.1", "Diagnostic-Code: X-http; Graph HTTP 403 ErrorSendAsDenied");
            assertNothingSecret(log);
        }
    }

    @Test
    void largeRefuseTellsDevicesTheOneRequestLimitAtEhloAndMailFrom() throws Exception {
        try (LabServer lab = lab("graph-healthy")) {
            RelayConfig config = config(lab, "&large=refuse");
            try (Spool spool = Fixtures.spool(dir);
                 DeliveryWorker worker = DeliveryWorker.start(spool, Optional.empty(),
                         Upstreams.create(config.upstreams(), Fixtures.settings()), Fixtures.options());
                 RelayServer relay = RelayServer.start(config, worker.sink());
                 DeviceClient d = new DeviceClient(relay.ports().get(0))) {
                d.reply();
                assertThat(d.send("EHLO printer.lan")).contains("SIZE 3145728");
                assertThat(d.send("MAIL FROM:<scanner@contoso.com> SIZE=5000000")).startsWith("552 5.3.4");
            }
        }
    }

    @Test
    void recipientsOnlyInTheEnvelopeGetABccAndHeaderAddressesNotAddressedNowAreLeftOut() throws Exception {
        try (LabServer lab = lab("graph-healthy");
             Spool spool = Fixtures.spool(dir)) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@fabrikam.com", "audit@contoso.com"), small("bcc"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(lab, "")), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
            }
            String sent = new String(lab.graph().orElseThrow().sent().get(0).mime(), StandardCharsets.ISO_8859_1);
            assertThat(sent).startsWith("Bcc: audit@contoso.com\r\nReceived: ");
            assertThat(sent.substring(sent.indexOf("\r\nFrom: ") + 2)).isEqualTo(small("bcc"));
        }
    }

    @Test
    void withoutACopyInSentItemsTheMessageGoesAsADraftMarkedToBeDeletedAfterSending() throws Exception {
        try (LabServer lab = lab("graph-healthy");
             Spool spool = Fixtures.spool(dir)) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@fabrikam.com"), small("no copy"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(lab, "&save-to-sent-items=false")),
                    Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
            }
            LabGraph.SentMail sent = lab.graph().orElseThrow().sent().get(0);
            assertThat(sent.via()).isEqualTo("draft");
            assertThat(sent.savedToSentItems()).isFalse();
        }
    }

    @Test
    void anExpiredTokenIsRenewedOnceThenDeferredAsAnInvalidToken() throws Exception {
        try (LabServer lab = LabServer.startWithGraph(Scenarios.byName("oauth-expired-token").orElseThrow(), 0);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@fabrikam.com"), small("expired"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(lab, "")), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !log.events("deferred").isEmpty());
            }
            assertThat(log.events("deferred").get(0)).contains("Graph HTTP 401 InvalidAuthenticationToken", "cause=oauth_token_invalid");
            assertNothingSecret(log);
        }
    }

    @Test
    void plainHttpToAnythingButLoopbackIsRefusedBeforeAnyTokenIsAskedFor() {
        String url = "m365-graph://scanner@contoso.com?tenant=t.example&client-id=c&client-secret-env=GRAPH_SECRET"
                + "&graph=http://graph.example.org";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Upstreams.create(UpstreamUrl.parse(url),
                Fixtures.settings().withEnv(Map.of("GRAPH_SECRET", SECRET)))).hasMessageContaining("plain http")
                .hasMessageNotContaining(SECRET);
    }

    /** The client secret, any JWT (tokens start with eyJ), and upload URLs' tokens appear in no log line. */
    static void assertNothingSecret(LogLines log) {
        assertThat(log.all()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)))
                .doesNotContainPattern("eyJ[\\w-]{10,}\\.eyJ").doesNotContain("authtoken="));
    }
}
