package org.smtpdoctor.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.testing.Ports;

/**
 * Issue 6, crash: while smtp-source (Debian postfix) sends 5,000 messages through the relay (a
 * child JVM, {@code smtp-doctor relay --config}) to smtp-sink, the relay gets SIGKILL, then is
 * started again on the same spool. Every message the relay acknowledged arrives at the sink,
 * whole, and the only duplicates are the documented window (docs/delivery.md, "What can happen
 * twice"): at most one message per delivery thread, the ones whose upstream 250 came before
 * the spool recorded it.
 *
 * <p>What was acknowledged is known two ways. (a) The relay's log: DataVerb logs
 * {@code event=message.queued queue_id=ID} after {@code Spool.accept} returned and before it
 * writes the 250 (synchronously, to stderr, which is a file here), so every 250 the relay sent
 * has its line; the worker's Received line names the queue id at the sink. (b) Independently,
 * this test's own 20 device threads send tagged messages alongside smtp-source and record each
 * {@code 250} they read, with its Message-ID.
 */
class RelayCrashTest {

    private static final int SMTP_SOURCE_MESSAGES = 5000;
    private static final int SMTP_SOURCE_SESSIONS = 20;
    private static final int CLIENT_THREADS = 20;
    private static final int DELIVERY_THREADS = 4;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageArrivesAfterKillMinus9AndOnlyTheInFlightDeliveriesTwice() throws Exception {
        Peers.require("smtp-sink", "smtp-source");
        long t0 = System.nanoTime();
        int relayPort = Ports.free();
        int sinkPort = Ports.free();
        Path spool = dir.resolve("spool");
        Path config = RealRelay.config(dir.resolve("relay.yaml"), relayPort, sinkPort, spool, DELIVERY_THREADS);
        Path log1 = dir.resolve("relay-1.log");
        Path log2 = dir.resolve("relay-2.log");
        int killAfter = 1200 + ThreadLocalRandom.current().nextInt(800);

        List<Process> processes = new ArrayList<>();
        AtomicBoolean stopClients = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        Map<String, String> clientAcked = new ConcurrentHashMap<>(); // Message-ID -> queue id from "250 ... queued as ID"
        AtomicInteger clientErrors = new AtomicInteger();
        try (RealRelay.Sink sink = RealRelay.Sink.start(dir.resolve("dumps"), sinkPort)) {
            RealRelay first = RealRelay.start(config, log1);
            processes.add(first.process);
            Process source = new ProcessBuilder(Peers.findExecutable("smtp-source").toString(),
                    "-s", String.valueOf(SMTP_SOURCE_SESSIONS), "-m", String.valueOf(SMTP_SOURCE_MESSAGES), "-l", "1024",
                    "-f", "a@lan.test", "-t", "b@contoso.test", "127.0.0.1:" + relayPort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("smtp-source.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            processes.add(source);
            for (int t = 0; t < CLIENT_THREADS; t++) {
                int thread = t;
                Thread c = new Thread(() -> device(relayPort, thread, stopClients, clientAcked, clientErrors), "crash-device-" + t);
                c.setDaemon(true);
                c.start();
                clients.add(c);
            }

            // Wait for enough acknowledgements, then SIGKILL in mid-stream.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int queuedBeforeKill;
            while ((queuedBeforeKill = RealRelay.queued(log1).size()) < killAfter) {
                assertThat(first.process.isAlive()).as("the relay died by itself").isTrue();
                assertThat(source.isAlive()).as("smtp-source finished before %d acknowledgements: %s", killAfter,
                        Files.readString(dir.resolve("smtp-source.out"))).isTrue();
                assertThat(System.nanoTime()).as("%d acknowledgements within 60 s", killAfter).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(first.kill()).as("killed by SIGKILL").isEqualTo(137);
            long killedAt = System.nanoTime();
            stopClients.set(true);
            for (Thread c : clients) {
                c.join(10_000);
            }
            if (!source.waitFor(30, TimeUnit.SECONDS)) {
                source.destroyForcibly();
            }
            Set<String> acknowledged = RealRelay.queued(log1);
            int committedAtKill = countEnv(spool);

            // The client's 250s are a subset of the relay's queued lines: the line comes before the 250.
            Set<String> clientQueueIds = new HashSet<>(clientAcked.values());
            assertThat(acknowledged).as("every 250 a device read was logged as queued first").containsAll(clientQueueIds);

            try (RealRelay second = RealRelay.start(config, log2)) {
                processes.add(second.process);
                waitUntilDelivered(spool, sink, acknowledged.size());
            }
            acknowledged.addAll(RealRelay.queued(log2)); // none expected: nobody sends after the kill

            // What arrived.
            List<RealRelay.Dump> dumps = new ArrayList<>();
            for (Path f : sink.files()) {
                dumps.add(RealRelay.Dump.read(f));
            }
            String sourceBody = smtpSourceBody();
            Map<String, Integer> perQueueId = new HashMap<>();
            Map<String, Set<String>> queueIdsPerMessageId = new HashMap<>();
            for (RealRelay.Dump d : dumps) {
                assertThat(d.complete()).as("a partial dump at the sink: %s", d.file()).isTrue();
                assertThat(d.queueId()).as("the relay's Received line in %s", d.file()).isNotNull();
                assertThat(d.messageId()).as("a Message-Id in %s", d.file()).isNotNull();
                String expected = d.messageId().endsWith("@crash.test>") ? clientBody(d.messageId()) : sourceBody;
                assertThat(d.body()).as("the whole body of %s (%s)", d.messageId(), d.file()).isEqualTo(expected);
                perQueueId.merge(d.queueId(), 1, Integer::sum);
                queueIdsPerMessageId.computeIfAbsent(d.messageId(), k -> new HashSet<>()).add(d.queueId());
            }
            Set<String> missing = new HashSet<>(acknowledged);
            missing.removeAll(perQueueId.keySet());
            assertThat(missing).as("acknowledged (queued) but not at the sink").isEmpty();
            Set<String> missingClient = new HashSet<>(clientAcked.keySet());
            missingClient.removeAll(queueIdsPerMessageId.keySet());
            assertThat(missingClient).as("Message-IDs a device got 250 for but not at the sink").isEmpty();
            for (Map.Entry<String, String> a : clientAcked.entrySet()) {
                assertThat(queueIdsPerMessageId.get(a.getKey())).as(a.getKey()).containsExactly(a.getValue());
            }
            // Nobody sent a message twice, so one Message-ID is one queue id.
            assertThat(queueIdsPerMessageId.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
            int duplicates = dumps.size() - perQueueId.size();
            assertThat(dumps.size()).isGreaterThanOrEqualTo(acknowledged.size());
            assertThat(duplicates).as("delivered again after the restart: at most one per delivery thread (docs/delivery.md)")
                    .isBetween(0, DELIVERY_THREADS);
            assertThat(perQueueId.values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
            // Committed but killed before its queued line and 250: the accept window, at most one per session.
            Set<String> unacknowledged = new HashSet<>(perQueueId.keySet());
            unacknowledged.removeAll(acknowledged);
            assertThat(unacknowledged.size()).as("committed but not acknowledged").isLessThanOrEqualTo(SMTP_SOURCE_SESSIONS + CLIENT_THREADS);
            assertThat(spool.resolve("corrupt")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());

            System.out.printf("RELAY CRASH: killed after %d queued (target %d); acknowledged (queued lines) %d, of which device 250s read %d"
                            + " (client errors %d); committed in the spool at the kill %d; at the sink %d files, %d distinct queue ids,"
                            + " %d duplicates, %d committed but unacknowledged; %.1f s (%.1f s after the kill)%n",
                    queuedBeforeKill, killAfter, acknowledged.size(), clientAcked.size(), clientErrors.get(), committedAtKill,
                    dumps.size(), perQueueId.size(), duplicates, unacknowledged.size(), (System.nanoTime() - t0) / 1e9,
                    (System.nanoTime() - killedAt) / 1e9);
        } finally {
            stopClients.set(true);
            for (Process p : processes) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One device thread: sends tagged messages over reused sessions, records each 250 it reads. */
    private static void device(int port, int thread, AtomicBoolean stop, Map<String, String> acked, AtomicInteger errors) {
        int n = 0;
        while (!stop.get()) {
            try (DeviceClient c = new DeviceClient(port)) {
                if (!c.reply().startsWith("220") || !c.send("EHLO device-" + thread).startsWith("250")) {
                    throw new IOException("no session");
                }
                while (!stop.get()) {
                    String messageId = "<t" + thread + "." + (n++) + "@crash.test>";
                    if (!c.send("MAIL FROM:<device" + thread + "@lan.test>").startsWith("250")
                            || !c.send("RCPT TO:<b@contoso.test>").startsWith("250")
                            || !c.send("DATA").startsWith("354")) {
                        throw new IOException("refused before the content");
                    }
                    String reply = c.raw(clientMessage(messageId)).reply();
                    if (reply == null) {
                        throw new IOException("no reply to the final '.'");
                    }
                    if (reply.startsWith("250")) {
                        acked.put(messageId, reply.replaceAll("(?s).*queued as (\\w+).*", "$1"));
                    }
                }
            } catch (IOException | RuntimeException e) {
                errors.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static String clientMessage(String messageId) {
        return "From: <device@lan.test>\r\nTo: <b@contoso.test>\r\nSubject: crash test " + messageId + "\r\n"
                + "Date: Sat, 28 Nov 2026 12:00:00 +0000\r\nMessage-ID: " + messageId + "\r\nMIME-Version: 1.0\r\n\r\n"
                + clientBody(messageId).replace("\n", "\r\n") + ".\r\n";
    }

    private static String clientBody(String messageId) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            b.append("line ").append(i).append(" of ").append(messageId).append(" ").append("y".repeat(50)).append('\n');
        }
        return b.toString();
    }

    /** What smtp-source -l 1024 sends as its body, as smtp-sink dumps it (LF ends). */
    private static String smtpSourceBody() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            b.append(i % 10).append("X".repeat(77)).append('\n');
        }
        return b.append("X".repeat(64)).append('\n').toString();
    }

    private static int countEnv(Path spool) throws IOException {
        Path msg = spool.resolve("msg");
        if (!Files.isDirectory(msg)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(msg)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(".msg")).count(); // a message file (spool format 2)
        }
    }

    /** Until the spool holds no message and the sink has had nothing new for 2 s (at most 60 s). */
    private static void waitUntilDelivered(Path spool, RealRelay.Sink sink, int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = sink.files().size();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (countEnv(spool) == 0 && now >= atLeast && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(2)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not delivered within 60 s: " + countEnv(spool) + " messages still in the spool, "
                + last + " at the sink (at least " + atLeast + " expected)");
    }
}
