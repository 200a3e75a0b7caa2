package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.Spool;

/** RFC 3848: the Received line's "with" clause says how the device's session ran, from the facts the envelope keeps. */
class DeliverReceivedLineTest {

    @TempDir
    Path dir;

    private static Envelope envelope(String subject, Optional<String> user, Optional<Envelope.Session> session) {
        return new Envelope("printer", "192.0.2.7", subject, user, "scanner@contoso.com", List.of("bob@contoso.com"),
                Instant.parse("2026-11-28T10:00:00Z"), session);
    }

    @Test
    void theWithClauseSaysEsmtpWithSForTlsAndAForAuthAndSmtpForOldEnvelopes() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null); Spool spool = Fixtures.spool(dir)) {
            Optional<Envelope.Session> tls = Optional.of(new Envelope.Session(true, Optional.of("TLSv1.2")));
            Optional<Envelope.Session> plain = Optional.of(new Envelope.Session(true, Optional.empty()));
            Optional<Envelope.Session> helo = Optional.of(new Envelope.Session(false, Optional.empty()));
            List<Envelope> envelopes = List.of(envelope("esmtpsa", Optional.of("nas01"), tls), envelope("esmtps", Optional.empty(), tls),
                    envelope("esmtpa", Optional.of("nas01"), plain), envelope("esmtp", Optional.empty(), plain),
                    envelope("smtp", Optional.empty(), helo), envelope("old", Optional.of("nas01"), Optional.empty()));
            for (Envelope e : envelopes) {
                spool.accept(e, new ByteArrayInputStream(Fixtures.message(e.heloName()).getBytes(StandardCharsets.UTF_8)));
            }
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(DeliverRetryTest.upstream(up)), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> up.messages.size() == envelopes.size());
            }
            for (ScriptedSmtp.Message m : up.messages) {
                String name = m.lines().get(0).replaceAll("^Received: from (\\S+) .*", "$1");
                String expected = name.equals("old") ? "SMTP" : name.toUpperCase(java.util.Locale.ROOT);
                assertThat(m.lines().get(1)).as(name).matches("\tby relay\\.test \\(smtp-doctor\\) with " + expected + " id \\w+;");
            }
        }
    }

    @Test
    void theSessionFactsSurviveTheSpoolAndAnEnvelopeWithoutThemStillReads() throws Exception {
        Path spoolDir;
        String id;
        try (Spool spool = Fixtures.spool(dir)) {
            id = spool.accept(envelope("nas", Optional.of("nas01"), Optional.of(new Envelope.Session(true, Optional.of("TLSv1.3")))),
                    new ByteArrayInputStream(Fixtures.message("kept").getBytes(StandardCharsets.UTF_8)));
            spoolDir = dir.resolve("spool");
        }
        Path file = spoolDir.resolve("msg").resolve(id + ".msg");
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).contains("\"esmtp\":true,\"tls\":\"TLSv1.3\"");
        try (Spool spool = Spool.open(spoolDir, Spool.Options.defaults().withMinFreeBytes(0))) {
            assertThat(spool.get(id).orElseThrow().envelope().protocol()).isEqualTo("ESMTPSA");
        }
        // As an older relay wrote it (spool format 1, before esmtp and tls were kept): no esmtp, no tls.
        byte[] content = Fixtures.message("kept").getBytes(StandardCharsets.UTF_8);
        Files.delete(file);
        Files.write(spoolDir.resolve("msg").resolve(id + ".eml"), content);
        Files.writeString(spoolDir.resolve("msg").resolve(id + ".env"), "{\n  \"format\" : 1,\n  \"id\" : \"" + id + "\",\n"
                + "  \"received_at\" : \"2026-11-28T10:00:00Z\",\n  \"size\" : " + content.length + ",\n  \"device\" : \"printer\",\n"
                + "  \"client_address\" : \"192.0.2.7\",\n  \"helo\" : \"nas\",\n  \"auth_user\" : \"nas01\",\n"
                + "  \"sender\" : \"scanner@contoso.com\",\n  \"recipients\" : [ \"bob@contoso.com\" ]\n}");
        try (Spool spool = Spool.open(spoolDir, Spool.Options.defaults().withMinFreeBytes(0))) {
            assertThat(spool.recovery().quarantined()).isEmpty();
            assertThat(spool.get(id).orElseThrow().envelope().session()).isEmpty();
            assertThat(spool.get(id).orElseThrow().envelope().protocol()).isEqualTo("SMTP");
        }
    }
}
