package org.smtpdoctor.relay.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.relay.RelayEvents;

/**
 * The audit of what administrators did to the queue ({@code smtp-doctor queue retry|delete|
 * requeue-corrupt}): one relay log line per message changed (docs/spool.md, "Audit").
 * <ul>
 *   <li>A running relay applies the request and logs the line itself ({@link #RELAY}).</li>
 *   <li>Without a running relay the command changes the spool itself; its lines are written,
 *       fsync'd, into a note in {@code audit/} ({@link Notes}) before the command reports success,
 *       and the relay logs them at its next start ({@link #replay}) and then deletes the note.
 *       So the relay's log holds every change, also those made while it was stopped, each with
 *       the time it was made ({@code at=}).</li>
 * </ul>
 * The lines carry the queue id, device, sender, recipients and who asked ({@code by=}, the
 * request file's owner or the user who ran the command); never a message's content.
 */
public final class SpoolAudit {

    /**
     * Receives audit events: a name and alternating keys and values, as {@link RelayEvents#line};
     * INFO for changes an administrator asked for, WARN for what recovery found damaged.
     */
    public interface Sink {
        void info(String event, Object... fields);

        void warn(String event, Object... fields);
    }

    /** The running relay's audit: straight into its log. */
    public static final Sink RELAY = new Sink() {
        @Override
        public void info(String event, Object... fields) {
            RelayEvents.info(event, fields);
        }

        @Override
        public void warn(String event, Object... fields) {
            RelayEvents.warn(event, fields);
        }
    };

    private static final Pattern LINE = Pattern.compile("(INFO|WARN) (event=(queue|spool)\\.[a-z-]+( [a-z_]+=\\S.*)?)");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private SpoolAudit() {
    }

    /**
     * The audit of a command that changes the spool while no relay runs: lines are kept in
     * memory and written as one durable note on {@link #close}. Not thread-safe; one per command.
     */
    public static final class Notes implements Sink, AutoCloseable {
        private final Path spoolDir;
        private final List<String> lines = new ArrayList<>();

        public Notes(Path spoolDir) {
            this.spoolDir = spoolDir;
        }

        @Override
        public void info(String event, Object... fields) {
            lines.add("INFO " + line(event, fields));
        }

        /** Kept for the relay's log, and shown now too: the administrator running the command should know. */
        @Override
        public void warn(String event, Object... fields) {
            lines.add("WARN " + line(event, fields));
            RelayEvents.warn(event, fields);
        }

        private static String line(String event, Object... fields) {
            Object[] all = new Object[fields.length + 4];
            System.arraycopy(fields, 0, all, 0, fields.length);
            all[fields.length] = "applied";
            all[fields.length + 1] = "directly";
            all[fields.length + 2] = "at";
            all[fields.length + 3] = Instant.now();
            return RelayEvents.line(event, all);
        }

        /** Writes the note (tmp, fsync, rename into {@code audit/}, fsync the directory); nothing when nothing was recorded. */
        @Override
        public void close() throws IOException {
            if (lines.isEmpty()) {
                return;
            }
            String name = System.currentTimeMillis() + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".log";
            Path tmp = spoolDir.resolve(SpoolFormat.TMP).resolve(name);
            SpoolFormat.writeSyncedReplacing(tmp, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            Path audit = spoolDir.resolve(SpoolFormat.AUDIT);
            Files.move(tmp, audit.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            SpoolLayout.syncDirectory(audit);
            lines.clear();
        }
    }

    /**
     * Logs every line of the notes in {@code audit/} into the relay's log, oldest note first, and
     * deletes each note once its lines are out. For the relay's start, after it opened the spool
     * (so no command can be writing notes meanwhile). A line that is not an audit line is
     * reported as such instead of logged as it is.
     *
     * @return how many lines were logged
     */
    public static int replay(Path spoolDir) throws IOException {
        Path audit = spoolDir.resolve(SpoolFormat.AUDIT);
        if (!Files.isDirectory(audit)) {
            return 0;
        }
        List<Path> notes = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(audit, "*.log")) {
            ds.forEach(notes::add);
        }
        notes.sort(null);
        int n = 0;
        for (Path note : notes) {
            for (String line : Files.readAllLines(note, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line);
                if (line.isBlank()) {
                    continue;
                } else if (!m.matches() || line.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                    RelayEvents.warn("queue.audit-unreadable", "note", note.getFileName());
                } else if (m.group(1).equals("WARN")) {
                    RelayEvents.warnLine(m.group(2));
                } else {
                    RelayEvents.infoLine(m.group(2));
                }
                n++;
            }
            Files.delete(note);
        }
        if (!notes.isEmpty()) {
            SpoolLayout.syncDirectory(audit);
        }
        return n;
    }
}
