package org.smtpdoctor.relay.spool;

import static org.smtpdoctor.relay.spool.SpoolFormat.FORMAT_FILE;
import static org.smtpdoctor.relay.spool.SpoolFormat.FORMAT_LINE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** Creating and checking a spool directory (docs/spool.md, "Layout"). Stateless. */
final class SpoolLayout {

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
    private static final List<String> SUBDIRECTORIES =
            List.of(SpoolFormat.MSG, SpoolFormat.TMP, SpoolFormat.REQUESTS, SpoolFormat.CORRUPT, SpoolFormat.AUDIT);

    private SpoolLayout() {
    }

    /** Makes {@code dir} a spool if it is missing or empty; checks the format of an existing one. */
    static void initialise(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, SpoolFormat.privateDirectory());
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by someone else: checked below like any existing one
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        if (!Files.exists(dir.resolve(FORMAT_FILE))) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.anyMatch(p -> !p.getFileName().toString().equals(SpoolFormat.LOCK_FILE)
                        && !SUBDIRECTORIES.contains(p.getFileName().toString()))) {
                    throw new IOException(dir + " is neither empty nor an smtp-doctor spool (it has no " + FORMAT_FILE + " file)");
                }
            }
            if (SpoolFormat.privateDirectory().length > 0) {
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
            createSubdirectories(dir);
            Path t = dir.resolve(SpoolFormat.TMP).resolve(FORMAT_FILE);
            SpoolFormat.writeSyncedReplacing(t, (FORMAT_LINE + "\n").getBytes(StandardCharsets.US_ASCII));
            Files.move(t, dir.resolve(FORMAT_FILE), StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        }
        checkFormat(dir);
        createSubdirectories(dir);
    }

    /**
     * What would stop {@link #initialise} and the relay's use of {@code dir}, and what the user
     * should know, without creating or changing anything (a file is created and deleted in an
     * existing spool to prove it can be written). See {@link Spool#check}.
     */
    static Spool.Check check(Path dir, SpoolReserve reserve) {
        List<String> problems = new ArrayList<>();
        OptionalLong holder = OptionalLong.empty();
        String user = System.getProperty("user.name", "this user");
        Path abs = dir.toAbsolutePath();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return new Spool.Check(List.of("cannot create the spool " + dir + ": no part of its path exists"), List.of(), holder);
        }
        if (existing.equals(abs)) {
            if (!Files.isDirectory(dir)) {
                problems.add("the spool " + dir + " is not a directory");
            } else {
                try {
                    if (Files.exists(dir.resolve(FORMAT_FILE))) {
                        checkFormat(dir);
                    } else {
                        try (Stream<Path> s = Files.list(dir)) {
                            if (s.anyMatch(p -> !p.getFileName().toString().equals(SpoolFormat.LOCK_FILE)
                                    && !SUBDIRECTORIES.contains(p.getFileName().toString()))) {
                                problems.add(dir + " is neither empty nor an smtp-doctor spool (it has no " + FORMAT_FILE + " file)");
                            }
                        }
                    }
                    Path probeIn = Files.isDirectory(dir.resolve(SpoolFormat.TMP)) ? dir.resolve(SpoolFormat.TMP) : dir;
                    Files.delete(Files.createTempFile(probeIn, ".write-check-", ""));
                    holder = holder(dir, SpoolFormat.LOCK_FILE);
                } catch (AccessDeniedException e) {
                    problems.add("cannot write to the spool " + dir + " (permission denied for " + user + ")");
                } catch (IOException e) {
                    problems.add(e instanceof FileSystemException f && f.getReason() != null
                            ? "cannot write to the spool " + dir + " (" + f.getReason().toLowerCase(java.util.Locale.ROOT) + ")"
                            : String.valueOf(e.getMessage()));
                }
            }
        } else if (!Files.isDirectory(existing)) {
            problems.add("cannot create the spool " + dir + ": " + existing + " is not a directory");
        } else if (!Files.isWritable(existing)) {
            problems.add("cannot create the spool " + dir + ": " + existing + " is not writable for " + user);
        }
        List<String> notes = new ArrayList<>();
        try {
            FileStore store = Files.getFileStore(existing);
            long total = store.getTotalSpace();
            long reserveBytes = reserve.bytesOf(total);
            long free = store.getUsableSpace();
            if (reserveBytes >= total) {
                problems.add("the spool's volume (" + SpoolReserve.size(total) + ") is not larger than its reserve ("
                        + SpoolReserve.size(reserveBytes) + "): the relay could never take a message; lower spool-reserve or move the spool");
            } else if (free < reserveBytes) {
                notes.add("only " + SpoolReserve.size(free) + " free on the spool's volume, below its reserve of " + SpoolReserve.size(reserveBytes)
                        + ": the relay starts, delivers what is queued, and refuses new mail (452 4.3.1) until space frees up");
            }
        } catch (IOException e) {
            problems.add("cannot tell how much room the spool's volume has (" + e.getMessage() + ")");
        }
        return new Spool.Check(List.copyOf(problems), List.copyOf(notes), holder);
    }

    /**
     * The directory {@link #initialise} would create first for {@code dir} (the topmost one
     * missing on its path), or empty when {@code dir} exists.
     */
    static Optional<Path> firstMissing(Path dir) {
        Path abs = dir.toAbsolutePath();
        Path top = null;
        for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) {
            top = p;
        }
        return Optional.ofNullable(top);
    }

    /**
     * Removes what {@link #initialise} created for {@code dir} (a start that failed after it):
     * the spool's own files and directories, then {@code dir}, then its parents up to {@code top}.
     * Stops at the first directory that holds anything else: nothing that is not ours goes.
     */
    static void removeCreated(Path top, Path dir) {
        try {
            for (String sub : SUBDIRECTORIES) {
                Files.deleteIfExists(dir.resolve(sub));
            }
            Files.deleteIfExists(dir.resolve(FORMAT_FILE));
            Files.deleteIfExists(dir.resolve(SpoolFormat.LOCK_FILE));
            Path abs = dir.toAbsolutePath();
            Path stop = top.toAbsolutePath().getParent();
            for (Path p = abs; p != null && !p.equals(stop); p = p.getParent()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // not empty (someone else's files), or gone: what is left is left
        }
    }

    /** Throws unless {@code dir} holds a spool of the format this code reads. */
    static void checkFormat(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such directory");
        }
        String line;
        try {
            line = Files.readString(dir.resolve(FORMAT_FILE), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " is not an smtp-doctor spool (it has no " + FORMAT_FILE + " file)");
        }
        if (!line.equals(FORMAT_LINE) && !line.equals(SpoolFormat.FORMAT_LINE_1)) {
            throw new IOException(dir + " holds '" + line + "'; this smtp-doctor reads '" + FORMAT_LINE + "' (and '"
                    + SpoolFormat.FORMAT_LINE_1 + "', which it migrates)");
        }
    }

    /** Whether the spool's FORMAT file names format 1 (not yet migrated, or migration cut short). */
    static boolean isFormat1(Path dir) throws IOException {
        return Files.readString(dir.resolve(FORMAT_FILE), StandardCharsets.US_ASCII).strip().equals(SpoolFormat.FORMAT_LINE_1);
    }

    /**
     * Makes the FORMAT file name this format, durably (temp, fsync, rename, fsync of {@code dir}).
     * Done first when a format-1 spool is migrated, so that format-1 code refuses a spool that may
     * already hold format-2 files.
     */
    static void writeFormat(Path dir) throws IOException {
        Path t = dir.resolve(SpoolFormat.TMP).resolve(FORMAT_FILE);
        SpoolFormat.writeSyncedReplacing(t, (FORMAT_LINE + "\n").getBytes(StandardCharsets.US_ASCII));
        Files.move(t, dir.resolve(FORMAT_FILE), StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
    }

    /**
     * The process that holds the spool's lock now, asked of the lock itself (the pid in the file
     * only says who opened it last): this process when a {@link Spool} of this JVM has it open,
     * else another process if its lock cannot be taken (it is released at once when it can).
     */
    private static OptionalLong holder(Path dir, String lockFile) throws IOException {
        if (Spool.isOpenInThisProcess(dir)) {
            return OptionalLong.of(ProcessHandle.current().pid());
        }
        Path lock = dir.resolve(lockFile);
        if (!Files.exists(lock)) {
            return OptionalLong.empty();
        }
        // Safe to close: no Spool of this JVM holds a lock on this file (POSIX locks belong to the process).
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l != null) {
                l.release();
                return OptionalLong.empty();
            }
            OptionalLong pid = lockPid(dir);
            return pid.isPresent() ? pid : OptionalLong.of(-1);
        }
    }

    /** " by process N" when the lock file names the process that holds it. */
    static String holder(Path dir) {
        OptionalLong pid = lockPid(dir);
        return pid.isPresent() ? " by process " + pid.getAsLong() : "";
    }

    /** The process id in the lock file: the last process that opened the spool (it may be gone). */
    static OptionalLong lockPid(Path dir) {
        try {
            String pid = Files.readString(dir.resolve(SpoolFormat.LOCK_FILE), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,18}") ? OptionalLong.of(Long.parseLong(pid)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** Deletes every file in {@code dir}; returns how many. */
    static int deleteContents(Path dir) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * A channel for fsync'ing {@code dir}, which makes renames in it durable (Linux, macOS).
     * Empty on Windows: Java cannot open a directory there, and NTFS journals a rename itself.
     */
    static Optional<FileChannel> openDirectory(Path dir) throws IOException {
        return WINDOWS ? Optional.empty() : Optional.of(FileChannel.open(dir, StandardOpenOption.READ));
    }

    static void syncDirectory(Path dir) throws IOException {
        Optional<FileChannel> ch = openDirectory(dir);
        if (ch.isPresent()) {
            try (FileChannel c = ch.get()) {
                c.force(true);
            }
        }
    }

    private static void createSubdirectories(Path dir) throws IOException {
        for (String sub : SUBDIRECTORIES) {
            Path p = dir.resolve(sub);
            if (!Files.isDirectory(p)) {
                Files.createDirectory(p, SpoolFormat.privateDirectory());
            }
        }
    }
}
