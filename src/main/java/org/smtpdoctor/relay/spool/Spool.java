package org.smtpdoctor.relay.spool;

import static org.smtpdoctor.relay.spool.SpoolFormat.CONTENT;
import static org.smtpdoctor.relay.spool.SpoolFormat.ENVELOPE;
import static org.smtpdoctor.relay.spool.SpoolFormat.STATE;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.relay.RelayEvents;

/**
 * The relay's durable queue: one directory, one message = a content file, an envelope file
 * and (once anything happened to it) a state file. Layout, format and the durability
 * argument are in docs/spool.md; in short, every file is written to {@code tmp/}, fsync'd,
 * renamed into {@code msg/}, and the rename made durable by an fsync of {@code msg/} that
 * concurrent callers share ({@link GroupCommit}). A message exists exactly when its envelope
 * file is in {@code msg/}; that rename is the commit point of {@link #accept}.
 *
 * <p>Lifecycle: {@link #open} takes the spool's lock (one owner per spool, across processes),
 * recovers what a crash left, and loads an index of all messages; {@link #close} releases it.
 * While open, a background thread applies the requests of {@code smtp-doctor queue retry|delete}
 * run from another process ({@code requests/}).
 *
 * <p>For the delivery worker: {@link #due} hands out messages with something to do and leases
 * them (in-process) so no other caller of {@code due} gets the same message until it is
 * {@link #release}d, {@link #remove}d or the lease expires; {@link #content}, then one
 * {@code mark*} per recipient; when every recipient is final ({@link QueuedMessage#isFinished}),
 * any DSN is sent and the message {@link #remove}d, otherwise {@link #release}d.
 *
 * <p>Thread-safe. Every method that changes state returns only once the change is durable.
 */
