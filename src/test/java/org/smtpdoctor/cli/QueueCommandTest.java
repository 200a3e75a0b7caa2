package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.relay.spool.TestMessages.content;
import static org.smtpdoctor.relay.spool.TestMessages.envelope;
import static org.smtpdoctor.relay.spool.TestMessages.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;

class QueueCommandTest {

    @TempDir
    Path tmp;
    Path dir;
    String deferred;
    String fresh;
    Instant later;

    @BeforeEach
    void spoolWithTwoMessages() throws Exception {
        dir = tmp.resolve("spool");
        later = Instant.now().plusSeconds(3600);
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            deferred = spool.accept(envelope("scanner@lan.test", "a@contoso.test", "b@contoso.test"), stream(content("1")));
            spool.markDelivered(deferred, "a@contoso.test", "250 2.0.0 OK");
            spool.markDeferred(deferred, "b@contoso.test", "451 4.7.500 Server busy.\r\n451 4.7.500 Try again later", later);
            fresh = spool.accept(envelope("", "c@contoso.test"), stream(content("2")));
        }
    }

    private static void assertUsageError(Cli.Run run, String expected) {
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err().strip()).isEqualTo("smtp-doctor: " + expected);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void listShowsOneLinePerRecipientWithStateAttemptsNextTryAndLastReply() {
        Cli.Run run = Cli.run("queue", "list", "--spool", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines[0]).startsWith("ID").contains("AGE", "SIZE", "SENDER", "RECIPIENT", "STATE", "TRIES", "NEXT", "LAST REPLY");
        assertThat(lines[1]).startsWith(deferred).contains("scanner@lan.test", "a@contoso.test", "delivered", "250 2.0.0 OK");
        assertThat(lines[2]).startsWith(" ".repeat(16)).contains("b@contoso.test", "deferred", "in 59m",
                "451 4.7.500 Server busy. / 451 4.7.500 Try again later");
        assertThat(lines[3]).startsWith(fresh).contains("<>", "c@contoso.test", "pending", " now ");
        assertThat(run.out()).endsWith("2 messages, 3 recipients (1 deferred, 1 delivered, 1 pending)\n");
    }

    @Test
    void listJsonIsHeadedLikeTheOtherCommandsAndNamesEveryField() throws Exception {
        Cli.Run run = Cli.run("queue", "list", "--spool", dir.toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("tool").asText()).isEqualTo("smtp-doctor");
        assertThat(doc.has("version")).isTrue();
        assertThat(doc.get("spool").asText()).isEqualTo(dir.toAbsolutePath().toString());
        assertThat(doc.get("corrupt").asInt()).isZero();
        JsonNode m = doc.get("messages").get(0);
        assertThat(m.get("id").asText()).isEqualTo(deferred);
        assertThat(m.get("received_at").asText()).isEqualTo("2026-11-28T10:00:00Z");
        assertThat(m.get("size").asLong()).isEqualTo(content("1").length());
        assertThat(m.get("sender").asText()).isEqualTo("scanner@lan.test");
        assertThat(m.get("device").asText()).isEqualTo("scanner-2f");
        assertThat(m.get("client_address").asText()).isEqualTo("192.0.2.10");
        assertThat(m.get("attempts").asInt()).isEqualTo(1);
        assertThat(m.get("next_attempt").asText()).isEqualTo(later.toString());
        JsonNode b = m.get("recipients").get(1);
        assertThat(b.get("address").asText()).isEqualTo("b@contoso.test");
        assertThat(b.get("state").asText()).isEqualTo("deferred");
        assertThat(b.get("attempts").asInt()).isEqualTo(1);
        assertThat(b.get("last_reply").asText()).startsWith("451 4.7.500 Server busy.");
        assertThat(doc.get("messages").get(1).get("recipients").get(0).get("state").asText()).isEqualTo("pending");
        assertThat(doc.get("messages").get(1).get("next_attempt").isNull()).isTrue();
    }

    @Test
    void anEmptyQueueSaysSo(@TempDir Path other) throws Exception {
        Spool.open(other.resolve("empty")).close();
        Cli.Run run = Cli.run("queue", "list", "--spool", other.resolve("empty").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("The queue in " + other.resolve("empty") + " is empty.");
    }

    @Test
    void showPrintsEnvelopeRecipientsAndHeadersButTheBodyOnlyWhenAsked() throws Exception {
        Cli.Run run = Cli.run("queue", "show", deferred, "--spool", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Message " + deferred, "device      scanner-2f (192.0.2.10, HELO SCANNER)",
                "sender      scanner@lan.test", "b@contoso.test  deferred, 1 attempt, next in 59m, last reply: 451 4.7.500",
                "Subject: Scan 1", "(body not shown: --body prints it)").doesNotContain("Page 1 of 1");
        assertThat(Cli.run("queue", "show", deferred, "--spool", dir.toString(), "--body").out()).contains("Subject: Scan 1", "Page 1 of 1");

        JsonNode doc = new ObjectMapper().readTree(Cli.run("queue", "show", deferred, "--spool", dir.toString(), "--json").out());
        assertThat(doc.get("message").get("headers").toString()).isEqualTo(
                "[\"From: scanner@lan.test\",\"To: boss@contoso.test\",\"Subject: Scan 1\"]");
        assertThat(doc.get("message").has("body")).isFalse();
        doc = new ObjectMapper().readTree(Cli.run("queue", "show", deferred, "--spool", dir.toString(), "--json", "--body").out());
        assertThat(doc.get("message").get("body").asText()).isEqualTo("Page 1 of 1\r\n");
    }

    @Test
    void retryMakesDeferredRecipientsDueNow() throws Exception {
        Cli.Run run = Cli.run("queue", "retry", deferred, "--spool", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(deferred + ": due now for b@contoso.test\n(no relay was running; the spool was changed directly)\n");
        try (Spool spool = Spool.open(dir)) {
            RecipientState b = spool.get(deferred).orElseThrow().recipients().get(1);
            assertThat(b.nextAttempt().orElseThrow()).isBefore(Instant.now().plusSeconds(1));
            assertThat(spool.due(Instant.now())).hasSize(2);
        }
    }

    @Test
    void retryAllAndItsJson() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(Cli.run("queue", "retry", "--all", "--spool", dir.toString(), "--json").out());
        assertThat(doc.get("action").asText()).isEqualTo("retry");
        assertThat(doc.get("applied").asText()).isEqualTo("directly");
        assertThat(doc.get("messages")).hasSize(1);
        assertThat(doc.get("messages").get(0).get("id").asText()).isEqualTo(deferred);
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.get(deferred).orElseThrow().nextAttempt().orElseThrow()).isBefore(Instant.now().plusSeconds(1));
        }
    }

    @Test
    void deleteRemovesTheMessageAndSaysWhatItWas() throws Exception {
        Cli.Run run = Cli.run("queue", "delete", fresh, "--spool", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Deleted " + fresh + ": from <> to c@contoso.test (");
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.get(fresh)).isEmpty();
            assertThat(spool.list()).hasSize(1);
        }
        assertThat(dir.resolve("msg").resolve(fresh + ".msg")).doesNotExist();
    }

    @Test
    void retryAndDeleteWhileARelayHoldsTheSpoolAreAppliedByTheRelay() throws Exception {
        try (Spool relay = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            assertThat(Cli.run("queue", "list", "--spool", dir.toString()).out()).contains(deferred, fresh);

            Cli.Run retry = Cli.run("queue", "retry", deferred, "--spool", dir.toString());
            assertThat(retry.exit()).as(retry.err()).isZero();
            assertThat(retry.out()).endsWith("(applied by the running relay)\n");
            assertThat(relay.get(deferred).orElseThrow().nextAttempt().orElseThrow()).isBefore(Instant.now().plusSeconds(1));

            Cli.Run delete = Cli.run("queue", "delete", fresh, "--spool", dir.toString(), "--json");
            assertThat(delete.exit()).as(delete.err()).isZero();
            assertThat(new ObjectMapper().readTree(delete.out()).get("applied").asText()).isEqualTo("by_running_relay");
            assertThat(relay.get(fresh)).isEmpty();
            assertThat(dir.resolve("requests")).isEmptyDirectory();
        }
    }

    @Test
    void badSpoolsAndUnknownIdsAreOneLineAndExitTwo() throws Exception {
        assertUsageError(Cli.run("queue", "list", "--spool", tmp.resolve("nope").toString()),
                "no spool at " + tmp.resolve("nope") + " (no such directory)");
        Path notSpool = Files.createDirectories(tmp.resolve("etc"));
        assertUsageError(Cli.run("queue", "list", "--spool", notSpool.toString()),
                notSpool + " is not an smtp-doctor spool (it has no FORMAT file)");
        for (String verb : new String[] {"show", "retry", "delete"}) {
            assertUsageError(Cli.run("queue", verb, "0000000000000000", "--spool", dir.toString()),
                    "no message 0000000000000000 in the spool " + dir);
            assertUsageError(Cli.run("queue", verb, "../../etc/passwd", "--spool", dir.toString()),
                    "no message ../../etc/passwd in the spool " + dir);
        }
        assertUsageError(Cli.run("queue", "retry", "--spool", dir.toString()),
                "give queue ids, --all, or filters (--sender, --recipient, --older-than, --state)");
        assertUsageError(Cli.run("queue"), "name what to do: queue list, show, retry, delete or requeue-corrupt (see smtp-doctor queue --help)");
        Cli.Run missing = Cli.run("queue", "list");
        assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("Missing required option: '--spool=DIR'");
    }

    @Test
    void aSpoolThatCannotBeChangedIsOneLineAndExitTwo() throws Exception {
        Files.delete(dir.resolve("tmp"));
        Files.writeString(dir.resolve("tmp"), "a file where the spool wants a directory");
        Cli.Run run = Cli.run("queue", "delete", fresh, "--spool", dir.toString());
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("smtp-doctor: cannot change the spool " + dir + ": ").doesNotContain("Exception");
        assertThat(Cli.run("queue", "list", "--spool", dir.toString()).out()).as("still readable").contains(fresh);
    }

    /** Three more messages: two from the scanner (one old), one bounce. */
    private java.util.List<String> moreMessages() throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            ids.add(spool.accept(new org.smtpdoctor.relay.spool.Envelope("scanner-2f", "192.0.2.10", "SCANNER", Optional.empty(),
                    "Scanner@LAN.test", java.util.List.of("x@fabrikam.test"), Instant.now().minusSeconds(3 * 86400)), stream(content("3"))));
            ids.add(spool.accept(new org.smtpdoctor.relay.spool.Envelope("scanner-2f", "192.0.2.10", "SCANNER", Optional.empty(),
                    "scanner@lan.test", java.util.List.of("y@fabrikam.test"), Instant.now()), stream(content("4"))));
            ids.add(spool.accept(new org.smtpdoctor.relay.spool.Envelope("smtp-doctor", "127.0.0.1", "relay", Optional.empty(),
                    "", java.util.List.of("z@fabrikam.test"), Instant.now()), stream(content("5"))));
        }
        return ids;
    }

    private java.util.Set<String> queued() throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        org.smtpdoctor.relay.spool.SpoolReader.open(dir).list().forEach(m -> ids.add(m.id()));
        return ids;
    }

    @Test
    void deleteTakesSeveralIdsAndAllAndNothingChangesWhenOneIsUnknown() throws Exception {
        java.util.List<String> more = moreMessages();
        assertUsageError(Cli.run("queue", "delete", more.get(0), "0000000000000000", "--spool", dir.toString()),
                "no message 0000000000000000 in the spool " + dir);
        assertThat(queued()).hasSize(5);
        Cli.Run two = Cli.run("queue", "delete", more.get(0), more.get(1), "--spool", dir.toString());
        assertThat(two.exit()).as(two.err()).isZero();
        assertThat(two.out()).contains("Deleted " + more.get(0), "Deleted " + more.get(1));
        assertThat(queued()).containsExactlyInAnyOrder(deferred, fresh, more.get(2));
        Cli.Run all = Cli.run("queue", "delete", "--all", "--spool", dir.toString(), "--json");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(new ObjectMapper().readTree(all.out()).get("messages")).hasSize(3);
        assertThat(queued()).isEmpty();
    }

    @Test
    void filtersSelectBySenderRecipientAgeAndStateAndMustAllMatch() throws Exception {
        java.util.List<String> more = moreMessages();
        Cli.Run bySender = Cli.run("queue", "delete", "--sender", "scanner@lan.test", "--recipient", "@fabrikam.test",
                "--spool", dir.toString(), "--json");
        assertThat(bySender.exit()).as(bySender.err()).isZero();
        assertThat(new ObjectMapper().readTree(bySender.out()).get("messages").findValuesAsText("id"))
                .as("the sender matches whatever its case").containsExactlyInAnyOrder(more.get(0), more.get(1));
        assertThat(queued()).containsExactlyInAnyOrder(deferred, fresh, more.get(2));

        Cli.Run none = Cli.run("queue", "delete", "--sender", "<>", "--older-than", "36500d", "--spool", dir.toString());
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out()).startsWith("No message in " + dir + " matches --sender <> --older-than 36500d; nothing deleted.");
        Cli.Run old = Cli.run("queue", "delete", "--sender", "<>", "--older-than", "1h", "--spool", dir.toString());
        assertThat(old.out()).as("the older bounce only").startsWith("Deleted " + fresh + ": from <>").doesNotContain(more.get(2));
        assertThat(Cli.run("queue", "delete", "--sender", "<>", "--state", "pending", "--spool", dir.toString()).exit()).isZero();
        assertThat(queued()).containsExactlyInAnyOrder(deferred);

        Cli.Run byState = Cli.run("queue", "retry", "--state", "deferred", "--recipient", "b@CONTOSO.test", "--spool", dir.toString());
        assertThat(byState.exit()).as(byState.err()).isZero();
        assertThat(byState.out()).startsWith(deferred + ": due now for b@contoso.test");

        assertUsageError(Cli.run("queue", "delete", "--older-than", "soon", "--spool", dir.toString()),
                "--older-than soon: expected an age like 30m, 2h or 3d");
        assertUsageError(Cli.run("queue", "delete", "--state", "lost", "--spool", dir.toString()),
                "--state lost: expected pending, deferred, delivered or failed");
        assertUsageError(Cli.run("queue", "delete", deferred, "--sender", "a@b", "--spool", dir.toString()),
                "give queue ids or filters, not both");
        assertUsageError(Cli.run("queue", "delete", "--all", "--state", "pending", "--spool", dir.toString()),
                "--all selects every message; filters select some: give one or the other");
        assertThat(queued()).containsExactly(deferred);
    }

    /** The relay's event log lines while {@code body} runs. */
    private static java.util.List<String> relayLog(org.junit.jupiter.api.function.Executable body) throws Throwable {
        ch.qos.logback.classic.Logger events = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.smtpdoctor.relay.RelayEvents.LOGGER);
        ch.qos.logback.classic.Level before = events.getLevel();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        events.addAppender(appender);
        events.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            body.execute();
        } finally {
            events.detachAppender(appender);
            events.setLevel(before);
        }
        return appender.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void everyChangeIsALineInTheRelaysLogAlsoWhenItWasMadeWhileTheRelayWasStopped() throws Throwable {
        String user = System.getProperty("user.name");
        // No relay: the command changes the spool itself and leaves a durable note...
        java.util.List<String> meanwhile = relayLog(() -> {
            assertThat(Cli.run("queue", "delete", fresh, "--spool", dir.toString()).exit()).isZero();
            assertThat(Cli.run("queue", "retry", deferred, "--spool", dir.toString()).exit()).isZero();
        });
        assertThat(meanwhile).as("nothing in a log nobody keeps").noneMatch(l -> l.startsWith("event=queue."));
        try (var notes = Files.list(dir.resolve("audit"))) {
            assertThat(notes).hasSize(2);
        }
        // ...which the relay logs when it next starts, with the time of the change.
        java.util.List<String> atStart = relayLog(() -> org.smtpdoctor.relay.spool.SpoolAudit.replay(dir));
        assertThat(atStart).hasSize(2);
        assertThat(atStart.get(0)).startsWith("event=queue.delete id=" + fresh + " device=scanner-2f sender=\"\" rcpt=c@contoso.test by=" + user
                + " applied=directly at=20");
        assertThat(atStart.get(1)).startsWith("event=queue.retry id=" + deferred).contains("by=" + user, "applied=directly");
        assertThat(dir.resolve("audit")).isEmptyDirectory();

        // A running relay applies the request and logs it itself, naming who asked.
        try (Spool relay = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            java.util.List<String> live = relayLog(() -> assertThat(Cli.run("queue", "retry", deferred, "--spool", dir.toString()).exit()).isZero());
            assertThat(live).anyMatch(l -> l.startsWith("event=queue.retry id=" + deferred) && l.contains("by=" + user)
                    && !l.contains("applied=directly"));
        }
        assertThat(dir.resolve("audit")).isEmptyDirectory();
    }

    @Test
    void requeueCorruptPutsBackWhatCanBeReadAndQueueListCountsWhatIsSetAside() throws Exception {
        Path corrupt = dir.resolve("corrupt");
        Path msg = dir.resolve("msg");
        // A damaged envelope, as a disk might leave it: set aside at the next open. (Spool format 2:
        // the envelope is the JSON after the content in ID.msg; its first byte is changed.)
        byte[] envelope = Files.readAllBytes(msg.resolve(fresh + ".msg"));
        byte[] damaged = envelope.clone();
        damaged[new String(envelope, java.nio.charset.StandardCharsets.ISO_8859_1).lastIndexOf("{\"format\":2")] = 'x';
        Files.write(msg.resolve(fresh + ".msg"), damaged);
        assertThat(Cli.run("queue", "list", "--spool", dir.toString()).out())
                .contains("1 message(s) that cannot be read (" + fresh + "): not shown; the relay sets them aside in corrupt/");
        Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0)).close();
        Cli.Run list = Cli.run("queue", "list", "--spool", dir.toString());
        assertThat(list.out()).contains("1 damaged message set aside in " + corrupt + ", never delivered (none can be read whole)");
        Cli.Run stays = Cli.run("queue", "requeue-corrupt", "--spool", dir.toString());
        assertThat(stays.exit()).as(stays.err()).isZero();
        assertThat(stays.out()).startsWith(fresh + ": stays in corrupt/: ").contains("is not complete JSON");

        Files.write(corrupt.resolve(fresh + ".msg"), envelope); // restored
        assertThat(Cli.run("queue", "list", "--spool", dir.toString(), "--json").out()).contains("\"can_requeue\" : true");
        Cli.Run back = Cli.run("queue", "requeue-corrupt", "--spool", dir.toString());
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).isEqualTo(fresh + ": queued again for c@contoso.test (every recipient: some may get it twice)\n"
                + "(no relay was running; the spool was changed directly)\n");
        assertThat(queued()).contains(fresh);
        assertThat(new ObjectMapper().readTree(Cli.run("queue", "list", "--spool", dir.toString(), "--json").out()).get("corrupt").asInt())
                .isZero();
        assertThat(Cli.run("queue", "requeue-corrupt", "--spool", dir.toString()).out()).isEqualTo("Nothing set aside in " + corrupt + ".\n");
    }

    @Test
    void listShowsWhenAMessageHeldByTheUpstreamsBackOffWillNextBeTried() throws Exception {
        Instant now = Instant.now();
        Instant until = now.plusSeconds(600);
        // A relay runs on the spool (this process holds the lock file's pid) and every upstream is backed off.
        new org.smtpdoctor.relay.deliver.RelayStatus(now, "relay.test", true,
                new org.smtpdoctor.relay.deliver.RelayStatus.Queue(2, 1, 1, 1, 0, Optional.empty()),
                java.util.List.of(new org.smtpdoctor.relay.deliver.RelayStatus.UpstreamStatus("smtp://smarthost", "smarthost",
                        Optional.of(until), Optional.of(now), Optional.of("deferred"), Optional.of("421 4.7.0 Try again later"),
                        Optional.of("throttling_rate_limit"), 0, 1, 0, 30, 10_000, 30, 10_000, 3))).write(dir);
        Files.writeString(dir.resolve("lock"), ProcessHandle.current().pid() + "\n");
        Cli.Run run = Cli.run("queue", "list", "--spool", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines[2]).as("deferred past the back-off: its own time").contains("b@contoso.test", "deferred", "in 59m");
        assertThat(lines[3]).as("pending, but nothing goes before the back-off ends").startsWith(fresh).containsPattern("pending +0 +in (9|10)m\\*");
        assertThat(run.out()).contains("* held: every upstream is backed off (throttled or unreachable) until " + until);
        JsonNode doc = new ObjectMapper().readTree(Cli.run("queue", "list", "--spool", dir.toString(), "--json").out());
        assertThat(doc.get("messages").get(0).get("held_until").isNull()).isTrue();
        assertThat(doc.get("messages").get(1).get("held_until").asText()).isEqualTo(until.toString());

        // The relay's process gone: no back-off holds anything any more.
        Process gone = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        Files.writeString(dir.resolve("lock"), gone.pid() + "\n");
        assertThat(Cli.run("queue", "list", "--spool", dir.toString()).out()).doesNotContain("held").doesNotContain("*");
    }

    @Test
    void theTopLevelHelpListsQueue() {
        assertThat(Cli.run("--help").out()).contains("queue", "List, show, retry or delete the messages in the relay's spool.");
    }

    @Test
    void aRealProcessPrintsNoStackTraceForABadSpool() throws Exception {
        ProcessTest.Result r = ProcessTest.run(Map.of(), "queue", "show", "x", "--spool", tmp.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err().strip()).isEqualTo("smtp-doctor: no spool at " + tmp.resolve("nope") + " (no such directory)");
    }

    @Test
    void showNeverPassesADevicesEscapeSequencesToTheTerminal() throws Exception {
        String esc = "\u001b]0;pwned\u0007\u001b[2J";
        String id;
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            var e = new org.smtpdoctor.relay.spool.Envelope("scanner-2f", "192.0.2.10", "SCAN" + esc, Optional.of("u" + esc),
                    "a" + esc + "@lan.test", java.util.List.of("b" + esc + "@contoso.test"), Instant.now());
            id = spool.accept(e, stream("Subject: hi" + esc + "\r\nX-Bidi: \u202egnp.exe\r\n\r\nbody" + esc + "\rspoof\r\n"));
            spool.markDeferred(id, "b" + esc + "@contoso.test", "451 4.3.0 later" + esc, later);
        }
        Cli.Run show = Cli.run("queue", "show", id, "--body", "--spool", dir.toString());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e").doesNotContain("\r")
                .contains("HELO SCAN\\x1b]0;pwned\\x07\\x1b[2J", "Subject: hi\\x1b]0;", "X-Bidi: \\u202egnp.exe", "body\\x1b]0;pwned");
        Cli.Run list = Cli.run("queue", "list", "--spool", dir.toString());
        assertThat(list.out()).doesNotContain("\u001b").contains("\\x1b");
    }
}
