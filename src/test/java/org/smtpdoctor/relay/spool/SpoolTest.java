package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.smtpdoctor.relay.spool.TestMessages.content;
import static org.smtpdoctor.relay.spool.TestMessages.envelope;
import static org.smtpdoctor.relay.spool.TestMessages.read;
import static org.smtpdoctor.relay.spool.TestMessages.stream;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.spool.RecipientState.Status;
import org.smtpdoctor.testing.SettableClock;

class SpoolTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path tmp;

    private Spool open() throws IOException {
        return openIn(tmp);
    }

    /** A spool in {@code dir}/spool with no free-space floor and the clock fixed at {@link #NOW}. */
    static Spool openIn(Path dir) throws IOException {
        return Spool.open(dir.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0).withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @Test
    void anAcceptedMessageIsOnDiskAsReceivedWithItsEnvelopeBesideIt() throws Exception {
        Path dir = tmp.resolve("spool");
        String id;
        try (Spool spool = open()) {
            id = spool.accept(envelope("scanner@lan.test", "a@contoso.test", "b@contoso.test"), stream(content("1")));
        }
        assertThat(Files.readString(dir.resolve("FORMAT"))).isEqualTo("smtp-doctor spool 2\n");
        // Format 2: one file, the content as received, then the envelope (one JSON line), then the trailer.
        byte[] file = Files.readAllBytes(dir.resolve("msg/" + id + ".msg"));
        String text = new String(file, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith(content("1"));
        String trailer = text.substring(text.length() - SpoolFormat.TRAILER_LENGTH);
        assertThat(trailer).matches("\nsmtp-doctor envelope \\d{10}\n");
        int envLength = Integer.parseInt(trailer.substring(22, 32));
        assertThat(content("1").length() + envLength + SpoolFormat.TRAILER_LENGTH).isEqualTo(file.length);
        JsonNode env = new ObjectMapper().readTree(text.substring(content("1").length(), content("1").length() + envLength));
        assertThat(env.get("format").asInt()).isEqualTo(2);
        assertThat(env.get("id").asText()).isEqualTo(id);
        assertThat(env.get("size").asLong()).isEqualTo(content("1").length());
        assertThat(env.get("8bit").asBoolean()).isFalse();
        assertThat(env.get("sender").asText()).isEqualTo("scanner@lan.test");
        assertThat(env.get("recipients").toString()).isEqualTo("[\"a@contoso.test\",\"b@contoso.test\"]");
        assertThat(env.get("received_at").asText()).isEqualTo("2026-11-28T10:00:00Z");
        assertThat(env.get("auth_user").isNull()).isTrue();
        try (var files = Files.list(dir.resolve("msg"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("one file, no state until something happens").containsExactly(id + ".msg");
        }
        assertThat(dir.resolve("tmp")).isEmptyDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("msg/" + id + ".msg")))).isEqualTo("rw-------");
    }

    @Test
    void contentIsStoredByteForByteWhateverItHolds() throws Exception {
        byte[] every = new byte[512];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        try (Spool spool = open()) {
            String id = spool.accept(envelope("", "a@contoso.test"), new ByteArrayInputStream(every));
            try (var in = spool.content(id)) {
                assertThat(in.readAllBytes()).isEqualTo(every);
            }
            assertThat(spool.get(id).orElseThrow().envelope().sender()).as("the null sender").isEmpty();
        }
    }

    @Test
    void aReopenedSpoolHasEveryMessageWithItsRecipientStates() throws Exception {
        String id;
        try (Spool spool = open()) {
            id = spool.accept(envelope("scanner@lan.test", "a@contoso.test", "b@contoso.test", "c@contoso.test"), stream(content("1")));
            assertThat(spool.markDelivered(id, "a@contoso.test", "250 2.0.0 OK")).isTrue();
            assertThat(spool.markDeferred(id, "b@contoso.test", "451 4.7.500 Server busy", NOW.plusSeconds(300))).isTrue();
            assertThat(spool.markDeferred(id, "b@contoso.test", "451 4.7.500 Server busy", NOW.plusSeconds(900))).isTrue();
            assertThat(spool.markFailed(id, "c@contoso.test", "550 5.1.10 RESOLVER.ADR.RecipientNotFound")).isTrue();
        }
        try (Spool spool = open()) {
            assertThat(spool.recovery()).isEqualTo(new Spool.Recovery(1, 0, 0, List.of(), List.of()));
            QueuedMessage m = spool.get(id).orElseThrow();
            assertThat(m.recipients()).containsExactly(
                    new RecipientState("a@contoso.test", Status.DELIVERED, 1, java.util.Optional.empty(),
                            java.util.Optional.of("250 2.0.0 OK"), java.util.Optional.of(NOW)),
                    new RecipientState("b@contoso.test", Status.DEFERRED, 2, java.util.Optional.of(NOW.plusSeconds(900)),
                            java.util.Optional.of("451 4.7.500 Server busy"), java.util.Optional.of(NOW)),
                    new RecipientState("c@contoso.test", Status.FAILED, 1, java.util.Optional.empty(),
                            java.util.Optional.of("550 5.1.10 RESOLVER.ADR.RecipientNotFound"), java.util.Optional.of(NOW)));
            assertThat(m.attempts()).isEqualTo(2);
            assertThat(m.nextAttempt()).contains(NOW.plusSeconds(900));
            assertThat(read(spool.content(id))).isEqualTo(content("1"));
        }
    }

    @Test
    void queueIdsAreShortSortableByTimeUniqueAndSafeAsFileNames() {
        Clock early = Clock.fixed(NOW, ZoneOffset.UTC);
        QueueId ids = new QueueId(early);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(ids.next());
        }
        assertThat(seen).doesNotHaveDuplicates().isSorted().allMatch(QueueId::isValid).allMatch(id -> id.length() == 16);
        String later = new QueueId(Clock.fixed(NOW.plusMillis(1), ZoneOffset.UTC)).next();
        String muchLater = new QueueId(Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC)).next();
        assertThat(later).isGreaterThan(new QueueId(early).next());
        assertThat(muchLater).isGreaterThan(seen.get(seen.size() - 1));
        assertThat(QueueId.isValid("../../etc/passw")).isFalse();
        assertThat(QueueId.isValid("0123456789ABCDEF")).as("lowercase only").isFalse();
    }

    @Test
    void theTrailerGivesTheEnvelopeLengthInTenDigits() {
        assertThat(new String(SpoolFormat.trailer(0), StandardCharsets.US_ASCII)).isEqualTo("\nsmtp-doctor envelope 0000000000\n");
        assertThat(new String(SpoolFormat.trailer(4711), StandardCharsets.US_ASCII)).isEqualTo("\nsmtp-doctor envelope 0000004711\n");
        assertThat(new String(SpoolFormat.trailer(Integer.MAX_VALUE), StandardCharsets.US_ASCII))
                .isEqualTo("\nsmtp-doctor envelope 2147483647\n");
        assertThat(SpoolFormat.trailer(4711)).hasSize(SpoolFormat.TRAILER_LENGTH);
    }

    @Test
    void queueIdsTakenByManyThreadsAtOnceAreUniqueAndIncreaseInEachThread() throws Exception {
        SettableClock clock = new SettableClock(NOW);
        QueueId ids = new QueueId(clock);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < 5_000; i++) {
                        if (i % 7 == 0) { // ids both count up within a millisecond and start new ones
                            clock.advance(Duration.ofMillis(1));
                        }
                        mine.add(ids.next());
                    }
                    return mine;
                }));
            }
            start.countDown();
            Set<String> every = new HashSet<>();
            for (Future<List<String>> f : all) {
                List<String> mine = f.get();
                assertThat(mine).as("one thread's ids").isSorted().doesNotHaveDuplicates().allMatch(QueueId::isValid);
                every.addAll(mine);
            }
            assertThat(every).as("ids of all threads").hasSize(threads * 5_000);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void eachNewMillisecondGetsRandomBitsNotUsedBefore() {
        SettableClock clock = new SettableClock(NOW);
        QueueId ids = new QueueId(clock);
        // Every id in a millisecond of its own, so every one draws a random part: many more than one
        // block of them (a block handed out twice would repeat its values).
        List<String> random = new ArrayList<>();
        for (int i = 0; i < RandomValues.BLOCK * 5; i++) {
            clock.advance(Duration.ofMillis(1));
            random.add(ids.next().substring(9));
        }
        // 320 values of 34 random bits: a repeat by chance has odds of about 3 in a million.
        assertThat(random).doesNotHaveDuplicates();
    }

    @Test
    void dueHandsEachMessageToOneWorkerAtATimeWhileOthersAreAcceptedChangedAndDeleted() throws Exception {
        int acceptors = 8;
        int perAcceptor = 150;
        int workers = 6;
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> holding = ConcurrentHashMap.newKeySet();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        Map<String, Integer> handedOut = new ConcurrentHashMap<>();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean acceptingDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(acceptors + workers + 1);
        try (Spool spool = Spool.open(tmp.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0))) {
            List<Future<?>> acceptTasks = new ArrayList<>();
            for (int t = 0; t < acceptors; t++) {
                int thread = t;
                acceptTasks.add(pool.submit(() -> {
                    for (int i = 0; i < perAcceptor; i++) {
                        accepted.add(spool.accept(envelope(thread + "-" + i + "@lan.test", "a@contoso.test"), stream(content("" + i))));
                    }
                    return null;
                }));
            }
            BooleanSupplier finished = () -> acceptingDone.get()
                    && delivered.size() + deleted.size() == acceptors * perAcceptor;
            List<Future<?>> others = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                others.add(pool.submit(() -> {
                    while (!finished.getAsBoolean()) {
                        Instant now = Instant.now();
                        for (QueuedMessage m : spool.due(now, 2)) {
                            String id = m.id();
                            if (!holding.add(id)) {
                                wrong.add(id + " handed to two workers at once");
                            }
                            int times = handedOut.merge(id, 1, Integer::sum);
                            // A third of the messages is deferred once (due again at once), a third only
                            // released once, the rest delivered at the first attempt.
                            int kind = Math.floorMod(id.hashCode(), 3);
                            if (kind == 0 && times == 1) {
                                spool.markDeferred(id, "a@contoso.test", "421 4.3.2 try again", now);
                                holding.remove(id);
                                spool.release(id);
                            } else if (kind == 1 && times == 1) {
                                holding.remove(id);
                                spool.release(id);
                            } else {
                                boolean marked = spool.markDelivered(id, "a@contoso.test", "250 OK");
                                holding.remove(id);
                                if (marked && spool.remove(id) && !delivered.add(id)) {
                                    wrong.add(id + " removed twice");
                                }
                                spool.release(id);
                            }
                        }
                    }
                    return null;
                }));
            }
            others.add(pool.submit(() -> { // an administrator deleting now and then, whatever the message's state
                Random r = new Random(13);
                while (!finished.getAsBoolean()) {
                    List<QueuedMessage> queued = spool.list();
                    if (!queued.isEmpty()) {
                        spool.delete(queued.get(r.nextInt(queued.size())).id()).ifPresent(m -> deleted.add(m.id()));
                    }
                    Thread.sleep(2);
                }
                return null;
            }));
            for (Future<?> f : acceptTasks) {
                f.get(120, TimeUnit.SECONDS);
            }
            acceptingDone.set(true);
            for (Future<?> f : others) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(wrong).isEmpty();
            assertThat(accepted).hasSize(acceptors * perAcceptor);
            assertThat(delivered).as("delivered and deleted: each message once").doesNotContainAnyElementsOf(deleted);
            Set<String> gone = new HashSet<>(delivered);
            gone.addAll(deleted);
            assertThat(gone).isEqualTo(accepted);
            assertThat(spool.list()).as("nothing left behind").isEmpty();
            assertThat(spool.due(Instant.now().plus(Duration.ofDays(1)))).isEmpty();
            for (String id : delivered) {
                int expected = Math.floorMod(id.hashCode(), 3) == 2 ? 1 : 2;
                assertThat(handedOut.get(id)).as("times %s was handed out", id).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void dueLeasesAMessageToOneCallerUntilItIsReleasedOrTheLeaseEnds() throws Exception {
        try (Spool spool = open()) {
            String id = spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("1")));
            assertThat(spool.due(NOW)).extracting(QueuedMessage::id).containsExactly(id);
            assertThat(spool.due(NOW)).as("leased").isEmpty();
            spool.release(id);
            assertThat(spool.due(NOW)).extracting(QueuedMessage::id).containsExactly(id);
            assertThat(spool.due(NOW.plus(Duration.ofMinutes(31)))).as("the 30-minute lease ended").hasSize(1);
        }
    }

    @Test
    void dueHandsOutOldestFirstAndAtMostTheLimit() throws Exception {
        try (Spool spool = open()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("" + i))));
            }
            assertThat(spool.due(NOW, 2)).extracting(QueuedMessage::id).containsExactly(ids.get(0), ids.get(1));
            assertThat(spool.due(NOW, 10)).extracting(QueuedMessage::id).containsExactlyElementsOf(ids.subList(2, 5));
            assertThat(spool.list()).extracting(QueuedMessage::id).containsExactlyElementsOf(ids);
        }
    }

    @Test
    void aDeferredRecipientIsDueAtItsNextAttemptAndRetryNowMakesItDueAtOnce() throws Exception {
        try (Spool spool = open()) {
            String id = spool.accept(envelope("s@lan.test", "a@contoso.test", "b@contoso.test"), stream(content("1")));
            spool.due(NOW);
            spool.markDelivered(id, "a@contoso.test", "250 OK");
            spool.markDeferred(id, "b@contoso.test", "421 4.3.2 Service not available", NOW.plusSeconds(600));
            spool.release(id);
            assertThat(spool.due(NOW)).isEmpty();
            assertThat(spool.due(NOW.plusSeconds(599))).isEmpty();
            assertThat(spool.due(NOW.plusSeconds(600))).hasSize(1);
            spool.release(id);
            spool.markDeferred(id, "b@contoso.test", "421 4.3.2 Service not available", NOW.plusSeconds(3600));
            assertThat(spool.retryNow(id)).isTrue();
            RecipientState b = spool.get(id).orElseThrow().recipients().get(1);
            assertThat(b.status()).isEqualTo(Status.DEFERRED);
            assertThat(b.nextAttempt()).contains(NOW);
            assertThat(b.attempts()).as("a retry is not an attempt").isEqualTo(2);
            assertThat(spool.due(NOW)).hasSize(1);
        }
    }

    @Test
    void aFinishedMessageIsDueUntilRemovedAndOnlyAFinishedOneCanBeRemoved() throws Exception {
        Path msg = tmp.resolve("spool/msg");
        try (Spool spool = open()) {
            String id = spool.accept(envelope("s@lan.test", "a@contoso.test", "b@contoso.test"), stream(content("1")));
            spool.markDelivered(id, "a@contoso.test", "250 OK");
            assertThatThrownBy(() -> spool.remove(id)).isInstanceOf(IllegalStateException.class);
            spool.markFailed(id, "b@contoso.test", "550 5.7.708 Access denied");
            QueuedMessage finished = spool.due(NOW).get(0);
            assertThat(finished.isFinished()).as("the worker sends the DSN, then removes it").isTrue();
            assertThat(spool.remove(id)).isTrue();
            assertThat(spool.get(id)).isEmpty();
            assertThat(spool.remove(id)).isFalse();
            assertThat(msg).isEmptyDirectory();
        }
    }

    @Test
    void aFinalStateDoesNotChangeButTheSameOutcomeMayBeRecordedAgain() throws Exception {
        try (Spool spool = open()) {
            String id = spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("1")));
            spool.markDelivered(id, "a@contoso.test", "250 OK");
            assertThat(spool.markDelivered(id, "a@contoso.test", "250 OK again")).isTrue();
            assertThat(spool.get(id).orElseThrow().recipients().get(0).attempts()).isEqualTo(1);
            assertThatThrownBy(() -> spool.markDeferred(id, "a@contoso.test", "451", NOW)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> spool.markFailed(id, "a@contoso.test", "550")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> spool.markDelivered(id, "nobody@contoso.test", "250")).isInstanceOf(IllegalArgumentException.class);
            assertThat(spool.markDelivered("0000000000000000", "a@contoso.test", "250")).isFalse();
        }
    }

    @Test
    void deleteRemovesAMessageInAnyStateAndLaterMarksAreIgnored() throws Exception {
        try (Spool spool = open()) {
            String id = spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("1")));
            spool.due(NOW);
            assertThat(spool.delete(id)).map(QueuedMessage::id).contains(id);
            assertThat(spool.markDelivered(id, "a@contoso.test", "250 OK")).isFalse();
            assertThat(spool.list()).isEmpty();
            assertThat(spool.delete(id)).isEmpty();
        }
        try (Spool spool = open()) {
            assertThat(spool.list()).isEmpty();
        }
    }

    @Test
    void aSecondOwnerOfTheSameSpoolIsRefusedAndTheLockIsFreedOnClose() throws Exception {
        try (Spool spool = open()) {
            assertThatThrownBy(this::open).isInstanceOf(SpoolInUseException.class)
                    .hasMessage("the spool " + tmp.resolve("spool") + " is in use by process " + ProcessHandle.current().pid());
        }
        open().close();
    }

    @Test
    void anotherProcessCannotOpenTheSpoolEvenAfterAFailedSecondOpenInThisOne() throws Exception {
        Path dir = tmp.resolve("spool");
        try (Spool spool = open()) {
            assertThatThrownBy(this::open).isInstanceOf(SpoolInUseException.class);
            assertThat(SpoolAdmin.requeueCorrupt(dir, Duration.ofMillis(1)))
                    .isIn(SpoolAdmin.Applied.REQUEST_PENDING, SpoolAdmin.Applied.BY_RUNNING_RELAY);
            assertThat(probe(dir)).isEqualTo("the spool " + dir + " is in use by process " + ProcessHandle.current().pid());
        }
        assertThat(probe(dir)).isEqualTo("opened");
    }

    /** What a child JVM gets when it opens the spool. */
    private static String probe(Path dir) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SpoolLockProbe.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void aDirectoryThatIsNotASpoolIsRefusedAndAnEmptyOneBecomesOne() throws Exception {
        Path notSpool = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(notSpool.resolve("passwd"), "root:x:0:0\n");
        assertThatThrownBy(() -> Spool.open(notSpool)).hasMessageContaining("is neither empty nor an smtp-doctor spool");
        assertThat(notSpool.resolve("passwd")).hasContent("root:x:0:0");

        Path newer = Files.createDirectories(tmp.resolve("newer"));
        Files.writeString(newer.resolve("FORMAT"), "smtp-doctor spool 3\n");
        assertThatThrownBy(() -> Spool.open(newer)).hasMessageContaining("holds 'smtp-doctor spool 3'; this smtp-doctor reads 'smtp-doctor spool 2'");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Spool.open(empty).close();
        assertThat(empty.resolve("FORMAT")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(empty))).isEqualTo("rwx------");
    }

    @Test
    void lessFreeSpaceThanTheConfiguredMinimumIsSpoolFullAndStoresNothing() throws Exception {
        Path dir = tmp.resolve("spool");
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(Long.MAX_VALUE))) {
            assertThatThrownBy(() -> spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("1"))))
                    .isInstanceOf(SpoolFullException.class).hasMessageContaining("free on the spool's disk; the spool keeps");
            assertThat(spool.list()).isEmpty();
        }
        assertThat(dir.resolve("msg")).isEmptyDirectory();
        assertThat(dir.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void aReserveAsAShareOfTheVolumeRefusesAtMailFromAndSaysSoOnce() throws Exception {
        Path dir = tmp.resolve("spool");
        long total = Files.getFileStore(tmp).getTotalSpace();
        long free = Files.getFileStore(tmp).getUsableSpace();
        // A share of the volume larger than what is free: the spool takes nothing, and says why.
        int percent = 99;
        org.junit.jupiter.api.Assumptions.assumeTrue(SpoolReserve.ofPercent(percent).bytesOf(total) > free, "the volume is almost empty");
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withReserve(SpoolReserve.ofPercent(percent)))) {
            Spool.Space space = spool.space();
            assertThat(space.refusing()).isTrue();
            assertThat(space.reserveBytes()).isEqualTo(total / 100 * percent);
            assertThat(spool.refusal()).hasValueSatisfying(r -> assertThat(r).contains("free on the spool's disk; the spool keeps"));
            assertThatThrownBy(() -> spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("1"))))
                    .isInstanceOf(SpoolFullException.class);
        }
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withReserve(SpoolReserve.ofPercent(0)))) {
            assertThat(spool.refusal()).isEmpty();
            assertThat(spool.space().refusing()).isFalse();
        }
        assertThat(SpoolReserve.ofPercent(5)).hasToString("5%");
        assertThat(SpoolReserve.DEFAULT).hasToString("64 MB");
        assertThat(SpoolReserve.ofBytes(3L << 30)).hasToString("3 GB");
        assertThat(SpoolReserve.ofPercent(10).bytesOf(1000)).isEqualTo(100);
    }

    @Test
    void aSpoolCreatedForAStartThatFailedIsRemovedWithTheParentsItCreatedAndNothingElse() throws Exception {
        Path dir = tmp.resolve("a/b/spool");
        Files.createDirectories(tmp.resolve("a"));
        Files.writeString(tmp.resolve("a/keep.txt"), "someone else's");
        Path top = Spool.firstMissing(dir).orElseThrow();
        assertThat(top).isEqualTo(tmp.resolve("a/b").toAbsolutePath());
        Spool.open(dir).close();
        Spool.removeCreated(top, dir);
        assertThat(tmp.resolve("a/b")).doesNotExist();
        assertThat(tmp.resolve("a/keep.txt")).exists();
        assertThat(Spool.firstMissing(tmp.resolve("a"))).isEmpty();
        // A spool with anything of someone else's in it stays.
        Path other = tmp.resolve("c/spool");
        Path otherTop = Spool.firstMissing(other).orElseThrow();
        Spool.open(other).close();
        Files.writeString(other.resolve("notes.txt"), "mine");
        Spool.removeCreated(otherTop, other);
        assertThat(other.resolve("notes.txt")).exists();
    }

    @Test
    void concurrentAcceptsAllLandWholeWithDistinctIds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        try (Spool spool = open()) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 20; t++) {
                int thread = t;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        String tag = thread + "-" + i;
                        ids.add(spool.accept(envelope(tag + "@lan.test", "a@contoso.test"), stream(content(tag))));
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            assertThat(ids).hasSize(400);
        } finally {
            pool.shutdown();
        }
        try (Spool spool = open()) {
            assertThat(spool.list()).hasSize(400);
            for (QueuedMessage m : spool.list()) {
                String tag = m.envelope().sender().replace("@lan.test", "");
                assertThat(read(spool.content(m.id()))).isEqualTo(content(tag));
            }
        }
    }

    @Test
    void aRequestFileFromQueueRetryOrDeleteIsAppliedByTheOwner() throws Exception {
        Path requests = tmp.resolve("spool/requests");
        try (Spool spool = open()) {
            String keep = spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("1")));
            String drop = spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content("2")));
            spool.markDeferred(keep, "a@contoso.test", "451 busy", NOW.plusSeconds(3600));
            Files.createFile(requests.resolve(drop + ".delete"));
            Files.createFile(requests.resolve("all.retry"));
            Files.createFile(requests.resolve("not-ours.txt"));
            await().atMost(Duration.ofSeconds(5)).until(() -> spool.get(drop).isEmpty()
                    && spool.get(keep).orElseThrow().nextAttempt().equals(java.util.Optional.of(NOW)));
            await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(requests.resolve("all.retry")));
            assertThat(requests.resolve("not-ours.txt")).exists();
        }
    }
}
