package org.smtpdoctor.relay.spool;

import static org.smtpdoctor.relay.spool.SpoolFormat.FORMAT_FILE;
import static org.smtpdoctor.relay.spool.SpoolFormat.FORMAT_LINE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
        if (!line.equals(FORMAT_LINE)) {
            throw new IOException(dir + " holds '" + line + "'; this smtp-doctor reads '" + FORMAT_LINE + "'");
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
