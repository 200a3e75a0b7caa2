package org.smtpdoctor.relay.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files of removed messages, emptied and kept in {@code tmp/} to hold the next accepted
 * messages, instead of a file deleted per message and one created per message.
 * <p>
 * Why: a file system allocates an inode for every new file. ext4 without a journal (this
 * project's bench machines) skips, on every allocation, each free inode of the group freed in
 * the last minutes, with a buffer-cache lookup each; the relay frees one per message delivered,
 * so under a steady stream each new message file cost a scan of thousands, made inside the
 * directory's lock, for which 100 accepting sessions then queued (bench/RESULTS.md). Reusing a
 * file allocates and frees nothing.
 * <p>
 * A spare is emptied (truncated) when it is taken in, so delivered mail does not stay on disk in
 * it; {@code tmp/} is emptied at every open, so spares never outlive the process. The caller
 * never hands in a file that a reader of this process still has open (its bytes would change
 * under the reader); a reader in another process (the {@code queue} command) checks after reading
 * that the file still holds the message it opened ({@link SpoolReader#content}).
 * <p>
 * Thread-safe, no lock: every accepting session takes from it and every delivery gives to it.
 */
final class SpareFiles {

    /** Spares kept at most: about the sessions accepting at once; beyond it files are deleted. */
    static final int MAX = 256;
    static final String PREFIX = "spare-";

    private final Path dir;
    private final ConcurrentLinkedQueue<Path> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong names = new AtomicLong();

    /** Spares live in {@code dir} ({@code tmp/}), which must be on the same file system as the messages. */
    SpareFiles(Path dir) {
        this.dir = dir;
    }

    /** An empty file to write the next message into, or null when none is kept. */
    Path take() {
        Path p = free.poll();
        if (p != null) {
            count.decrementAndGet();
        }
        return p;
    }

    /**
     * Moves {@code file} (a removed message's) out of its directory into the spares and empties
     * it; returns false, doing nothing, when enough spares are kept (the caller deletes it). A
     * missing {@code file} counts as done. Once this returns true or throws, {@code file} is no
     * longer at its name.
     */
    boolean keep(Path file) throws IOException {
        if (count.incrementAndGet() > MAX) {
            count.decrementAndGet();
            return false;
        }
        Path spare = dir.resolve(PREFIX + names.incrementAndGet());
        try {
            Files.move(file, spare, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            count.decrementAndGet();
            return true;
        } catch (IOException | RuntimeException e) {
            count.decrementAndGet();
            throw e;
        }
        try (FileChannel ch = FileChannel.open(spare, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            free.add(spare);
        } catch (IOException e) {
            count.decrementAndGet();
            try {
                Files.deleteIfExists(spare);
            } catch (IOException ignored) {
                // the message is out of the queue already; tmp/ is emptied at the next open
            }
        }
        return true;
    }

    /** Deletes the spares kept (when the spool closes); one that cannot be deleted is left for the next open. */
    void deleteAll() {
        for (Path p = take(); p != null; p = take()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // tmp/ is emptied at the next open
            }
        }
    }

    /** Deletes every spare in {@code dir} (at open: left by a process that ended without closing the spool). */
    static void deleteFound(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // no tmp/ yet
        }
    }

    /** How many spares are kept now. */
    int size() {
        return count.get();
    }
}
