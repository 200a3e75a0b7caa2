package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fuzz target: the spool's readers on damaged files: {@link SpoolReader} ({@code queue list}, {@code
 * queue show}) and {@link Spool#open}'s recovery (the relay's start), on a spool whose envelope,
 * content and state files were written whole and then damaged (bytes changed, cut short, replaced
 * by junk), with stray files and queue requests beside them. Properties: neither throws anything
 * but an IOException for the spool as a whole; recovery never loses a message: every envelope in
 * {@code msg/} is afterwards a message or kept in {@code corrupt/}; every message the reader or the
 * spool lists can be read whole; a message whose envelope and content are whole is listed.
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/relay/spool/SpoolReaderFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class SpoolReaderFuzzTest {

    /** In memory where there is a tmpfs: a fuzzing run writes a spool per input. */
    private static final Path BASE = base();
    private static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:00Z");
    private static final QueueId IDS = new QueueId(Clock.systemUTC());
    private static final SpoolAudit.Sink QUIET = new SpoolAudit.Sink() {
        @Override
        public void info(String event, Object... fields) {
        }

        @Override
        public void warn(String event, Object... fields) {
        }
    };

    private static Path base() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                    "spool-fuzz-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest
    void damagedSpools(FuzzedDataProvider data) throws IOException {
        Path dir = Files.createTempDirectory(BASE, "s");
        try {
            Spool.open(dir, options()).close();
            Path msg = dir.resolve(SpoolFormat.MSG);
            List<String> ids = new ArrayList<>();
            int messages = data.consumeInt(1, 3);
            for (int i = 0; i < messages; i++) {
                String id = IDS.next();
                ids.add(id);
                writeMessage(data, msg, id);
            }
            String deleteRequested = null;
            if (data.consumeBoolean()) {
                String name = data.pickValue(List.of(ids.get(0) + ".retry", ids.get(0) + ".delete", "corrupt.requeue", "all.retry"));
                Files.write(dir.resolve(SpoolFormat.REQUESTS).resolve(name), new byte[0]);
                deleteRequested = name.endsWith(".delete") ? ids.get(0) : null;
            }
            if (data.consumeBoolean()) {
                Files.write(dir.resolve(SpoolFormat.TMP).resolve(ids.get(0) + SpoolFormat.STATE), data.consumeBytes(64));
            }

            List<String> whole = new ArrayList<>();
            for (String id : ids) {
                try {
                    SpoolFormat.readCommitted(msg, id);
                    whole.add(id);
                } catch (IOException e) {
                    // damaged, or no envelope
                }
            }
            SpoolReader reader = SpoolReader.open(dir);
            List<QueuedMessage> listed = reader.list();
            for (QueuedMessage m : listed) {
                readWhole(reader.content(m.id()), m.size());
                assertThat(m.recipients()).hasSameSizeAs(m.envelope().recipients());
            }
            assertThat(listed.stream().map(QueuedMessage::id)).containsAll(whole);
            SpoolReader.Damage damage = reader.damage();
            for (SpoolReader.Corrupt c : damage.setAside()) {
                assertThat(c.problem()).isNotNull();
            }
            reader.corruptMessages();

            List<String> envelopes = new ArrayList<>(ids(msg, SpoolFormat.ENVELOPE));
            // A deletion an administrator asked for (queue delete) is no loss, whenever the spool's poller carries it out.
            envelopes.remove(deleteRequested);
            try (Spool spool = Spool.open(dir, options())) {
                // Opening migrates a whole format-1 pair (.env, .eml) into one format-2 file (.msg).
                List<String> afterwards = new ArrayList<>(ids(msg, SpoolFormat.ENVELOPE));
                afterwards.addAll(ids(msg, SpoolFormat.MESSAGE));
                afterwards.addAll(ids(dir.resolve(SpoolFormat.CORRUPT), SpoolFormat.ENVELOPE));
                afterwards.addAll(ids(dir.resolve(SpoolFormat.CORRUPT), SpoolFormat.MESSAGE));
                assertThat(afterwards).as("recovery loses no message").containsAll(envelopes);
                for (QueuedMessage m : spool.list()) {
                    readWhole(spool.content(m.id()), m.size());
                }
                List<String> kept = new ArrayList<>(whole);
                kept.remove(deleteRequested);
                assertThat(spool.list().stream().map(QueuedMessage::id)).containsAll(kept);
                spool.due(Instant.now());
            }
        } finally {
            delete(dir);
        }
    }

    private static Spool.Options options() {
        return Spool.Options.defaults().withMinFreeBytes(0).withAudit(QUIET);
    }

    /** A message written as the spool writes it, then damaged as the input says. */
    private static void writeMessage(FuzzedDataProvider data, Path msg, String id) throws IOException {
        byte[] content = data.consumeBytes(data.consumeInt(0, 300));
        List<String> recipients = List.of("a@contoso.test", data.consumeString(30) + "@contoso.test");
        Envelope envelope = new Envelope(data.consumeString(20), "192.0.2.10", data.consumeString(20), Optional.empty(),
                data.consumeString(30), recipients.subList(0, data.consumeInt(1, 2)), RECEIVED,
                data.consumeBoolean() ? Optional.empty() : Optional.of(new Envelope.Session(data.consumeBoolean(), Optional.of("TLSv1.2"))));
        byte[] env = SpoolFormat.envelope(id, envelope, content.length);
        List<RecipientState> states = new ArrayList<>(SpoolFormat.initialState(envelope));
        if (data.consumeBoolean()) {
            states.set(0, states.get(0).deferred("451 4.7.500 Server busy", RECEIVED.plusSeconds(60), RECEIVED));
        }
        byte[] state = SpoolFormat.state(states);

        int files = data.consumeInt(0, 7); // which of envelope, content, state are written
        if ((files & 1) != 0) {
            Files.write(msg.resolve(id + SpoolFormat.ENVELOPE), damaged(data, env));
        }
        if ((files & 2) != 0) {
            Files.write(msg.resolve(id + SpoolFormat.CONTENT), damaged(data, content));
        }
        if ((files & 4) != 0) {
            Files.write(msg.resolve(id + SpoolFormat.STATE), damaged(data, state));
        }
    }

    /** The file as written, or with bytes changed, cut short, or replaced by the input's bytes. */
    private static byte[] damaged(FuzzedDataProvider data, byte[] file) {
        switch (data.consumeInt(0, 3)) {
            case 1 -> {
                byte[] copy = file.clone();
                int changes = data.consumeInt(1, 4);
                for (int i = 0; i < changes && copy.length > 0; i++) {
                    copy[data.consumeInt(0, copy.length - 1)] = data.consumeByte();
                }
                return copy;
            }
            case 2 -> {
                return java.util.Arrays.copyOf(file, data.consumeInt(0, file.length));
            }
            case 3 -> {
                return data.consumeBytes(data.consumeInt(0, 400));
            }
            default -> {
                return file;
            }
        }
    }

    private static void readWhole(InputStream in, long size) throws IOException {
        try (in) {
            assertThat(in.readAllBytes()).hasSize((int) size);
        }
    }

    /** The ids of the files in {@code dir} with this suffix (none when there is no such directory). */
    private static List<String> ids(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        return names(dir, suffix).stream().map(n -> n.substring(0, n.length() - suffix.length())).toList();
    }

    private static List<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