public final class Spool implements MessageSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);

    /**
     * Spools open in this JVM, by real path. The lock is a POSIX record lock, which belongs to
     * the process, and closing any channel on the lock file drops it: so a second open in the
     * same JVM is refused here, before it touches the file.
     */
    private static final Set<Path> OPEN_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    /**
     * Tunables.
     *
     * @param reserve      how much of the volume stays free: below it {@link #accept} refuses
     *                     ({@link SpoolFullException}) and {@link #refusal} says why, so the relay
     *                     answers 452 before the disk is full and still has room for state changes
     * @param lease        how long a message handed out by {@link #due} stays leased without news
     * @param requestPoll  how often {@code requests/} (and the free space) is looked at
     * @param clock        for state timestamps and ids
     * @param audit        where administrators' changes and recovery's findings are reported
     *                     ({@link SpoolAudit}): the relay's log by default
     */
    public record Options(SpoolReserve reserve, Duration lease, Duration requestPoll, Clock clock, SpoolAudit.Sink audit) {

        public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

        public static Options defaults() {
            return new Options(SpoolReserve.DEFAULT, Duration.ofMinutes(30), Duration.ofMillis(250), Clock.systemUTC(),
                    SpoolAudit.RELAY);
        }

        public Options withMinFreeBytes(long bytes) {
            return withReserve(SpoolReserve.ofBytes(bytes));
        }

        public Options withReserve(SpoolReserve r) {
            return new Options(r, lease, requestPoll, clock, audit);
        }

        public Options withClock(Clock c) {
            return new Options(reserve, lease, requestPoll, c, audit);
        }

        public Options withLease(Duration d) {
            return new Options(reserve, d, requestPoll, clock, audit);
        }

        public Options withAudit(SpoolAudit.Sink a) {
            return new Options(reserve, lease, requestPoll, clock, a);
        }
    }

    /**
     * The spool's volume now.
     *
     * @param freeBytes    usable space left
     * @param reserveBytes what the spool keeps free ({@link Options#reserve} on this volume)
     * @param refusing     below the reserve: no new mail is taken until space frees up
     */
    public record Space(long freeBytes, long reserveBytes, boolean refusing) {
        /** "12 MB free on the spool's volume, below its reserve of 64 MB". */
        public String describe() {
            return SpoolReserve.size(freeBytes) + " free on the spool's volume, " + (refusing ? "below" : "above") + " its reserve of "
                    + SpoolReserve.size(reserveBytes);
        }
    }

    /**
     * What {@link #open} found and did.
     *
     * @param messages        messages in the spool after recovery
     * @param tempFilesDeleted unfinished writes (of content, envelope, state or request) removed
     * @param orphansDeleted  files in {@code msg/} without an envelope (an accept that never
     *                        returned, or a removal cut short), removed
     * @param quarantined     messages moved to {@code corrupt/}, each with the reason; never delivered
     *                        (until {@link #requeueCorrupt} puts back those that can be read)
     * @param requeued        messages whose content and envelope are whole but whose state file
     *                        could not be read, each with the reason: queued again for every
     *                        recipient (the damaged state file goes to {@code corrupt/})
     */
    public record Recovery(int messages, int tempFilesDeleted, int orphansDeleted, List<String> quarantined, List<String> requeued) {}

    /**
     * What {@link #requeueCorrupt} did with one message of {@code corrupt/}.
     *
     * @param message the message as queued again (every recipient pending), empty when it stays
     * @param detail  why it stays in {@code corrupt/}, or empty
     */
    public record Requeued(String id, Optional<QueuedMessage> message, String detail) {}

    private final Path key;
    private final Path msg;
    private final Path tmp;
    private final Path requests;
    private final Path corrupt;
    private final Options options;
    private final FileChannel lockChannel;
    private final FileStore store;
    private final GroupCommit commit;
    private final QueueId ids;
    private final ConcurrentSkipListMap<String, Entry> index = new ConcurrentSkipListMap<>();
    private final ScheduledExecutorService poller;
    private final Recovery recovery;
    private final long reserveBytes;
    private volatile boolean low;
    private volatile boolean closed;

    /**
     * One message in the index. Fields other than the finals are guarded by the entry's monitor;
     * {@code leasedUntil} and {@code removed} are also volatile, so that {@link #due} can skip a
     * leased or removed entry without waiting for its monitor (which a worker holds across the
     * fsyncs of a state change or a removal).
     */
    private static final class Entry {
        final String id;
        final Envelope envelope;
        final long size;
        List<RecipientState> recipients;
        volatile Instant leasedUntil;
        volatile boolean removed;

        Entry(QueuedMessage m) {
            this.id = m.id();
            this.envelope = m.envelope();
            this.size = m.size();
            this.recipients = m.recipients();
        }

        QueuedMessage snapshot() {
            return new QueuedMessage(id, envelope, size, recipients);
        }
    }

    /**
     * What {@link #check} found.
     *
     * @param problems what would stop a relay from using the spool, one line each
     * @param notes    what the user should know (the volume below the reserve: the relay would start refusing mail)
     * @param heldBy   the live process that holds the spool now (a relay runs on it), if any
     */
    public record Check(List<String> problems, List<String> notes, java.util.OptionalLong heldBy) {}

    /**
     * Whether a relay could open and use {@code dir} with this reserve, changing nothing (a file
     * is created and deleted in an existing spool to prove it can be written; a missing one is
     * not created): a directory it can create or write, a spool of this format or an empty
     * directory, a volume larger than the reserve.
     */
    public static Check check(Path dir, SpoolReserve reserve) {
        return SpoolLayout.check(dir, reserve);
    }

    /** The directory opening {@code dir} would create first (for {@link #removeCreated}), empty when it exists. */
    public static Optional<Path> firstMissing(Path dir) {
        return SpoolLayout.firstMissing(dir);
    }

    /**
     * Removes a spool that {@link #open} created for a start that then failed: its own files,
     * {@code dir}, and the parents it created up to {@code top} ({@link #firstMissing} before
     * the open), each only when it holds nothing else. Call after {@link #close}.
     */
    public static void removeCreated(Path top, Path dir) {
        SpoolLayout.removeCreated(top, dir);
    }

    /** Whether a {@link Spool} of this JVM has {@code dir} open. */
    static boolean isOpenInThisProcess(Path dir) {
        try {
            return OPEN_IN_THIS_PROCESS.contains(dir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    public static Spool open(Path dir) throws IOException {
        return open(dir, Options.defaults());
    }

    /**
     * Opens (creating it, mode 0700, when missing or empty) the spool in {@code dir}.
     *
     * @throws SpoolInUseException when another process or another {@code Spool} has it open
     * @throws IOException when {@code dir} is not a spool of this format, or unreadable
     */
    public static Spool open(Path dir, Options options) throws IOException {
        SpoolLayout.initialise(dir);
        Path key = dir.toRealPath();
        if (!OPEN_IN_THIS_PROCESS.add(key)) {
            throw new SpoolInUseException("the spool " + dir + " is in use by process " + ProcessHandle.current().pid());
        }
        FileChannel lockChannel = null;
        GroupCommit commit = null;
        try {
            lockChannel = FileChannel.open(dir.resolve(SpoolFormat.LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new SpoolInUseException("the spool " + dir + " is in use" + SpoolLayout.holder(dir));
            }
            lockChannel.truncate(0);
            lockChannel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            commit = new GroupCommit(dir.resolve(SpoolFormat.MSG));
            return new Spool(dir, key, options, lockChannel, commit);
        } catch (IOException | RuntimeException e) {
            if (commit != null) {
                commit.close();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
            OPEN_IN_THIS_PROCESS.remove(key);
            throw e;
        }
    }

    private Spool(Path dir, Path key, Options options, FileChannel lockChannel, GroupCommit commit) throws IOException {
        this.key = key;
        this.msg = dir.resolve(SpoolFormat.MSG);
        this.tmp = dir.resolve(SpoolFormat.TMP);
        this.requests = dir.resolve(SpoolFormat.REQUESTS);
        this.corrupt = dir.resolve(SpoolFormat.CORRUPT);
        this.options = options;
        this.lockChannel = lockChannel;
        this.store = Files.getFileStore(dir);
        this.reserveBytes = options.reserve().bytesOf(store.getTotalSpace());
        this.ids = new QueueId(options.clock());
        this.commit = commit;
        this.recovery = recover();
        applyRequests();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spool-requests");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, options.requestPoll().toMillis());
        poller.scheduleWithFixedDelay(this::pollRequests, every, every, TimeUnit.MILLISECONDS);
        space(); // says so at once when the volume is already below the reserve
    }

    /**
     * The volume's free space against the reserve, looked at now (a {@code statvfs}: cheap). The
     * first look below the reserve logs {@code spool.low}, the first above it again {@code spool.ok}.
     */
    public Space space() {
        long free;
        try {
            free = store.getUsableSpace();
        } catch (IOException e) {
            free = 0; // a volume that cannot say how much room it has is not one to take mail onto
        }
        boolean below = free < reserveBytes;
        if (below != low) {
            low = below;
            if (below) {
                RelayEvents.warn("spool.low", "free", SpoolReserve.size(free), "reserve", SpoolReserve.size(reserveBytes),
                        "action", "refusing new mail (452 4.3.1 at MAIL FROM) until space frees up; queued mail is still delivered");
            } else {
                RelayEvents.info("spool.ok", "free", SpoolReserve.size(free), "reserve", SpoolReserve.size(reserveBytes),
                        "action", "taking mail again");
            }
        }
        return new Space(free, reserveBytes, below);
    }

    /** Why no message can be taken now (the volume is below the reserve); empty when one can. Checked at MAIL FROM. */
    @Override
    public Optional<String> refusal() {
        Space s = space();
        return s.refusing() ? Optional.of("only " + SpoolReserve.size(s.freeBytes()) + " free on the spool's disk; the spool keeps "
                + SpoolReserve.size(s.reserveBytes()) + " free") : Optional.empty();
    }

    /** How many fsyncs of {@code msg/} ran since open (each serves every rename before it). */
    long directoryFsyncs() {
        return commit.fsyncs();
    }

    /** What {@link #open} recovered. */
    public Recovery recovery() {
        return recovery;
    }

    /**
     * Stores the message durably (content and envelope fsync'd and committed by an atomic
     * rename whose directory entry is fsync'd) and returns its queue id; every recipient
     * starts {@link RecipientState.Status#PENDING}. On any exception nothing of the message
     * remains visible.
     *
     * @throws SpoolFullException when the disk is full or below the {@link Options#reserve}
     */
    @Override
    public String accept(Envelope envelope, InputStream content) throws IOException {
        ensureOpen();
        Optional<String> full = refusal();
        if (full.isPresent()) {
            throw new SpoolFullException(full.get());
        }
        String id = ids.next();
        Path tmpContent = tmp.resolve(id + CONTENT);
        Path tmpEnvelope = tmp.resolve(id + ENVELOPE);
        boolean committed = false;
        try {
            long size = SpoolFormat.writeSynced(tmpContent, content);
            SpoolFormat.writeSynced(tmpEnvelope, SpoolFormat.envelope(id, envelope, size));
            Files.move(tmpContent, msg.resolve(id + CONTENT), StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpEnvelope, msg.resolve(id + ENVELOPE), StandardCopyOption.ATOMIC_MOVE);
            committed = true;
            commit.sync();
            index.put(id, new Entry(new QueuedMessage(id, envelope, size, SpoolFormat.initialState(envelope))));
            return id;
        } catch (IOException e) {
            forget(id, tmpContent, tmpEnvelope, committed);
            throw SpoolFormat.translate(e);
        } catch (RuntimeException e) {
            forget(id, tmpContent, tmpEnvelope, committed);
            throw e;
        }
    }

    /** Undoes a failed accept: not acknowledged, so not kept (the sender will try again). */
    private void forget(String id, Path tmpContent, Path tmpEnvelope, boolean committed) {
        quietly(() -> Files.deleteIfExists(tmpEnvelope));
        if (committed) {
            quietly(() -> Files.deleteIfExists(msg.resolve(id + ENVELOPE)));
        }
        quietly(() -> Files.deleteIfExists(tmpContent));
        quietly(() -> Files.deleteIfExists(msg.resolve(id + CONTENT)));
    }

    /** Every message, oldest first (a snapshot). */
    public List<QueuedMessage> list() {
        List<QueuedMessage> out = new ArrayList<>();
        for (Entry e : index.values()) {
            synchronized (e) {
                if (!e.removed) {
                    out.add(e.snapshot());
                }
            }
        }
        return out;
    }

    public Optional<QueuedMessage> get(String id) {
        Entry e = id == null ? null : index.get(id);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            return e.removed ? Optional.empty() : Optional.of(e.snapshot());
        }
    }

    /**
     * The content as received (CRLF line ends). The stream stays readable if the message is
     * deleted meanwhile; the caller closes it.
     *
     * @throws NoSuchFileException when there is no such message
     */
    public InputStream content(String id) throws IOException {
        if (get(id).isEmpty()) {
            throw new NoSuchFileException("no message " + id + " in the spool");
        }
        return Files.newInputStream(msg.resolve(id + CONTENT));
    }

    /** Messages with something to do at {@code now}, oldest first, each leased to the caller. */
    public List<QueuedMessage> due(Instant now) {
        return due(now, Integer.MAX_VALUE);
    }

    /**
     * At most {@code limit} messages with something to do at {@code now} (a recipient pending or
     * deferred until no later than {@code now}, or all recipients final and the message not yet
     * removed), oldest first. Each is leased until {@code now + lease}: no other call returns it
     * before it is released, removed or the lease ends.
     */
    public List<QueuedMessage> due(Instant now, int limit) {
        List<QueuedMessage> out = new ArrayList<>();
        for (Entry e : index.values()) {
            if (out.size() >= limit) {
                break;
            }
            // Unlocked first look: a leased entry is usually one a worker is delivering, and it
            // holds the monitor while it fsyncs; waiting for it here serialised the workers
            // (bench/RESULTS.md). The decision is still made under the monitor below.
            Instant leased = e.leasedUntil;
            if (e.removed || leased != null && leased.isAfter(now)) {
                continue;
            }
            synchronized (e) {
                if (e.removed || e.leasedUntil != null && e.leasedUntil.isAfter(now)) {
                    continue;
                }
                QueuedMessage m = e.snapshot();
                if (m.isDue(now)) {
                    e.leasedUntil = now.plus(options.lease());
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** Ends the lease {@link #due} gave, so the next {@code due} can hand the message out again. */
    public void release(String id) {
        Entry e = index.get(id);
        if (e != null) {
            synchronized (e) {
                e.leasedUntil = null;
            }
        }
    }

    /**
     * Records that the upstream accepted {@code recipient}.
     *
     * @return false when the message is no longer in the spool (deleted meanwhile); nothing changed
     * @throws IllegalArgumentException when the message has no such recipient
     * @throws IllegalStateException    when the recipient already failed
     */
    public boolean markDelivered(String id, String recipient, String reply) throws IOException {
        Instant now = options.clock().instant();
        return update(id, recipient, r -> r.delivered(reply, now));
    }

    /** Records a temporary failure; the recipient is due again at {@code nextAttempt}. See {@link #markDelivered}. */
    public boolean markDeferred(String id, String recipient, String reply, Instant nextAttempt) throws IOException {
        Instant now = options.clock().instant();
        return update(id, recipient, r -> r.deferred(reply, nextAttempt, now));
    }

    /** Records a permanent failure (the worker owes a DSN). See {@link #markDelivered}. */
    public boolean markFailed(String id, String recipient, String reply) throws IOException {
        Instant now = options.clock().instant();
        return update(id, recipient, r -> r.failed(reply, now));
    }

    /** Makes every deferred recipient of the message due now. False when there is no such message. */
    public boolean retryNow(String id) throws IOException {
        Instant now = options.clock().instant();
        return update(id, rs -> rs.stream().map(r -> r.retryAt(now)).toList());
    }

    /** {@link #retryNow} for every message with a deferred recipient; returns how many. */
    public int retryAll() throws IOException {
        int n = 0;
        for (QueuedMessage m : list()) {
            if (m.nextAttempt().isPresent() && retryNow(m.id())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Removes a message whose recipients are all final (after any DSN was sent).
     *
     * @return false when there is no such message
     * @throws IllegalStateException when a recipient is still pending or deferred
     */
    public boolean remove(String id) throws IOException {
        return discard(id, true).isPresent();
    }

    /** Removes a message whatever its state (an administrator's choice); returns what it was. */
    public Optional<QueuedMessage> delete(String id) throws IOException {
        return discard(id, false);
    }

    /**
     * An administrator's retry ({@code smtp-doctor queue retry}): {@link #retryNow}, audited.
     *
     * @param by who asked (a user name), for the audit line
     * @return false when there is no such message
     */
    public boolean retryRequested(String id, String by) throws IOException {
        Optional<QueuedMessage> m = get(id);
        if (m.isEmpty() || !retryNow(id)) {
            return false;
        }
        audit("queue.retry", m.get(), by);
        return true;
    }

    /**
     * An administrator's delete ({@code smtp-doctor queue delete}): {@link #delete}, audited.
     *
     * @param by who asked (a user name), for the audit line
     */
    public Optional<QueuedMessage> deleteRequested(String id, String by) throws IOException {
        Optional<QueuedMessage> m = delete(id);
        m.ifPresent(q -> audit("queue.delete", q, by));
        return m;
    }

    private void audit(String event, QueuedMessage m, String by) {
        options.audit().info(event, "id", m.id(), "device", m.envelope().device(), "sender", m.envelope().sender(),
                "rcpt", m.envelope().recipients(), "by", by);
    }

    /**
     * Puts the messages of {@code corrupt/} back in the queue when they can now be read whole
     * (the envelope parses, the content has its size): every recipient pending again, any old
     * state dropped, so some recipients may get them twice. Each is copied into {@code msg/}
     * the way {@link #accept} writes (content, then the envelope as the commit point) before its
     * copy in {@code corrupt/} is removed: a crash meanwhile leaves it in {@code corrupt/}, or
     * in both places (a duplicate), never nowhere. Audited.
     *
     * @param by who asked (a user name), for the audit line
     */
    public List<Requeued> requeueCorrupt(String by) throws IOException {
        ensureOpen();
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(corrupt, "*" + ENVELOPE)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                String id = name.substring(0, name.length() - ENVELOPE.length());
                if (QueueId.isValid(id)) {
                    ids.add(id);
                }
            }
        }
        ids.sort(null);
        List<Requeued> out = new ArrayList<>();
        for (String id : ids) {
            if (index.containsKey(id) || Files.exists(msg.resolve(id + ENVELOPE))) {
                out.add(new Requeued(id, Optional.empty(), "a message with this id is in the queue already"));
                continue;
            }
            SpoolFormat.StoredEnvelope env;
            try {
                env = SpoolFormat.readCommitted(corrupt, id);
            } catch (IOException e) {
                out.add(new Requeued(id, Optional.empty(), e.getMessage()));
                continue;
            }
            for (String suffix : List.of(CONTENT, ENVELOPE)) {
                Path t = tmp.resolve(id + suffix);
                try (InputStream in = Files.newInputStream(corrupt.resolve(id + suffix))) {
                    Files.deleteIfExists(t);
                    SpoolFormat.writeSynced(t, in);
                }
                Files.move(t, msg.resolve(id + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
            commit.sync();
            QueuedMessage m = new QueuedMessage(id, env.envelope(), env.size(), SpoolFormat.initialState(env.envelope()));
            index.put(id, new Entry(m));
            for (String suffix : List.of(ENVELOPE, CONTENT, STATE)) {
                Files.deleteIfExists(corrupt.resolve(id + suffix));
            }
            SpoolLayout.syncDirectory(corrupt);
            audit("queue.requeue-corrupt", m, by);
            out.add(new Requeued(id, Optional.of(m), ""));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commit.close();
        lockChannel.close(); // releases the lock
        OPEN_IN_THIS_PROCESS.remove(key);
    }

    private Optional<QueuedMessage> discard(String id, boolean onlyFinished) throws IOException {
        ensureOpen();
        Entry e = id == null ? null : index.get(id);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            if (e.removed) {
                return Optional.empty();
            }
            QueuedMessage m = e.snapshot();
            if (onlyFinished && !m.isFinished()) {
                throw new IllegalStateException("message " + id + " still has recipients to deliver to");
            }
            // The envelope first, made durable: from then on the message does not exist, and a
            // crash leaves at most orphans that open() deletes (never a message that looks new).
            Files.deleteIfExists(msg.resolve(id + ENVELOPE));
            commit.sync();
            e.removed = true;
            index.remove(id);
            Files.deleteIfExists(msg.resolve(id + STATE));
            Files.deleteIfExists(msg.resolve(id + CONTENT));
            return Optional.of(m);
        }
    }

    private boolean update(String id, String recipient, UnaryOperator<RecipientState> change) throws IOException {
        return update(id, rs -> {
            if (rs.stream().noneMatch(r -> r.recipient().equals(recipient))) {
                throw new IllegalArgumentException("message " + id + " has no recipient " + recipient);
            }
            return rs.stream().map(r -> r.recipient().equals(recipient) ? change.apply(r) : r).toList();
        });
    }

    private boolean update(String id, UnaryOperator<List<RecipientState>> change) throws IOException {
        ensureOpen();
        Entry e = id == null ? null : index.get(id);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            if (e.removed) {
                return false;
            }
            List<RecipientState> next = change.apply(e.recipients);
            if (next.equals(e.recipients)) {
                return true;
            }
            Path t = tmp.resolve(id + STATE);
            try {
                SpoolFormat.writeSyncedReplacing(t, SpoolFormat.state(next));
                Files.move(t, msg.resolve(id + STATE), StandardCopyOption.ATOMIC_MOVE);
                commit.sync();
            } catch (IOException ex) {
                quietly(() -> Files.deleteIfExists(t));
                throw SpoolFormat.translate(ex);
            }
            e.recipients = next;
            return true;
        }
    }

    private Recovery recover() throws IOException {
        int temps = SpoolLayout.deleteContents(tmp);
        Map<String, TreeSet<String>> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(msg)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                int dot = name.indexOf('.');
                if (dot > 0) {
                    files.computeIfAbsent(name.substring(0, dot), k -> new TreeSet<>()).add(name.substring(dot));
                }
            }
        }
        int orphans = 0;
        List<String> quarantined = new ArrayList<>();
        List<String> requeued = new ArrayList<>();
        for (Map.Entry<String, TreeSet<String>> f : files.entrySet()) {
            String id = f.getKey();
            if (!QueueId.isValid(id)) {
                continue; // not ours: left alone
            }
            if (!f.getValue().contains(ENVELOPE)) {
                for (String suffix : f.getValue()) {
                    Files.deleteIfExists(msg.resolve(id + suffix));
                    orphans++;
                }
                continue;
            }
            try {
                QueuedMessage m = SpoolFormat.readMessage(msg, id);
                index.put(id, new Entry(m));
            } catch (SpoolFormat.DamagedStateException d) {
                // Content and envelope are whole: deliver again to every recipient rather than never
                // (duplicates, never losses). The damaged file is kept for whoever wants to look.
                Files.move(msg.resolve(id + STATE), corrupt.resolve(id + STATE), StandardCopyOption.REPLACE_EXISTING);
                index.put(id, new Entry(d.requeued));
                requeued.add(id + ": " + d.getMessage());
                Envelope e = d.requeued.envelope();
                options.audit().warn("spool.state-damaged", "id", id, "device", e.device(), "sender", e.sender(),
                        "rcpt", e.recipients(), "reason", d.getMessage(),
                        "action", "queued again for every recipient (some may get it twice); the damaged state file is in corrupt/");
            } catch (IOException e) {
                for (String suffix : f.getValue()) {
                    Files.move(msg.resolve(id + suffix), corrupt.resolve(id + suffix), StandardCopyOption.REPLACE_EXISTING);
                }
                quarantined.add(id + ": " + e.getMessage());
                options.audit().warn("spool.corrupt", "id", id, "reason", e.getMessage(), "kept_in", corrupt,
                        "action", "never delivered as it is; smtp-doctor queue requeue-corrupt puts it back once it can be read");
            }
        }
        if (orphans > 0 || !quarantined.isEmpty() || !requeued.isEmpty()) {
            commit.sync();
            SpoolLayout.syncDirectory(corrupt);
        }
        return new Recovery(index.size(), temps, orphans, List.copyOf(quarantined), List.copyOf(requeued));
    }

    private void pollRequests() {
        space();
        try {
            applyRequests();
        } catch (IOException | RuntimeException e) {
            log.warn("spool: cannot apply the queue requests in {}: {}", requests, e.toString());
        }
    }

    /** Applies and removes every request file ({@link SpoolAdmin}), each audited with the file's owner. */
    private void applyRequests() throws IOException {
        if (closed) {
            return;
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(requests)) {
            ds.forEach(found::add);
        }
        found.sort(null);
        for (Path p : found) {
            Optional<SpoolAdmin.Request> r = SpoolAdmin.parse(p.getFileName().toString());
            if (r.isEmpty()) {
                continue; // not ours
            }
            String by = owner(p);
            Optional<String> id = r.get().id();
            switch (r.get().action()) {
                case RETRY -> {
                    if (id.isPresent()) {
                        retryRequested(id.get(), by);
                    } else {
                        for (QueuedMessage m : list()) {
                            if (m.nextAttempt().isPresent()) {
                                retryRequested(m.id(), by);
                            }
                        }
                    }
                }
                case DELETE -> deleteRequested(id.orElseThrow(), by);
                case REQUEUE_CORRUPT -> requeueCorrupt(by);
            }
            Files.deleteIfExists(p);
        }
    }

    /** Who made a request file: the only one who can is the spool's owner or root (the directory is 0700). */
    private static String owner(Path p) {
        try {
            return Files.getOwner(p).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the spool is closed");
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction a) {
        try {
            a.run();
        } catch (IOException ignored) {
            // cleaning up after a failure that is already being reported
        }
    }
}
