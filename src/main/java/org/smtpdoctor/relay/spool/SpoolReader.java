package org.smtpdoctor.relay.spool;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A read-only look at a spool that may be open in a running relay: takes no lock, changes
 * nothing, recovers nothing. It sees only committed messages (a message file in {@code msg/},
 * or a format-1 envelope: it reads a format-1 spool not yet migrated, and one being migrated)
 * and each file whole, because every file there was renamed into place complete; a message
 * removed while it is being read is left out. For {@code smtp-doctor queue list|show}.
 * Thread-safe (no state besides the path).
 */
public final class SpoolReader {

    private final Path dir;
    private final Path msg;
    private final Path corrupt;

    private SpoolReader(Path dir) {
        this.dir = dir;
        this.msg = dir.resolve(SpoolFormat.MSG);
        this.corrupt = dir.resolve(SpoolFormat.CORRUPT);
    }

    /**
     * @throws NoSuchFileException when {@code dir} does not exist
     * @throws IOException         when it is not a spool of this format
     */
    public static SpoolReader open(Path dir) throws IOException {
        SpoolLayout.checkFormat(dir);
        return new SpoolReader(dir);
    }

    /** Every committed message, oldest first. */
    public List<QueuedMessage> list() throws IOException {
        List<QueuedMessage> out = new ArrayList<>();
        for (String id : ids(msg)) {
            get(id).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The message, or empty when there is none by that id (or it cannot be read whole). A
     * message whose state file cannot be read is shown as its owner will queue it again at its
     * next open: every recipient pending ({@link #damage}).
     */
    public Optional<QueuedMessage> get(String id) {
        if (!QueueId.isValid(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SpoolFormat.readMessage(msg, id));
        } catch (SpoolFormat.DamagedStateException d) {
            return Optional.of(d.requeued);
        } catch (IOException e) {
            return Optional.empty(); // gone meanwhile, or corrupt (the owner moves it to corrupt/ on its next start)
        }
    }

    /**
     * What is damaged: set aside in {@code corrupt/} (never delivered until put back), and in
     * {@code msg/} what the owner has not seen yet: messages that cannot be read (it sets them
     * aside at its next open) and messages whose state file cannot be read (it queues them again
     * for every recipient).
     *
     * @param setAside        ids in {@code corrupt/}, each with whether it can be put back now
     * @param unreadable      ids in {@code msg/} that cannot be read whole
     * @param stateUnreadable ids in {@code msg/} whose content and envelope are whole but whose state is not
     */
    public record Damage(List<Corrupt> setAside, List<String> unreadable, List<String> stateUnreadable) {
        public boolean isEmpty() {
            return setAside.isEmpty() && unreadable.isEmpty() && stateUnreadable.isEmpty();
        }
    }

    /**
     * One message in {@code corrupt/}.
     *
     * @param message what {@code queue requeue-corrupt} would queue (every recipient pending), when it can be read whole
     * @param problem why it cannot be, otherwise
     */
    public record Corrupt(String id, Optional<QueuedMessage> message, String problem) {}

    public Damage damage() throws IOException {
        List<String> unreadable = new ArrayList<>();
        List<String> stateUnreadable = new ArrayList<>();
        for (String id : ids(msg)) {
            try {
                SpoolFormat.readMessage(msg, id);
            } catch (NoSuchFileException gone) {
                // removed meanwhile
            } catch (SpoolFormat.DamagedStateException d) {
                stateUnreadable.add(id);
            } catch (IOException e) {
                unreadable.add(id);
            }
        }
        List<Corrupt> setAside = new ArrayList<>();
        if (Files.isDirectory(corrupt)) {
            for (String id : ids(corrupt)) {
                try {
                    SpoolFormat.StoredEnvelope e = SpoolFormat.readCommitted(corrupt, id);
                    setAside.add(new Corrupt(id, Optional.of(new QueuedMessage(id, e.envelope(), e.size(),
                            SpoolFormat.initialState(e.envelope()))), ""));
                } catch (IOException e) {
                    setAside.add(new Corrupt(id, Optional.empty(), String.valueOf(e.getMessage())));
                }
            }
        }
        return new Damage(setAside, unreadable, stateUnreadable);
    }

    /**
     * The queue ids of the messages in {@code dir} ({@code msg/} or {@code corrupt/}): a message
     * file, or a format-1 envelope; each once, in order (oldest first).
     */
    static List<String> ids(Path dir) throws IOException {
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                for (String suffix : List.of(SpoolFormat.MESSAGE, SpoolFormat.ENVELOPE)) {
                    if (name.endsWith(suffix)) {
                        String id = name.substring(0, name.length() - suffix.length());
                        if (QueueId.isValid(id)) {
                            ids.add(id);
                        }
                    }
                }
            }
        }
        return new ArrayList<>(ids);
    }

    /**
     * The content as received; the caller closes the stream. A running relay may remove the
     * message meanwhile and reuse its file for another one ({@link SpareFiles}): closing the stream
     * then throws {@code NoSuchFileException}, and what was read must not be used. (The file is
     * checked to hold this message when it is opened and again when the stream is closed; a
     * queue id is never used twice, so bytes read between two good checks are this message's.)
     */
    public InputStream content(String id) throws IOException {
        if (!QueueId.isValid(id)) {
            throw new NoSuchFileException("no message " + id);
        }
        Path file = msg.resolve(id + SpoolFormat.MESSAGE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            SpoolFormat.StoredEnvelope env = SpoolFormat.readCommitted(msg, id); // format 1, or gone
            return SpoolFormat.content(msg, id, env.size());
        }
        try {
            long size = SpoolFormat.readMessage(ch, file, id).size();
            return new Checked(ch, file, id, size);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A format-2 file's content, checked again at close to be still this message's. */
    private static final class Checked extends FilterInputStream {
        private final FileChannel ch;
        private final Path file;
        private final String id;
        private boolean closed;

        Checked(FileChannel ch, Path file, String id, long size) {
            super(new SpoolFormat.Bounded(new BufferedInputStream(Channels.newInputStream(ch)), size));
            this.ch = ch;
            this.file = file;
            this.id = id;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (FileChannel c = ch) {
                SpoolFormat.readMessage(c, file, id);
            } catch (IOException e) {
                throw new NoSuchFileException(file.toString(), null, "the message left the spool while it was read");
            }
        }
    }

    /**
     * The process that last opened the spool, from its lock file: while a relay runs, the relay.
     * Whether it still runs is for the caller to ask ({@link ProcessHandle#of}); a pid that is gone
     * means nobody holds the spool now (the kernel drops the lock with the process).
     */
    public OptionalLong lockHolder() {
        return SpoolLayout.lockPid(dir);
    }

    /** How many messages were set aside in {@code corrupt/} (never delivered; see docs/spool.md). */
    public long corruptMessages() throws IOException {
        try {
            return ids(corrupt).size();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }
}
