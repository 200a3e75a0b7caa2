package org.smtpdoctor.relay.spool;

import static org.smtpdoctor.relay.spool.SpoolFormat.CONTENT;
import static org.smtpdoctor.relay.spool.SpoolFormat.ENVELOPE;
import static org.smtpdoctor.relay.spool.SpoolFormat.MESSAGE;
import static org.smtpdoctor.relay.spool.SpoolFormat.STATE;

import java.io.FilterInputStream;
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
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.relay.RelayEvents;

/**
 * The relay's durable queue: one directory, one message = one file holding its content and
 * envelope ({@code ID.msg}, format 2) and, once anything happened to it, a state file. Layout,
 * format and the durability argument are in docs/spool.md; in short, every file is written to
 * {@code tmp/}, fsync'd, renamed into {@code msg/}, and the rename made durable by an fsync of
 * {@code msg/} that concurrent callers share ({@link GroupCommit}). A message exists exactly when
 * its message file is in {@code msg/}; that rename is the commit point of {@link #accept}.
 *
 * <p>Lifecycle: {@link #open} takes the spool's lock (one owner per spool, across processes),
 * migrates a format-1 spool, recovers what a crash left, and loads an index of all messages and
 * a due-queue (messages by the time they next have something to do); {@link #close} releases it.
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
     * @param migrated        format-1 messages rewritten as format-2 files
     */
    public record Recovery(int messages, int tempFilesDeleted, int orphansDeleted, List<String> quarantined, List<String> requeued,
                           int migrated) {

        public Recovery(int messages, int tempFilesDeleted, int orphansDeleted, List<String> quarantined, List<String> requeued) {
            this(messages, tempFilesDeleted, orphansDeleted, quarantined, requeued, 0);
        }
    }

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
    private final SpareFiles spares;
    private final QueueId ids;
    private final ConcurrentSkipListMap<String, Entry> index = new ConcurrentSkipListMap<>();
    /**
     * The due-queue: every message once, by the time it next has something to do (the later of
     * its recipients' due time and the end of its lease), then by id (oldest first). A concurrent
     * set, not a set behind one lock: every accepting session adds to it, and with 100 of them on
     * 2 CPUs a lock held for a few microseconds convoyed (a holder descheduled inside it, the rest
     * parked behind it; bench/RESULTS.md). Which slot is an entry's is decided under that entry's
     * {@link Entry#queueLock}, so callers serialise only on the same message.
     */
    private final ConcurrentSkipListSet<Slot> dueQueue = new ConcurrentSkipListSet<>();
    private final ScheduledExecutorService poller;
    private final Recovery recovery;
    private final long reserveBytes;
    private volatile boolean low;
    private volatile boolean closed;

    /**
     * One message in the index. Changes to {@code recipients} and {@code removed} are made under
     * the entry's monitor (a worker holds it across the fsyncs of a state change or a removal);
     * both are volatile, so that {@link #due} and readers need no monitor. {@code leasedUntil} and
     * {@code slot} are guarded by {@code queueLock}, held only while the entry's slot is swapped in
     * the due-queue (never across I/O); a caller may hold the entry's monitor when it takes it,
     * never the other way.
     */
    private static final class Entry {
        final String id;
        final Envelope envelope;
        final long size;
        final boolean eightBit;
        volatile List<RecipientState> recipients;
        final Object queueLock = new Object();
        Instant leasedUntil;
        volatile boolean removed;
        /** A state file may exist (one was written, or found at open): only then does removal delete it. Guarded by the monitor. */
        boolean stateFile;
        /** Streams of the content open now: while there is one, removal deletes the file rather than reusing it. Guarded by the monitor. */
        int readers;
        Slot slot;

        Entry(QueuedMessage m, boolean eightBit) {
            this.id = m.id();
            this.envelope = m.envelope();
            this.size = m.size();
            this.eightBit = eightBit;
            this.recipients = m.recipients();
        }

        QueuedMessage snapshot() {
            return new QueuedMessage(id, envelope, size, recipients);
        }

        /**
         * When the message next has something to do: at once when a recipient is pending or every
         * recipient is final (the worker removes it), else at the earliest deferred recipient's next attempt.
         */
        Instant dueAt() {
            Instant at = null;
            boolean open = false;
            for (RecipientState r : recipients) {
                if (r.status().isFinal()) {
                    continue;
                }
                open = true;
                Instant t = r.status() == RecipientState.Status.PENDING ? Instant.MIN : r.nextAttempt().orElse(Instant.MIN);
                if (at == null || t.isBefore(at)) {
                    at = t;
                }
            }
            return open ? at : Instant.MIN;
        }
    }

    /** A place in the due-queue. */
    private record Slot(Instant at, String id) implements Comparable<Slot> {
        @Override
        public int compareTo(Slot o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : id.compareTo(o.id);
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
        this.spares = new SpareFiles(tmp);
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

    /** How many emptied message files are kept for reuse (for tests). */
    int spareFiles() {
        return spares.size();
    }

    /** What {@link #open} recovered. */
    public Recovery recovery() {
        return recovery;
    }

    /**
     * Stores the message durably (content and envelope written to one file, fsync'd, and committed
     * by an atomic rename whose directory entry is fsync'd) and returns its queue id; every
     * recipient starts {@link RecipientState.Status#PENDING}. On any exception nothing of the
     * message remains visible. The directory fsync may be shared with concurrent callers
     * ({@link GroupCommit}), but this returns only after one that covers this message's rename.
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
        Path temp = spares.take();
        boolean committed = false;
        try {
            SpoolFormat.StoredEnvelope stored = null;
            if (temp != null) {
                try {
                    stored = SpoolFormat.writeMessage(temp, id, envelope, content, true);
                } catch (NoSuchFileException gone) {
                    temp = null; // someone emptied tmp/: nothing was read from the content yet
                }
            }
            if (temp == null) {
                temp = tmp.resolve(id + MESSAGE);
                stored = SpoolFormat.writeMessage(temp, id, envelope, content, false);
            }
            Files.move(temp, msg.resolve(id + MESSAGE), StandardCopyOption.ATOMIC_MOVE);
            committed = true;
            commit.sync();
            add(new Entry(new QueuedMessage(id, envelope, stored.size(), SpoolFormat.initialState(envelope)), stored.eightBit()));
            return id;
        } catch (IOException e) {
            forget(id, temp, committed);
            throw SpoolFormat.translate(e);
        } catch (RuntimeException e) {
            forget(id, temp, committed);
            throw e;
        }
    }

    /** Undoes a failed accept: not acknowledged, so not kept (the sender will try again). */
    private void forget(String id, Path temp, boolean committed) {
        if (temp != null) {
            quietly(() -> Files.deleteIfExists(temp));
        }
        if (committed) {
            quietly(() -> Files.deleteIfExists(msg.resolve(id + MESSAGE)));
        }
    }

    /** Every message, oldest first (a snapshot). */
    public List<QueuedMessage> list() {
        List<QueuedMessage> out = new ArrayList<>();
        for (Entry e : index.values()) {
            if (!e.removed) {
                out.add(e.snapshot());
            }
        }
        return out;
    }

    public Optional<QueuedMessage> get(String id) {
        Entry e = id == null ? null : index.get(id);
        return e == null || e.removed ? Optional.empty() : Optional.of(e.snapshot());
    }

    /**
     * The content as received (CRLF line ends). The stream stays readable if the message is
     * deleted meanwhile; the caller closes it.
     *
     * @throws NoSuchFileException when there is no such message
     */
    public InputStream content(String id) throws IOException {
        return stored(id).open();
    }

    /**
     * A message's content, to be streamed (as often as needed) rather than held: delivery reads
     * it from the file while it sends it.
     *
     * @throws NoSuchFileException when there is no such message
     */
    public StoredContent stored(String id) throws IOException {
        Entry e = id == null ? null : index.get(id);
        if (e == null || e.removed) {
            throw new NoSuchFileException("no message " + id + " in the spool");
        }
        return new StoredContent() {
            @Override
            public long size() {
                return e.size;
            }

            @Override
            public boolean eightBit() {
                return e.eightBit;
            }

            @Override
            public InputStream open() throws IOException {
                return reading(e);
            }
        };
    }

    /** The entry's content, counted as read until the stream is closed: removal does not reuse its file meanwhile. */
    private InputStream reading(Entry e) throws IOException {
        synchronized (e) {
            if (e.removed) {
                throw new NoSuchFileException("no message " + e.id + " in the spool");
            }
            InputStream in = SpoolFormat.content(msg, e.id, e.size);
            e.readers++;
            return new FilterInputStream(in) {
                private boolean closed;

                @Override
                public void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        super.close();
                    } finally {
                        synchronized (e) {
                            e.readers--;
                        }
                    }
                }
            };
        }
    }

    /** Messages with something to do at {@code now}, oldest first, each leased to the caller. */
    public List<QueuedMessage> due(Instant now) {
        return due(now, Integer.MAX_VALUE);
    }

    /**
     * At most {@code limit} messages with something to do at {@code now} (a recipient pending or
     * deferred until no later than {@code now}, or all recipients final and the message not yet
     * removed), those due first first, then oldest first. Each is leased until {@code now + lease}:
     * no other call returns it before it is released, removed or the lease ends. Takes them off
     * the head of the due-queue: the cost does not grow with the messages that are not due.
     */
    public List<QueuedMessage> due(Instant now, int limit) {
        List<QueuedMessage> out = new ArrayList<>();
        while (out.size() < limit) {
            Slot head = first(dueQueue);
            if (head == null || head.at().isAfter(now)) {
                break;
            }
            Entry e = index.get(head.id());
            if (e == null) {
                dueQueue.remove(head); // removed (its discard takes the slot out too)
                continue;
            }
            synchronized (e.queueLock) {
                // Another caller of due, or a change to the message, may have moved it since head
                // was read. Compared by value: a change may have put it back at the same place, as
                // a new Slot equal to head (then it is due, and the set's remove takes either).
                if (!head.equals(e.slot)) {
                    dueQueue.remove(head); // gone already, unless stale: then it must not stay at the head
                    continue;
                }
                dueQueue.remove(e.slot);
                e.slot = null;
                if (e.removed) {
                    continue;
                }
                QueuedMessage m = e.snapshot();
                e.leasedUntil = now.plus(options.lease());
                e.slot = new Slot(e.leasedUntil, e.id); // handed out again if the lease ends without news
                dueQueue.add(e.slot);
                out.add(m);
            }
        }
        return out;
    }

    private static Slot first(ConcurrentSkipListSet<Slot> set) {
        try {
            return set.first();
        } catch (java.util.NoSuchElementException empty) {
            return null;
        }
    }

    /** Ends the lease {@link #due} gave, so the next {@code due} can hand the message out again. */
    public void release(String id) {
        Entry e = index.get(id);
        if (e != null) {
            synchronized (e.queueLock) {
                e.leasedUntil = null;
                place(e);
            }
        }
    }

    /** Indexes and queues a new message. */
    private void add(Entry e) {
        index.put(e.id, e);
        synchronized (e.queueLock) {
            place(e);
        }
    }

    /** (Re)places the entry in the due-queue by its recipients and lease; out of it once removed. Holds the entry's {@code queueLock}. */
    private void place(Entry e) {
        if (e.slot != null) {
            dueQueue.remove(e.slot);
            e.slot = null;
        }
        if (e.removed) {
            return;
        }
        Instant at = e.dueAt();
        if (e.leasedUntil != null && e.leasedUntil.isAfter(at)) {
            at = e.leasedUntil;
        }
        e.slot = new Slot(at, e.id);
        dueQueue.add(e.slot);
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
        List<String> ids = SpoolReader.ids(corrupt);
        List<Requeued> out = new ArrayList<>();
        for (String id : ids) {
            if (index.containsKey(id) || Files.exists(msg.resolve(id + MESSAGE)) || Files.exists(msg.resolve(id + ENVELOPE))) {
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
            // Written anew as accept writes (set aside in format 1 or 2, it goes back in format 2).
            Path t = tmp.resolve(id + MESSAGE);
            Files.deleteIfExists(t);
            SpoolFormat.StoredEnvelope written;
            try (InputStream in = SpoolFormat.content(corrupt, id, env.size())) {
                written = SpoolFormat.writeMessage(t, id, env.envelope(), in);
            } catch (IOException e) {
                quietly(() -> Files.deleteIfExists(t));
                throw SpoolFormat.translate(e);
            }
            Files.move(t, msg.resolve(id + MESSAGE), StandardCopyOption.ATOMIC_MOVE);
            commit.sync();
            QueuedMessage m = new QueuedMessage(id, env.envelope(), written.size(), SpoolFormat.initialState(env.envelope()));
            add(new Entry(m, written.eightBit()));
            for (String suffix : List.of(MESSAGE, ENVELOPE, CONTENT, STATE)) {
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
        spares.deleteAll(); // before the lock goes: the next owner's recovery counts only unfinished writes
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
            // The message file first, made durable: from then on the message does not exist, and a
            // crash leaves at most a state file that open() deletes (never a message that looks new).
            // Moved to the spares for the next message when no stream of this process reads it.
            Path file = msg.resolve(id + MESSAGE);
            if (e.readers > 0 || !spares.keep(file)) {
                Files.deleteIfExists(file);
            }
            commit.sync();
            e.removed = true;
            index.remove(id);
            synchronized (e.queueLock) {
                place(e);
            }
            if (e.stateFile) {
                Files.deleteIfExists(msg.resolve(id + STATE));
            }
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
            e.stateFile = true; // from here one may exist, even if this write fails half way
            try {
                SpoolFormat.writeSyncedReplacing(t, SpoolFormat.state(next));
                Files.move(t, msg.resolve(id + STATE), StandardCopyOption.ATOMIC_MOVE);
                commit.sync();
            } catch (IOException ex) {
                quietly(() -> Files.deleteIfExists(t));
                throw SpoolFormat.translate(ex);
            }
            e.recipients = next;
            synchronized (e.queueLock) {
                place(e);
            }
            return true;
        }
    }

    /**
     * Brings the spool to a state where every message is whole and indexed (docs/spool.md,
     * "Recovery" and "Migration from format 1"). A format-1 spool is migrated here: FORMAT is
     * made to say 2 first; each format-1 message (envelope and content files) is copied into one
     * format-2 file in {@code tmp/}, fsync'd and renamed into {@code msg/}; only when {@code msg/}
     * has been fsync'd are the format-1 files deleted. Cut short anywhere, the next open finds
     * each message once: as format-1 files (copied again), or as a whole format-2 file (the
     * format-1 files beside it, if any, are deleted).
     */
    private Recovery recover() throws IOException {
        SpareFiles.deleteFound(tmp); // a crash's spares are not unfinished writes: not counted
        int temps = SpoolLayout.deleteContents(tmp);
        Path dir = msg.getParent();
        boolean wasFormat1 = SpoolLayout.isFormat1(dir);
        if (wasFormat1) {
            // From here on format-1 code refuses the spool, which may soon hold format-2 files.
            SpoolLayout.writeFormat(dir);
        }
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
        int migrated = 0;
        List<Path> migratedFrom = new ArrayList<>();
        List<String> quarantined = new ArrayList<>();
        List<String> requeued = new ArrayList<>();
        for (Map.Entry<String, TreeSet<String>> f : files.entrySet()) {
            String id = f.getKey();
            TreeSet<String> suffixes = f.getValue();
            if (!QueueId.isValid(id)) {
                continue; // not ours: left alone
            }
            boolean format2 = suffixes.contains(MESSAGE);
            boolean format1 = suffixes.contains(ENVELOPE);
            if (!format2 && !format1) {
                // A content file of an accept cut short (format 1), or a state file of a removal cut short.
                for (String suffix : suffixes) {
                    Files.deleteIfExists(msg.resolve(id + suffix));
                    orphans++;
                }
                continue;
            }
            if (format2 && format1) {
                // A migration cut short after this message's file was renamed into msg/. It was
                // fsync'd before the rename, so it is whole unless a disk or a hand damaged it; then
                // the format-1 files, still here, are the message.
                try {
                    SpoolFormat.readMessageFile(msg.resolve(id + MESSAGE), id);
                    migratedFrom.add(msg.resolve(id + ENVELOPE));
                    migratedFrom.add(msg.resolve(id + CONTENT));
                } catch (IOException damaged) {
                    Files.delete(msg.resolve(id + MESSAGE));
                    format2 = false;
                }
            }
            if (!format2) {
                SpoolFormat.StoredEnvelope env;
                try {
                    env = SpoolFormat.readCommitted(msg, id);
                } catch (IOException e) {
                    quarantine(id, suffixes, e, quarantined);
                    continue;
                }
                // A failure to write (a full disk) fails the open; the format-1 files stay as they were.
                migrate(id, env);
                migratedFrom.add(msg.resolve(id + ENVELOPE));
                migratedFrom.add(msg.resolve(id + CONTENT));
                migrated++;
            }
            try {
                SpoolFormat.Stored m = SpoolFormat.readStored(msg, id);
                Entry entry = new Entry(m.message(), m.envelope().eightBit());
                entry.stateFile = suffixes.contains(STATE);
                add(entry);
            } catch (SpoolFormat.DamagedStateException d) {
                // Content and envelope are whole: deliver again to every recipient rather than never
                // (duplicates, never losses). The damaged file is kept for whoever wants to look.
                Files.move(msg.resolve(id + STATE), corrupt.resolve(id + STATE), StandardCopyOption.REPLACE_EXISTING);
                add(new Entry(d.requeued, d.stored.eightBit()));
                requeued.add(id + ": " + d.getMessage());
                Envelope e = d.requeued.envelope();
                options.audit().warn("spool.state-damaged", "id", id, "device", e.device(), "sender", e.sender(),
                        "rcpt", e.recipients(), "reason", d.getMessage(),
                        "action", "queued again for every recipient (some may get it twice); the damaged state file is in corrupt/");
            } catch (IOException e) {
                TreeSet<String> all = new TreeSet<>(suffixes);
                all.add(MESSAGE);
                quarantine(id, all, e, quarantined);
            }
        }
        if (!migratedFrom.isEmpty()) {
            // The format-2 files are renamed into msg/: made durable before the format-1 files go.
            commit.sync();
            for (Path p : migratedFrom) {
                Files.deleteIfExists(p);
            }
        }
        if (orphans > 0 || !quarantined.isEmpty() || !requeued.isEmpty() || !migratedFrom.isEmpty()) {
            commit.sync();
            SpoolLayout.syncDirectory(corrupt);
        }
        if (wasFormat1 || migrated > 0) {
            options.audit().info("spool.migrated", "from", "format 1", "to", "format " + SpoolFormat.VERSION, "messages", migrated,
                    "set_aside", quarantined.size());
        }
        return new Recovery(index.size(), temps, orphans, List.copyOf(quarantined), List.copyOf(requeued), migrated);
    }

    /**
     * Copies a format-1 message (envelope and content files in {@code msg/}) into one format-2
     * file, fsync'd and renamed into {@code msg/}; the format-1 files stay until the caller has
     * made the rename durable.
     *
     * @throws IOException when it cannot be written
     */
    private void migrate(String id, SpoolFormat.StoredEnvelope env) throws IOException {
        Path t = tmp.resolve(id + MESSAGE);
        Files.deleteIfExists(t);
        try (InputStream in = SpoolFormat.content(msg, id, env.size())) {
            SpoolFormat.StoredEnvelope written = SpoolFormat.writeMessage(t, id, env.envelope(), in);
            if (written.size() != env.size()) {
                throw new IOException(msg.resolve(id + CONTENT) + " changed while it was migrated");
            }
        } catch (IOException e) {
            quietly(() -> Files.deleteIfExists(t));
            throw SpoolFormat.translate(e);
        }
        Files.move(t, msg.resolve(id + MESSAGE), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Moves a message's files to {@code corrupt/}: never delivered as they are, never deleted. */
    private void quarantine(String id, java.util.Collection<String> suffixes, IOException why, List<String> quarantined) throws IOException {
        for (String suffix : suffixes) {
            Path p = msg.resolve(id + suffix);
            if (Files.exists(p)) {
                Files.move(p, corrupt.resolve(id + suffix), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        quarantined.add(id + ": " + why.getMessage());
        options.audit().warn("spool.corrupt", "id", id, "reason", why.getMessage(), "kept_in", corrupt,
                "action", "never delivered as it is; smtp-doctor queue requeue-corrupt puts it back once it can be read");
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
