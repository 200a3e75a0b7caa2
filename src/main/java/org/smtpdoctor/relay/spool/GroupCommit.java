package org.smtpdoctor.relay.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes renames in one directory durable, many callers sharing one fsync of the directory.
 * A caller renames its file, then calls {@link #sync}: if no fsync is running it runs one
 * itself (covering every rename made before it started); otherwise it waits for the running
 * one and, if that started before its call, for the next, which the first waiter to wake
 * runs for everyone who came meanwhile. So under load one fsync serves a whole batch.
 *
 * <p>Thread-safe, with no lock: every accepting session calls it, and with 100 of them on 2
 * CPUs a lock here (even one held only to count) convoyed, each fsync's waiters re-taking it
 * one after the other (bench/RESULTS.md). Callers take a ticket from a counter; whoever wins
 * {@code syncing} runs the fsync for every ticket taken before it started; the others queue
 * their thread in {@code waiting} and park, and the fsync's runner unparks every queued thread
 * when it is done; each then looks again. (A {@link java.util.concurrent.Phaser} advanced by
 * each runner is not safe here: two runners ending close together arrive at once, and its
 * arrival is two steps, so the second one fails.) A thread may be unparked once more than it
 * parked, which {@link LockSupport#park} allows for.
 */
final class GroupCommit implements Closeable {

    /** One fsync of the directory. */
    interface Force {
        void run() throws IOException;
    }

    /** Empty on Windows, where Java cannot open a directory to fsync it (docs/spool.md). */
    private final Optional<FileChannel> directory;
    private final Optional<Force> force;
    /** Tickets handed out: a caller takes one after its rename. */
    private final AtomicLong requested = new AtomicLong();
    /** Every ticket up to this one is covered by an fsync that succeeded. */
    private final AtomicLong synced = new AtomicLong();
    private final AtomicBoolean syncing = new AtomicBoolean();
    /** Threads waiting for the end of the running fsync; a thread may be in it more than once, or after it stopped waiting. */
    private final ConcurrentLinkedQueue<Thread> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicLong fsyncs = new AtomicLong();

    GroupCommit(Path directory) throws IOException {
        this.directory = SpoolLayout.openDirectory(directory);
        this.force = this.directory.map(ch -> () -> ch.force(true));
    }

    /** For tests: {@code force} stands for the fsync of the directory. */
    GroupCommit(Force force) {
        this.directory = Optional.empty();
        this.force = Optional.of(force);
    }

    /** How many fsyncs of the directory ran (for the benchmark). */
    long fsyncs() {
        return fsyncs.get();
    }

    /** Returns once every rename this thread made in the directory before the call is durable. */
    void sync() throws IOException {
        if (force.isEmpty()) {
            return;
        }
        long ticket = requested.incrementAndGet();
        while (synced.get() < ticket) {
            if (!syncing.compareAndSet(false, true)) {
                waiting.add(Thread.currentThread());
                // Looked at after queueing: a runner seen here unparks this thread when it ends.
                if (syncing.get() && synced.get() < ticket) {
                    LockSupport.park(this);
                }
                continue;
            }
            long covers = requested.get(); // every ticket so far was taken after its caller's rename
            boolean ok = false;
            try {
                force.get().run();
                ok = true;
            } finally {
                if (ok) {
                    synced.accumulateAndGet(covers, Math::max);
                }
                fsyncs.incrementAndGet();
                syncing.set(false);
                // On failure a waiter runs its own fsync (and sees the error itself).
                for (Thread t = waiting.poll(); t != null; t = waiting.poll()) {
                    LockSupport.unpark(t);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (directory.isPresent()) {
            directory.get().close();
        }
    }
}
