package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.Ports;

/** Delivery to a real peer: Postfix's smtp-sink, which dumps every message it gets to a file. */
class DeliverToSmtpSinkTest {

    @TempDir
    Path dir;

    @Test
    void messagesArriveAtSmtpSinkByteForByteAfterTheRelaysOneReceivedLine() throws Exception {
        int port = Ports.free();
        try (SmtpSink sink = SmtpSink.start(dir.resolve("dumps"), port);
             Spool spool = Fixtures.spool(dir)) {
            Map<String, byte[]> sent = new HashMap<>();
            List<byte[]> contents = List.of(
                    Fixtures.message("plain").getBytes(StandardCharsets.UTF_8),
                    ("From: a@contoso.com\r\nSubject: =?utf-8?q?8bit?= r\u00e9sum\u00e9 raw header\r\n\r\n"
                            + ".\r\n..\r\n. dot\r\nline with trailing spaces   \r\n\ttab\r\n").getBytes(StandardCharsets.ISO_8859_1),
                    big());
            for (byte[] c : contents) {
                String id = spool.accept(new Envelope("printer", "192.0.2.7", "printer.lan", Optional.empty(), "scanner@contoso.com",
                        List.of("bob@contoso.com", "carol@contoso.com"), Instant.parse("2026-11-28T10:00:00Z")), new ByteArrayInputStream(c));
                sent.put(id, c);
            }
            List<QueuedMessage> queued = spool.list();
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(),
                    List.of(Fixtures.upstream("smtp://127.0.0.1:" + port)), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
            }
            List<Path> files = sink.files();
            assertThat(files).hasSize(3);
            Map<String, String> arrived = new HashMap<>();
            for (Path f : files) {
                String dump = Files.readString(f, StandardCharsets.ISO_8859_1);
                assertThat(dump).contains("X-Mail-Args: <scanner@contoso.com>", "X-Rcpt-Args: <bob@contoso.com>",
                        "X-Rcpt-Args: <carol@contoso.com>", "X-Helo-Args: relay.test");
                String msg = SmtpSink.message(f);
                String id = msg.replaceAll("(?s)^Received: from printer\\.lan \\(printer \\[192\\.0\\.2\\.7]\\)\n"
                        + "\tby relay\\.test \\(smtp-doctor\\) with SMTP id (\\w+);\n\tSat, 28 Nov 2026 10:00:00 \\+0000\n.*", "$1");
                assertThat(id).as("the relay's Received line heads the message:\n" + msg).isIn(sent.keySet());
                // 8-bit content is declared (RFC 6152) when the server offers 8BITMIME, as smtp-sink does.
                boolean eightBit = new String(sent.get(id), StandardCharsets.ISO_8859_1).chars().anyMatch(c -> c > 127);
                assertThat(dump.contains("X-Mail-Args: <scanner@contoso.com> BODY=8BITMIME")).as(dump).isEqualTo(eightBit);
                arrived.put(id, msg.substring(msg.indexOf("+0000\n") + "+0000\n".length()));
            }
            for (QueuedMessage m : queued) {
                // smtp-sink writes lines with LF ends; everything else is as the device sent it.
                String expected = new String(sent.get(m.id()), StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
                assertThat(arrived.get(m.id())).isEqualTo(expected);
            }
        }
    }

    @Test
    void anUpstreamDownForAWhileGetsEveryMessageOnceItIsUp() throws Exception {
        int port = Ports.free();
        try (Spool spool = Fixtures.spool(dir)) {
            for (int i = 0; i < 5; i++) {
                Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("outage " + i));
            }
            try (LogLines log = new LogLines();
                 DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(),
                    List.of(Fixtures.upstream("smtp://127.0.0.1:" + port)), Fixtures.options().withThreads(2))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> log.events("upstream-unavailable").size() >= 2);
                assertThat(log.events("upstream-unavailable").get(0)).contains("cause=port_blocked_or_unreachable", "phase=tcp");
                Thread.sleep(500);
                assertThat(spool.list()).hasSize(5);
                try (SmtpSink sink = SmtpSink.start(dir.resolve("dumps"), port)) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
                    assertThat(sink.files()).hasSize(5);
                }
            }
        }
    }

    @Test
    void aPasswordGoesToTheUpstreamButNeverIntoTheLog() throws Exception {
        String canary = "Canary-upstream-Pa55-" + System.nanoTime();
        Path secret = Files.writeString(dir.resolve("password"), canary + "\n");
        int port = Ports.free();
        try (SmtpSink sink = SmtpSink.start(dir.resolve("dumps"), port);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("with auth"));
            Upstream up = Fixtures.upstream("smtp://relay@contoso.com@127.0.0.1:" + port + "?password-file=" + secret);
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(up), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            }
            assertThat(sink.files()).hasSize(1);
            assertThat(log.events("delivered")).hasSize(1);
            String b64 = java.util.Base64.getEncoder().encodeToString(("\0relay@contoso.com\0" + canary).getBytes(StandardCharsets.UTF_8));
            assertThat(log.all()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(canary).doesNotContain(b64));
            assertThat(up.toString()).doesNotContain(canary);
        }
    }

    /**
     * Throughput to smtp-sink on this machine, with and without connection reuse (printed; a
     * benchmark, not a pass/fail figure beyond "all arrived").
     */
    @Test
    void connectionReuseIsMeasuredAgainstOneSessionPerMessage() throws Exception {
        int n = 300;
        List<String> lines = new ArrayList<>();
        for (int[] run : new int[][] {{100, 3}, {1, 3}, {100, 10}}) {
            int reuse = run[0];
            int threads = run[1];
            Path d = dir.resolve("r" + reuse + "t" + threads);
            int port = Ports.free();
            try (SmtpSink sink = SmtpSink.start(d.resolve("dumps"), port);
                 Spool spool = Spool.open(d.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0))) {
                byte[] tenKb = (Fixtures.message("bench") + "x".repeat(78) + "\r\n").repeat(1).getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < n; i++) {
                    spool.accept(new Envelope("printer", "192.0.2.7", "printer.lan", Optional.empty(), "scanner@contoso.com",
                            List.of("bob@contoso.com"), Instant.now()), new ByteArrayInputStream(tenKb));
                }
                long t0 = System.nanoTime();
                try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(),
                        List.of(Fixtures.upstream("smtp://127.0.0.1:" + port)),
                        Fixtures.options().withPacing(new Pacing(100_000, 10_000_000, threads)).withSessionMaxMessages(reuse))) {
                    await().atMost(Duration.ofSeconds(120)).until(() -> spool.list().isEmpty());
                }
                double s = (System.nanoTime() - t0) / 1e9;
                assertThat(sink.files()).hasSize(n);
                lines.add(String.format("reuse=%d threads=%d: %d messages in %.2f s = %.0f msg/s", reuse, threads, n, s, n / s));
            }
        }
        System.out.println("DELIVERY THROUGHPUT to smtp-sink: " + lines);
    }

    private static byte[] big() {
        StringBuilder b = new StringBuilder("From: a@contoso.com\r\nSubject: big\r\n\r\n");
        for (int i = 0; i < 4000; i++) {
            b.append(i % 50 == 0 ? "." : "").append("line ").append(i).append(" of a scanned document, base64 or not\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
