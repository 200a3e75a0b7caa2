package org.smtpdoctor.relay.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
 * {@code syncing} runs the fsync for every ticket taken before it started; the others wait for
 * the end of an fsync on a {@link Phaser} that advances once after each one, then look again.
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
    /** Advances once at the end of each fsync, whether it succeeded or not. */
    private final Phaser finished = new Phaser(1);
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
            // Read before looking at syncing: an fsync that ends after this look advances it.
            int phase = finished.getPhase();
            if (!syncing.compareAndSet(false, true)) {
                finished.awaitAdvance(phase);
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
                finished.arrive(); // on failure a waiter runs its own fsync (and sees the error itself)
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
