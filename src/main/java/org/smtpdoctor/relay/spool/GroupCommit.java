package org.smtpdoctor.relay.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes renames in one directory durable, many callers sharing one fsync of the directory.
 * A caller renames its file, then calls {@link #sync}: if no fsync is running it runs one
 * itself (covering every rename made before it started); otherwise it waits for the running
 * one and, if that started before its call, for the next, which the first waiter to wake
 * runs for everyone who came meanwhile. So under load one fsync serves a whole batch.
 * Thread-safe.
 */
final class GroupCommit {

    private final FileChannel directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private long requested;
    private long synced;
    private boolean syncing;

    GroupCommit(FileChannel directory) {
        this.directory = directory;
    }

    /** Returns once every rename this thread made in the directory before the call is durable. */
    void sync() throws IOException {
        lock.lock();
        try {
            long ticket = ++requested;
            while (synced < ticket) {
                if (syncing) {
                    finished.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long covers = requested;
                lock.unlock();
                boolean ok = false;
                try {
                    directory.force(true);
                    ok = true;
                } finally {
                    lock.lock();
                    syncing = false;
                    if (ok) {
                        synced = Math.max(synced, covers);
                    }
                    finished.signalAll(); // on failure a waiter runs its own fsync (and sees the error itself)
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
