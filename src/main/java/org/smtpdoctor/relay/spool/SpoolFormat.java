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
import java.nio.charset.StandardCharsets;
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
 * The spool's on-disk layout and file formats (docs/spool.md): version {@value #VERSION}, which
 * writes one file per message ({@code ID.msg}: the content, then its envelope, then a fixed-length
 * trailer), and version 1, which it still reads (content {@code ID.eml} and envelope {@code ID.env}
 * apart) so that {@link Spool#open} can migrate a format-1 spool. Reading and writing single files
 * only; the rules of when to write what live in {@link Spool}. Stateless and thread-safe.
 */
final class SpoolFormat {

    static final int VERSION = 2;
    static final String FORMAT_FILE = "FORMAT";
    static final String FORMAT_LINE = "smtp-doctor spool " + VERSION;
    /** The format this code reads and migrates on open. */
    static final String FORMAT_LINE_1 = "smtp-doctor spool 1";
    static final String LOCK_FILE = "lock";
    static final String MSG = "msg";
    static final String TMP = "tmp";
    static final String REQUESTS = "requests";
    static final String CORRUPT = "corrupt";
    static final String AUDIT = "audit";
    /** Format 2: content, envelope and trailer in one file. */
    static final String MESSAGE = ".msg";
    /** Format 1: the content. */
    static final String CONTENT = ".eml";
    /** Format 1: the envelope (JSON). */
    static final String ENVELOPE = ".env";
    static final String STATE = ".state";

    /**
     * The last bytes of an {@code ID.msg}: {@code "\nsmtp-doctor envelope NNNNNNNNNN\n"}, the
     * envelope's length in ten digits. A file that does not end so was not written whole by us.
     */
    static final String TRAILER_PREFIX = "\nsmtp-doctor envelope ";
    static final int TRAILER_LENGTH = TRAILER_PREFIX.length() + 10 + 1;

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

    /** A format-1 envelope file ({@code ID.env}): what format-1 code wrote; for migration tests and fuzzing. */
    static byte[] envelope(String id, Envelope e, long size) {
        return bytes(envelopeNode(1, id, e, size), true);
    }

    private static ObjectNode envelopeNode(int format, String id, Envelope e, long size) {
        ObjectNode n = JSON.createObjectNode().put("format", format).put("id", id)
                .put("received_at", e.receivedAt().toString()).put("size", size)
                .put("device", e.device()).put("client_address", e.clientAddress()).put("helo", e.heloName())
                .put("auth_user", e.authUser().orElse(null)).put("sender", e.sender());
        e.recipients().forEach(n.putArray("recipients")::add);
        // Added within format 1: older readers ignore them, envelopes without them read as "not known".
        e.session().ifPresent(s -> n.put("esmtp", s.esmtp()).put("tls", s.tls().orElse(null)));
        return n;
    }

    /**
     * The envelope and content facts of a stored message, checked for its format.
     *
     * @param size     the content's length in bytes
     * @param eightBit whether the content has a byte above 127 (format 2 keeps it, so that delivery
     *                 can say BODY=8BITMIME without reading the content first); format 1 did not
     *                 keep it: read from the content when the message is migrated
     */
    record StoredEnvelope(Envelope envelope, long size, boolean eightBit) {
        StoredEnvelope(Envelope envelope, long size) {
            this(envelope, size, true);
        }
    }

    /**
     * Writes a format-2 message file: {@code content} as it comes, then the envelope (JSON, one line)
     * and the trailer; fsync'd once. The file must not exist. Returns what was stored.
     */
    static StoredEnvelope writeMessage(Path file, String id, Envelope envelope, InputStream content) throws IOException {
        return writeMessage(file, id, envelope, content, false);
    }

    /**
     * {@link #writeMessage(Path, String, Envelope, InputStream)}, or with {@code reuse} into a file
     * that must exist (a {@link SpareFiles spare}, emptied first): {@code NoSuchFileException},
     * before anything is read from {@code content}, when it is gone.
     */
    static StoredEnvelope writeMessage(Path file, String id, Envelope envelope, InputStream content, boolean reuse) throws IOException {
        try (FileChannel ch = reuse ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), privateFile())) {
            Written out = new Written(ch);
            content.transferTo(out); // a message held in memory goes in one write, without a copy here
            long size = out.size;
            boolean eightBit = out.eightBit;
            byte[] env = bytes(envelopeNode(VERSION, id, envelope, size).put("8bit", eightBit), false);
            ByteBuffer tail = ByteBuffer.allocate(env.length + TRAILER_LENGTH);
            tail.put(env).put(trailer(env.length));
            tail.flip();
            while (tail.hasRemaining()) {
                ch.write(tail);
            }
            ch.force(true);
            return new StoredEnvelope(envelope, size, eightBit);
        }
    }

    /** Writes to a file channel, counting the bytes and noting whether one is above 127. */
    private static final class Written extends java.io.OutputStream {
        private final FileChannel ch;
        long size;
        boolean eightBit;

        Written(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!eightBit) {
                for (int i = off; i < off + len; i++) {
                    if (b[i] < 0) {
                        eightBit = true;
                        break;
                    }
                }
            }
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            size += len;
        }
    }

    /** The length in 10 digits, zero-padded (not String.format: 4 of 81 Java samples of a JFR recording at 100 sessions). */
    static byte[] trailer(int envelopeLength) {
        String digits = Integer.toString(envelopeLength);
        return (TRAILER_PREFIX + "0".repeat(10 - digits.length()) + digits + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The envelope of a format-2 message file, checked: the trailer is whole, the envelope is
     * complete JSON of format 2 for this id, and the content before it has the envelope's size.
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file
     */
    static StoredEnvelope readMessageFile(Path file, String id) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readMessage(ch, file, id);
        }
    }

    /** {@link #readMessageFile} from an open file ({@code file} names it in messages). */
    static StoredEnvelope readMessage(FileChannel ch, Path file, String id) throws IOException {
        long length = ch.size();
        if (length < TRAILER_LENGTH) {
            throw new IOException(file + " is cut short (" + length + " bytes, no trailer)");
        }
        ByteBuffer t = ByteBuffer.allocate(TRAILER_LENGTH);
        readFully(ch, t, length - TRAILER_LENGTH);
        String trailer = new String(t.array(), StandardCharsets.ISO_8859_1);
        if (!trailer.startsWith(TRAILER_PREFIX) || !trailer.endsWith("\n")
                || !trailer.substring(TRAILER_PREFIX.length(), TRAILER_LENGTH - 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IOException(file + " does not end with an envelope trailer (cut short or damaged)");
        }
        long envLength = Long.parseLong(trailer.substring(TRAILER_PREFIX.length(), TRAILER_LENGTH - 1));
        if (envLength > length - TRAILER_LENGTH || envLength > 16L << 20) {
            throw new IOException(file + ": its trailer names an envelope of " + envLength + " bytes in a file of " + length);
        }
        ByteBuffer e = ByteBuffer.allocate((int) envLength);
        long contentLength = length - TRAILER_LENGTH - envLength;
        readFully(ch, e, contentLength);
        StoredEnvelope env = parseEnvelope(e.array(), file, id, VERSION);
        if (env.size() != contentLength) {
            throw new IOException(file + " has " + contentLength + " bytes of content, its envelope says " + env.size());
        }
        return env;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
    }

    /** A format-1 envelope file ({@code ID.env}). */
    static StoredEnvelope readEnvelope(Path file, String id) throws IOException {
        return parseEnvelope(Files.readAllBytes(file), file, id, 1);
    }

    private static StoredEnvelope parseEnvelope(byte[] bytes, Path file, String id, int format) throws IOException {
        JsonNode n = read(bytes, file, format);
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
            return new StoredEnvelope(env, size, n.path("8bit").asBoolean(true));
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
        return bytes(n, true);
    }

    /**
     * The recipients' states from a state file (format 2, or format 1 as format-1 code wrote it:
     * the same fields), which must name exactly the envelope's recipients.
     */
    static List<RecipientState> readState(Path file, Envelope envelope) throws IOException {
        JsonNode n = read(Files.readAllBytes(file), file, 1, VERSION);
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
        final transient StoredEnvelope stored;

        DamagedStateException(String message, QueuedMessage requeued, StoredEnvelope stored) {
            super(message);
            this.requeued = requeued;
            this.stored = stored;
        }
    }

    /** Whether {@code dir} holds {@code id} as a format-2 message file (else, if at all, as format 1). */
    static boolean isFormat2(Path dir, String id) {
        return Files.exists(dir.resolve(id + MESSAGE));
    }

    /**
     * The envelope of a committed message in {@code dir} ({@code msg/}, or {@code corrupt/}), in
     * either format, checked against its content: a format-2 file must be whole (see
     * {@link #readMessageFile}); a format-1 content file must be there with the envelope's size.
     *
     * @throws java.nio.file.NoSuchFileException when its envelope is not there (not a message)
     * @throws IOException when it is there but unreadable, or the content is missing or of another size
     */
    static StoredEnvelope readCommitted(Path dir, String id) throws IOException {
        Path file = dir.resolve(id + MESSAGE);
        if (Files.exists(file)) {
            return readMessageFile(file, id);
        }
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

    /** The content of a committed message in {@code dir} whose envelope says {@code size} bytes, in either format. */
    static InputStream content(Path dir, String id, long size) throws IOException {
        Path file = dir.resolve(id + MESSAGE);
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return Files.newInputStream(dir.resolve(id + CONTENT)); // format 1
        }
        return new Bounded(in, size);
    }

    /** The first bytes of a stream: a format-2 file's content, without the envelope after it. */
    static final class Bounded extends java.io.FilterInputStream {
        private long left;

        Bounded(InputStream in, long size) {
            super(in);
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, left));
            left -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /**
     * One committed message read from {@code msgDir}, in either format: envelope, size checked
     * against the content, state (all pending when there is no state file yet).
     *
     * @throws java.nio.file.NoSuchFileException when its envelope is not there (not a message)
     * @throws DamagedStateException when only its state file cannot be read
     * @throws IOException when it is there but unreadable or inconsistent (corrupt)
     */
    static QueuedMessage readMessage(Path msgDir, String id) throws IOException {
        return readStored(msgDir, id).message();
    }

    /** A message and what its file says about the content. */
    record Stored(QueuedMessage message, StoredEnvelope envelope) {}

    /** {@link #readMessage}, with the content facts. */
    static Stored readStored(Path msgDir, String id) throws IOException {
        StoredEnvelope env = readCommitted(msgDir, id);
        Path state = msgDir.resolve(id + STATE);
        List<RecipientState> recipients = initialState(env.envelope());
        if (Files.exists(state)) {
            try {
                recipients = readState(state, env.envelope());
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed meanwhile: all pending, as if it had never been written
            } catch (IOException e) {
                throw new DamagedStateException(e.getMessage(), new QueuedMessage(id, env.envelope(), env.size(), recipients), env);
            }
        }
        return new Stored(new QueuedMessage(id, env.envelope(), env.size(), recipients), env);
    }

    private static JsonNode read(byte[] bytes, Path file, int... formats) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not complete JSON: " + e.getOriginalMessage(), e);
        }
        int format = n == null ? -1 : n.path("format").asInt(-1);
        if (n == null || !n.isObject() || java.util.Arrays.stream(formats).noneMatch(f -> f == format)) {
            throw new IOException(file + ": format " + (n == null ? "missing" : n.path("format").asText("missing"))
                    + ", this smtp-doctor reads format " + java.util.Arrays.stream(formats).mapToObj(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(" or ")) + " here");
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

    private static byte[] bytes(ObjectNode n, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n) : JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
