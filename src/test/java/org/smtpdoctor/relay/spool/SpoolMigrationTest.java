package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.spool.RecipientState.Status;

/**
 * Format-1 spools are read and migrated to format 2 on open: the fixture {@code format1/} was
 * written by format-1 code (see format1.README.md beside it); a migration cut short by kill -9,
 * or left in any state a crash can leave, loses nothing and duplicates nothing.
 */
class SpoolMigrationTest {

    private static final String N = "1m8gsv070dhgdz1n";
    private static final String P = "1m8gsv070dhgdz1p";
    private static final String Q = "1m8gsv070dhgdz1q";
    private static final String R = "1m8gsv070dhgdz1r";

    @TempDir
    Path tmp;

    private static Path fixture() {
        try {
            return Path.of(SpoolMigrationTest.class.getResource("format1/FORMAT").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path copyOfFixture() throws IOException {
        Path from = fixture();
        Path to = tmp.resolve("spool");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static Spool open(Path dir) throws IOException {
        return Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] fixtureContent(String id) throws IOException {
        return Files.readAllBytes(fixture().resolve("msg").resolve(id + ".eml"));
    }

    @Test
    void aFormat1SpoolWrittenByFormat1CodeIsReadAsItIsAndMigratedOnOpenWithEveryStateKept() throws Exception {
        Path dir = copyOfFixture();
        // Before any relay opens it: queue list reads format 1.
        SpoolReader before = SpoolReader.open(dir);
        assertThat(before.list()).extracting(QueuedMessage::id).containsExactly(N, P, Q);
        assertThat(before.damage().unreadable()).containsExactly(R);
        assertThat(TestMessages.read(before.content(N))).isEqualTo(new String(fixtureContent(N), StandardCharsets.UTF_8));

        try (Spool spool = open(dir)) {
            Spool.Recovery r = spool.recovery();
            assertThat(r.migrated()).isEqualTo(3);
            assertThat(r.messages()).isEqualTo(3);
            assertThat(r.tempFilesDeleted()).as("tmp/ID.env, half written").isEqualTo(1);
            assertThat(r.orphansDeleted()).as("msg/ID.eml without an envelope").isEqualTo(1);
            assertThat(r.quarantined()).singleElement().asString().startsWith(R + ": ").contains("its envelope says");
            assertThat(Files.readString(dir.resolve("FORMAT"))).isEqualTo("smtp-doctor spool 2\n");
            assertThat(names(dir.resolve("msg"))).containsExactly(N + ".msg", N + ".state", P + ".msg", Q + ".msg", Q + ".state");
            assertThat(names(dir.resolve("corrupt"))).containsExactly(R + ".eml", R + ".env");
            assertThat(dir.resolve("tmp")).isEmptyDirectory();

            for (String id : List.of(N, P, Q)) {
                try (var in = spool.content(id)) {
                    assertThat(in.readAllBytes()).as(id).isEqualTo(fixtureContent(id));
                }
            }
            QueuedMessage n = spool.get(N).orElseThrow();
            assertThat(n.envelope().session()).contains(new Envelope.Session(true, Optional.of("TLSv1.2")));
            assertThat(n.envelope().protocol()).isEqualTo("ESMTPS");
            assertThat(n.recipients()).containsExactly(
                    new RecipientState("a@contoso.test", Status.DELIVERED, 1, Optional.empty(), Optional.of("250 2.0.0 OK"),
                            Optional.of(Instant.parse("2026-11-28T10:05:00Z"))),
                    new RecipientState("b@contoso.test", Status.DEFERRED, 1, Optional.of(Instant.parse("2026-11-28T10:20:00Z")),
                            Optional.of("451 4.7.500 Server busy. Please try again later."), Optional.of(Instant.parse("2026-11-28T10:05:00Z"))));
            QueuedMessage p = spool.get(P).orElseThrow();
            assertThat(p.envelope().sender()).as("the null sender").isEmpty();
            assertThat(p.envelope().authUser()).contains("printer");
            assertThat(spool.stored(P).eightBit()).as("read from the content while migrating").isTrue();
            assertThat(spool.stored(N).eightBit()).isFalse();
            assertThat(spool.get(Q).orElseThrow().isFinished()).isTrue();

            // The due-queue is built from the migrated states.
            assertThat(spool.due(Instant.parse("2026-11-28T10:06:00Z"))).extracting(QueuedMessage::id).containsExactly(P, Q);
            spool.release(P);
            spool.release(Q);
            // Those due longest first (pending, finished), then by their next attempt, then oldest first.
            assertThat(spool.due(Instant.parse("2026-11-28T10:20:00Z"))).extracting(QueuedMessage::id).containsExactly(P, Q, N);
        }
        try (Spool again = open(dir)) {
            assertThat(again.recovery()).isEqualTo(new Spool.Recovery(3, 0, 0, List.of(), List.of(), 0));
        }
        try (Spool again = open(dir)) {
            assertThat(again.requeueCorrupt("test")).singleElement().satisfies(q -> assertThat(q.message()).isEmpty());
        }
    }

    @Test
    void everyStateACrashCanLeaveInTheMiddleOfAMigrationEndsWithEachMessageOnce() throws Exception {
        Path dir = copyOfFixture();
        Path msg = dir.resolve("msg");
        byte[] formatFile = Files.readAllBytes(dir.resolve("FORMAT"));
        try (Spool spool = open(dir)) {
            assertThat(spool.recovery().migrated()).isEqualTo(3);
        }
        // N: renamed into msg/, its format-1 files not yet deleted. P: only a half-written copy in tmp/.
        // Q: a format-2 file damaged by a disk beside its whole format-1 files. FORMAT still 1 (cut short before it).
        Files.write(dir.resolve("FORMAT"), formatFile);
        for (String id : List.of(N, P, Q)) {
            Files.copy(fixture().resolve("msg").resolve(id + ".eml"), msg.resolve(id + ".eml"));
            Files.copy(fixture().resolve("msg").resolve(id + ".env"), msg.resolve(id + ".env"));
        }
        byte[] p = Files.readAllBytes(msg.resolve(P + ".msg"));
        Files.delete(msg.resolve(P + ".msg"));
        Files.write(dir.resolve("tmp").resolve(P + ".msg"), java.util.Arrays.copyOf(p, p.length / 2));
        byte[] q = Files.readAllBytes(msg.resolve(Q + ".msg"));
        Files.write(msg.resolve(Q + ".msg"), java.util.Arrays.copyOf(q, q.length - 3));

        try (Spool spool = open(dir)) {
            assertThat(spool.recovery().quarantined()).isEmpty();
            assertThat(spool.list()).extracting(QueuedMessage::id).containsExactly(N, P, Q);
            for (String id : List.of(N, P, Q)) {
                try (var in = spool.content(id)) {
                    assertThat(in.readAllBytes()).as(id).isEqualTo(fixtureContent(id));
                }
            }
            assertThat(spool.get(N).orElseThrow().recipients()).extracting(RecipientState::status)
                    .containsExactly(Status.DELIVERED, Status.DEFERRED);
            assertThat(names(msg)).containsExactly(N + ".msg", N + ".state", P + ".msg", Q + ".msg", Q + ".state");
            assertThat(Files.readString(dir.resolve("FORMAT"))).isEqualTo("smtp-doctor spool 2\n");
        }
    }

    @Test
    void aMigrationKilledMidwayLosesNothingAndDuplicatesNothing() throws Exception {
        int messages = 1500;
        boolean caughtMidway = false;
        for (int attempt = 1; attempt <= 5 && !caughtMidway; attempt++) {
            Path dir = tmp.resolve("big" + attempt);
            Map<String, String> written = format1Spool(dir, messages);
            Process child = startChild(dir);
            try {
                // Killed as soon as the first format-2 file is in msg/: the migration is under way.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).failFast(() -> !child.isAlive())
                        .until(() -> names(dir.resolve("msg")).stream().anyMatch(n -> n.endsWith(".msg")));
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            List<String> left = names(dir.resolve("msg"));
            caughtMidway = left.stream().anyMatch(n -> n.endsWith(".env"));
            assertThat(Files.readString(dir.resolve("FORMAT"))).as("made to say 2 before the first message moves")
                    .isEqualTo("smtp-doctor spool 2\n");
            SpoolReader reader = SpoolReader.open(dir);
            assertThat(reader.list()).as("queue list during the crash window").hasSize(messages);
            try (Spool spool = open(dir)) {
                assertThat(spool.recovery().quarantined()).isEmpty();
                List<QueuedMessage> all = spool.list();
                assertThat(all).extracting(QueuedMessage::id).containsExactlyElementsOf(written.keySet().stream().sorted().toList());
                for (QueuedMessage m : all) {
                    assertThat(TestMessages.read(spool.content(m.id()))).isEqualTo(SpoolKillChild.content(written.get(m.id())));
                    assertThat(m.envelope().sender()).isEqualTo(written.get(m.id()) + "@lan.test");
                }
                assertThat(names(dir.resolve("msg"))).allMatch(n -> n.endsWith(".msg")).hasSize(messages);
            }
        }
        assertThat(caughtMidway).as("in one of 5 attempts the kill landed before the migration ended").isTrue();
    }

    /** A format-1 spool as format-1 code wrote it (its envelope writer is unchanged: SpoolFormat.envelope). */
    private static Map<String, String> format1Spool(Path dir, int messages) throws IOException {
        for (String sub : List.of("msg", "tmp", "requests", "corrupt", "audit")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("FORMAT"), "smtp-doctor spool 1\n");
        QueueId ids = new QueueId(Clock.systemUTC());
        Map<String, String> written = new HashMap<>();
        for (int i = 0; i < messages; i++) {
            String id = ids.next();
            String tag = "m-" + i;
            byte[] content = SpoolKillChild.content(tag).getBytes(StandardCharsets.UTF_8);
            Files.write(dir.resolve("msg").resolve(id + ".eml"), content);
            Files.write(dir.resolve("msg").resolve(id + ".env"),
                    SpoolFormat.envelope(id, TestMessages.envelope(tag + "@lan.test", "a@contoso.test"), content.length));
            written.put(id, tag);
        }
        return written;
    }

    private static Process startChild(Path dir) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), dir.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The child JVM: opens (and so migrates) the spool, then waits to be killed. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try (Spool spool = Spool.open(Path.of(args[0]), Spool.Options.defaults().withMinFreeBytes(0))) {
                Thread.sleep(Long.MAX_VALUE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
