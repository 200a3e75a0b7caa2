package org.smtpdoctor.relay.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The spool's on-disk layout and file format, version {@value #VERSION} (docs/spool.md).
 * Reading and writing single files only; the rules of when to write what live in {@link Spool}.
 * Stateless and thread-safe.
 */
final class SpoolFormat {

    static final int VERSION = 1;
    static final String FORMAT_FILE = "FORMAT";
    static final String FORMAT_LINE = "smtp-doctor spool " + VERSION;
    static final String LOCK_FILE = "lock";
    static final String MSG = "msg";
    static final String TMP = "tmp";
    static final String REQUESTS = "requests";
    static final String CORRUPT = "corrupt";
    static final String AUDIT = "audit";
    static final String CONTENT = ".eml";
    static final String ENVELOPE = ".env";
    static final String STATE = ".state";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private SpoolFormat() {
    }

    static FileAttribute<?>[] privateFile() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    static FileAttribute<?>[] privateDirectory() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
    }

    /** Creates {@code file} (which must not exist) from {@code in}, fsync'd; returns its size. */
    static long writeSynced(Path file, InputStream in) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), privateFile())) {
            long size = in.transferTo(Channels.newOutputStream(ch));
            ch.force(true);
            return size;
        }
    }

    static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), privateFile())) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** A temp file left by an earlier failure of the same write is replaced. */
    static void writeSyncedReplacing(Path file, byte[] bytes) throws IOException {
        try {
            writeSynced(file, bytes);
        } catch (FileAlreadyExistsException e) {
            Files.delete(file);
            writeSynced(file, bytes);
        }
    }

    /** ENOSPC and EDQUOT become {@link SpoolFullException}; other failures pass through. */
    static IOException translate(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (!(e instanceof SpoolFullException) && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
            return new SpoolFullException("the spool's disk is full", e);
        }
        return e;
    }

    static byte[] envelope(String id, Envelope e, long size) {
        ObjectNode n = JSON.createObjectNode().put("format", VERSION).put("id", id)
                .put("received_at", e.receivedAt().toString()).put("size", size)
                .put("device", e.device()).put("client_address", e.clientAddress()).put("helo", e.heloName())
                .put("auth_user", e.authUser().orElse(null)).put("sender", e.sender());
        e.recipients().forEach(n.putArray("recipients")::add);
        // Added within format 1: older readers ignore them, envelopes without them read as "not known".
        e.session().ifPresent(s -> n.put("esmtp", s.esmtp()).put("tls", s.tls().orElse(null)));
        return bytes(n);
    }

    /** The envelope and content size, checked for this format version. */
    record StoredEnvelope(Envelope envelope, long size) {}

    static StoredEnvelope readEnvelope(Path file, String id) throws IOException {
        JsonNode n = read(file);
        if (!id.equals(n.path("id").asText())) {
            throw new IOException(file + " names message " + n.path("id").asText() + ", not " + id);
        }
        List<String> rcpts = new ArrayList<>();
        n.path("recipients").forEach(r -> rcpts.add(r.asText()));
        try {
            Optional<Envelope.Session> session = n.has("esmtp")
                    ? Optional.of(new Envelope.Session(n.get("esmtp").asBoolean(), optional(n, "tls")))
                    : Optional.empty();
            Envelope env = new Envelope(text(n, "device"), text(n, "client_address"), text(n, "helo"),
                    optional(n, "auth_user"), text(n, "sender"), rcpts, Instant.parse(text(n, "received_at")), session);
            long size = n.path("size").asLong(-1);
            if (size < 0) {
                throw new IOException(file + ": no size");
            }
            return new StoredEnvelope(env, size);
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static byte[] state(List<RecipientState> recipients) {
        ObjectNode n = JSON.createObjectNode().put("format", VERSION);
        ArrayNode arr = n.putArray("recipients");
        for (RecipientState r : recipients) {
            arr.addObject().put("address", r.recipient()).put("state", r.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("attempts", r.attempts()).put("next_attempt", r.nextAttempt().map(Instant::toString).orElse(null))
                    .put("last_reply", r.lastReply().orElse(null)).put("updated", r.updated().map(Instant::toString).orElse(null));
        }
        return bytes(n);
    }

    /** The recipients' states from a state file, which must name exactly the envelope's recipients. */
    static List<RecipientState> readState(Path file, Envelope envelope) throws IOException {
        JsonNode n = read(file);
        List<RecipientState> out = new ArrayList<>();
        try {
            for (JsonNode r : n.path("recipients")) {
                out.add(new RecipientState(text(r, "address"),
                        RecipientState.Status.valueOf(text(r, "state").toUpperCase(java.util.Locale.ROOT)),
                        r.path("attempts").asInt(), optional(r, "next_attempt").map(Instant::parse),
                        optional(r, "last_reply"), optional(r, "updated").map(Instant::parse)));
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (!out.stream().map(RecipientState::recipient).toList().equals(envelope.recipients())) {
            throw new IOException(file + ": its recipients are not the envelope's");
        }
        return out;
    }

    static List<RecipientState> initialState(Envelope envelope) {
        return envelope.recipients().stream().map(RecipientState::pending).toList();
    }

    /**
     * A message whose envelope and content are whole but whose state file cannot be read (a
     * disk, a hand): what it is with every recipient pending again. Recovery re-queues it that
     * way, since delivering twice is better than never delivering (docs/spool.md, "Recovery").
     */
    static final class DamagedStateException extends IOException {
        final transient QueuedMessage requeued;

        DamagedStateException(String message, QueuedMessage requeued) {
            super(message);
            this.requeued = requeued;
        }
    }

    /**
     * The envelope of a committed message in {@code dir} ({@code msg/}, or {@code corrupt/}),
     * checked against its content file: the content must be there with the envelope's size.
     *
     * @throws java.nio.file.NoSuchFileException when its envelope is not there (not a message)
     * @throws IOException when it is there but unreadable, or the content is missing or of another size
     */
    static StoredEnvelope readCommitted(Path dir, String id) throws IOException {
        StoredEnvelope env = readEnvelope(dir.resolve(id + ENVELOPE), id);
        Path content = dir.resolve(id + CONTENT);
        if (!Files.exists(content)) {
            throw new IOException(content + " is missing");
        }
        long actual = Files.size(content);
        if (actual != env.size()) {
            throw new IOException(content + " has " + actual + " bytes, its envelope says " + env.size());
        }
        return env;
    }

    /**
     * One committed message read from {@code msgDir}: envelope, size checked against the
     * content file, state (all pending when there is no state file yet).
     *
     * @throws java.nio.file.NoSuchFileException when its envelope is not there (not a message)
     * @throws DamagedStateException when only its state file cannot be read
     * @throws IOException when it is there but unreadable or inconsistent (corrupt)
     */
    static QueuedMessage readMessage(Path msgDir, String id) throws IOException {
        StoredEnvelope env = readCommitted(msgDir, id);
        Path state = msgDir.resolve(id + STATE);
        List<RecipientState> recipients = initialState(env.envelope());
        if (Files.exists(state)) {
            try {
                recipients = readState(state, env.envelope());
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed meanwhile: all pending, as if it had never been written
            } catch (IOException e) {
                throw new DamagedStateException(e.getMessage(), new QueuedMessage(id, env.envelope(), env.size(), recipients));
            }
        }
        return new QueuedMessage(id, env.envelope(), env.size(), recipients);
    }

    private static JsonNode read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not complete JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || n.path("format").asInt() != VERSION) {
            throw new IOException(file + ": format " + (n == null ? "missing" : n.path("format").asText("missing"))
                    + ", this smtp-doctor reads format " + VERSION);
        }
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("no " + field);
        }
        return v.asText();
    }

    private static Optional<String> optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
