package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.Spool;
import picocli.CommandLine;

class RelayStatusCommandTest {

    @TempDir
    Path dir;

    static final Instant AT = Instant.parse("2026-11-28T12:00:00Z");

    record Run(int exit, String out, String err) {}

    Run run(Instant now, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = SmtpDoctorCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        // Registered under "relay" by the relay command; here on its own, with the same handlers.
        RelayStatusCommand status = new RelayStatusCommand();
        status.clock = Clock.fixed(now, ZoneOffset.UTC);
        CommandLine sub = new CommandLine(status);
        sub.setOut(cmd.getOut());
        sub.setErr(cmd.getErr());
        sub.setExitCodeExceptionMapper(cmd.getExitCodeExceptionMapper());
        sub.setExecutionExceptionHandler(cmd.getExecutionExceptionHandler());
        sub.setParameterExceptionHandler(cmd.getParameterExceptionHandler());
        int exit = sub.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Path spoolWithOneMessage() throws Exception {
        Path spoolDir = dir.resolve("spool");
        try (Spool spool = Spool.open(spoolDir, Spool.Options.defaults().withMinFreeBytes(0))) {
            spool.accept(new Envelope("printer", "192.0.2.7", "p", Optional.empty(), "s@contoso.com", List.of("b@contoso.com"),
                    AT.minusSeconds(90)), new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
        return spoolDir;
    }

    static RelayStatus status(boolean running) {
        return new RelayStatus(AT, "relay.test", running, new RelayStatus.Queue(1, 0, 1, 0, 0, Optional.of(AT.minusSeconds(90))),
                List.of(new RelayStatus.UpstreamStatus("m365-oauth://relay@contoso.com?tenant=t&client-id=c", "relay@contoso.com",
                        Optional.of(AT.plusSeconds(60)), Optional.of(AT.minusSeconds(5)), Optional.of("deferred"),
                        Optional.of("432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded"), Optional.of("throttling_rate_limit"),
                        12, 1, 0, 18, 9_988, 30, 10_000, 3)));
    }

    @Test
    void aRunningRelaysStatusIsPrintedForPeople() throws Exception {
        Path spool = spoolWithOneMessage();
        status(true).write(spool);
        Run r = run(AT.plusSeconds(3), "--spool", spool.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
                relay relay.test, running (status of 2026-11-28T12:00:00Z, 3 s ago)
                queue: 1 message; recipients 0 pending, 1 deferred, 0 delivered and 0 failed awaiting removal
                oldest message: 93 s old
                upstream m365-oauth://relay@contoso.com?tenant=t&client-id=c
                  last: deferred 8 s ago: 432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded (cause throttling_rate_limit)
                  since start: 12 delivered, 1 deferred, 0 failed (recipients)
                  backed off for 57 s (throttled or unreachable)
                  pacing for relay@contoso.com: 18/30 messages left this minute, 9988/10000 recipients left today, 3 connections
                """);
    }

    @Test
    void theJsonDocumentCarriesTheStatusAndTheQueue() throws Exception {
        Path spool = spoolWithOneMessage();
        status(true).write(spool);
        Run r = run(AT.plusSeconds(3), "--spool", spool.toString(), "--json");
        assertThat(r.exit()).isZero();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.path("tool").asText()).isEqualTo("smtp-doctor");
        assertThat(doc.path("relay").asText()).isEqualTo("running");
        assertThat(doc.path("queue").path("deferred").asInt()).isEqualTo(1);
        assertThat(doc.path("queue").path("oldest_age_s").asLong()).isEqualTo(93);
        assertThat(doc.path("queue").path("oldest_received_at").asText()).isEqualTo(AT.minusSeconds(90).toString());
        assertThat(doc.path("status").path("host_name").asText()).isEqualTo("relay.test");
        assertThat(doc.path("status").path("upstreams").get(0).path("last").path("cause").asText()).isEqualTo("throttling_rate_limit");
        assertThat(doc.path("status").path("upstreams").get(0).path("pacing").path("recipients_left_today").asLong()).isEqualTo(9988);
        assertThat(doc.path("status").path("upstreams").get(0).path("backed_off_until").asText()).isEqualTo(AT.plusSeconds(60).toString());
        // One naming convention across commands: every key of the document is snake_case.
        List<String> keys = new java.util.ArrayList<>();
        collectKeys(doc, keys);
        assertThat(keys).allMatch(k -> k.matches("[a-z0-9_]+"), "snake_case");
    }

    private static void collectKeys(com.fasterxml.jackson.databind.JsonNode n, List<String> keys) {
        n.fields().forEachRemaining(e -> {
            keys.add(e.getKey());
            collectKeys(e.getValue(), keys);
        });
        if (n.isArray()) {
            n.forEach(c -> collectKeys(c, keys));
        }
    }

    @Test
    void aStatusFileWrittenBeforeTheKeysBecameSnakeCaseIsStillRead() throws Exception {
        Path spool = spoolWithOneMessage();
        java.nio.file.Files.writeString(spool.resolve(RelayStatus.FILE), """
                {"statusVersion": 1, "at": "2026-11-28T12:00:00Z", "hostName": "old.relay", "running": true,
                 "queue": {"messages": 1, "pending": 0, "deferred": 1, "delivered": 0, "failed": 0, "oldestReceivedAt": "2026-11-28T11:58:30Z"},
                 "upstreams": [{"name": "smtp://h", "pacingKey": "h", "backedOffUntil": "2026-11-28T12:01:00Z",
                   "last": {"at": "2026-11-28T11:59:55Z", "event": "deferred", "reply": "451 4.3.0 later"},
                   "recipientsSinceStart": {"delivered": 12, "deferred": 1, "failed": 0},
                   "pacing": {"messagesLeftThisMinute": 18, "messagesPerMinute": 30, "recipientsLeftToday": 9988,
                              "recipientsPerDay": 10000, "connections": 3}}]}
                """);
        RelayStatus old = RelayStatus.read(spool).orElseThrow();
        assertThat(old.hostName()).isEqualTo("old.relay");
        assertThat(old.queue().oldest()).contains(Instant.parse("2026-11-28T11:58:30Z"));
        assertThat(old.upstreams().get(0).pacingKey()).isEqualTo("h");
        assertThat(old.upstreams().get(0).backedOffUntil()).contains(Instant.parse("2026-11-28T12:01:00Z"));
        assertThat(old.upstreams().get(0).delivered()).isEqualTo(12);
        assertThat(old.upstreams().get(0).recipientsLeft()).isEqualTo(9988);
        Run r = run(AT.plusSeconds(3), "--spool", spool.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.path("status").path("host_name").asText()).as("written out in today's keys").isEqualTo("old.relay");
        assertThat(doc.path("status").has("hostName")).isFalse();
    }

    @Test
    void aRelayRefusingMailBecauseItsSpoolIsLowSaysSoAndExitsNonZero() throws Exception {
        Path spool = spoolWithOneMessage();
        RelayStatus low = status(true);
        new RelayStatus(low.at(), low.hostName(), true, low.queue(), low.upstreams(),
                Optional.of(new org.smtpdoctor.relay.spool.Spool.Space(12L << 20, 64L << 20, true))).write(spool);
        Run r = run(AT.plusSeconds(3), "--spool", spool.toString());
        assertThat(r.exit()).as("a monitor must see it").isEqualTo(1);
        assertThat(r.out()).contains("relay relay.test, running", "refusing mail: spool low (12 MB free on the spool's volume, below its"
                + " reserve of 64 MB): devices get 452 4.3.1 at MAIL FROM until space frees up");
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run(AT.plusSeconds(3), "--spool", spool.toString(), "--json").out());
        assertThat(doc.path("refusing_mail").asBoolean()).isTrue();
        assertThat(doc.path("status").path("spool").path("free_bytes").asLong()).isEqualTo(12L << 20);
        assertThat(doc.path("status").path("spool").path("reserve_bytes").asLong()).isEqualTo(64L << 20);

        new RelayStatus(low.at(), low.hostName(), true, low.queue(), low.upstreams(),
                Optional.of(new org.smtpdoctor.relay.spool.Spool.Space(900L << 20, 64L << 20, false))).write(spool);
        Run ok = run(AT.plusSeconds(3), "--spool", spool.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("spool: 900 MB free on the spool's volume, above its reserve of 64 MB").doesNotContain("refusing");
    }

    @Test
    void aDeadProcessInTheLockFileMeansNotRunningAtOnceHoweverFreshItsStatus() throws Exception {
        Path spool = spoolWithOneMessage();
        status(true).write(spool);
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        java.nio.file.Files.writeString(spool.resolve("lock"), gone.pid() + "\n");
        Run r = run(AT.plusSeconds(1), "--spool", spool.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("The relay on " + spool + " is not running: process " + gone.pid()
                + ", which held the spool, is gone (killed or crashed?)").contains("queue now: 1 message");
        Run json = run(AT.plusSeconds(1), "--spool", spool.toString(), "--json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).path("relay").asText()).isEqualTo("not-running");

        java.nio.file.Files.writeString(spool.resolve("lock"), ProcessHandle.current().pid() + "\n");
        assertThat(run(AT.plusSeconds(1), "--spool", spool.toString()).exit()).as("a live holder with a fresh status").isZero();
    }

    @Test
    void withoutARunningRelayTheQueueComesFromTheSpoolAndTheExitSaysSo() throws Exception {
        Path spool = spoolWithOneMessage();
        Run none = run(AT, "--spool", spool.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.out()).startsWith("No relay status in ").contains("queue now: 1 message; recipients 1 pending, 0 deferred; oldest received 90 s ago");

        status(true).write(spool);
        Run stale = run(AT.plus(Duration.ofMinutes(5)), "--spool", spool.toString());
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.out()).contains("has not updated its status since 2026-11-28T12:00:00Z (300 s): it is probably not running");

        status(false).write(spool);
        Run stopped = run(AT.plusSeconds(1), "--spool", spool.toString());
        assertThat(stopped.exit()).isEqualTo(1);
        assertThat(stopped.out()).contains("stopped at 2026-11-28T12:00:00Z", "relay relay.test, stopped");
    }

    @Test
    void noSuchSpoolIsAUsageError() {
        Run r = run(AT, "--spool", dir.resolve("missing").toString());
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("no spool at ");
    }
}
