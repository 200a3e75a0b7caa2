package org.smtpdoctor.relay.spool;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code smtp-doctor queue retry|delete|requeue-corrupt} from outside the relay. When no process
 * holds the spool, the change is made directly ({@link Spool#open}, change, close) and audited in
 * a durable note the relay logs at its next start ({@link SpoolAudit.Notes}). When a relay holds
 * it, the change is asked of the relay with one request file per message in {@code requests/}
 * ({@code ID.retry}, {@code ID.delete}, {@code corrupt.requeue}; empty, so creating one is
 * atomic), which the relay's {@link Spool} applies within its poll interval, logs, and deletes;
 * this waits for that. So only the owner ever writes the spool's messages.
 */
public final class SpoolAdmin {

    /** How a change was made. */
    public enum Applied {
        /** No relay held the spool; done directly. */
        DIRECTLY,
        /** The running relay applied the request. */
        BY_RUNNING_RELAY,
        /** The relay holds the spool but did not apply the request in time; it stays in {@code requests/}. */
        REQUEST_PENDING
    }

    /** @param messages the messages as they were before the change */
    public record Outcome(Applied applied, List<QueuedMessage> messages) {}

    enum Action { RETRY, DELETE, REQUEUE_CORRUPT }

    /** A request file's meaning: {@code id} is empty for "all" (retry) or for the whole of {@code corrupt/}. */
    record Request(Action action, Optional<String> id) {
        String fileName() {
            return action == Action.REQUEUE_CORRUPT ? "corrupt.requeue"
                    : id.orElse("all") + "." + action.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A change made directly on the open spool; {@code by} is who asked, for the audit. */
    private interface Direct {
        void apply(Spool spool, String by) throws IOException;
    }

    private SpoolAdmin() {
    }

    /**
     * Makes every deferred recipient of these messages due now.
     *
     * @param messages the messages concerned, read beforehand (for the report)
     * @param wait     how long to wait for a running relay without it taking any request
     */
    public static Outcome retry(Path dir, List<QueuedMessage> messages, Duration wait) throws IOException {
        return each(dir, Action.RETRY, messages, wait, Spool::retryRequested);
    }

    /** Deletes these messages whatever their state. */
    public static Outcome delete(Path dir, List<QueuedMessage> messages, Duration wait) throws IOException {
        return each(dir, Action.DELETE, messages, wait, Spool::deleteRequested);
    }

    /** One change per message, as {@code change} on the open spool, or as a request file per message. */
    private interface PerMessage {
        Object apply(Spool spool, String id, String by) throws IOException;
    }

    private static Outcome each(Path dir, Action action, List<QueuedMessage> messages, Duration wait, PerMessage change)
            throws IOException {
        List<Request> requests = messages.stream().map(m -> new Request(action, Optional.of(m.id()))).toList();
        return new Outcome(change(dir, requests, (spool, by) -> {
            for (QueuedMessage m : messages) {
                change.apply(spool, m.id(), by);
            }
        }, wait), messages);
    }

    /** Puts back the messages of {@code corrupt/} that can be read whole ({@link Spool#requeueCorrupt}). */
    public static Applied requeueCorrupt(Path dir, Duration wait) throws IOException {
        return change(dir, List.of(new Request(Action.REQUEUE_CORRUPT, Optional.empty())), Spool::requeueCorrupt, wait);
    }

    private static Applied change(Path dir, List<Request> requests, Direct direct, Duration wait) throws IOException {
        SpoolLayout.checkFormat(dir);
        if (requests.isEmpty()) {
            return Applied.DIRECTLY;
        }
        SpoolAudit.Notes notes = new SpoolAudit.Notes(dir);
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0).withAudit(notes))) {
            try {
                direct.apply(spool, System.getProperty("user.name", "unknown"));
            } finally {
                notes.close(); // the audit is on disk before the command says it is done
            }
            return Applied.DIRECTLY;
        } catch (SpoolInUseException running) {
            return ask(dir, requests, wait);
        }
    }

    /** Leaves the requests for the running relay and waits while it takes them; gives up after {@code wait} without progress. */
    private static Applied ask(Path dir, List<Request> requests, Duration wait) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Request r : requests) {
            Path file = dir.resolve(SpoolFormat.REQUESTS).resolve(r.fileName());
            try {
                Files.createFile(file, SpoolFormat.privateFile());
            } catch (FileAlreadyExistsException e) {
                // the same request is already waiting: one is enough
            }
            files.add(file);
        }
        long left = files.size();
        long deadline = System.nanoTime() + wait.toNanos();
        while (left > 0) {
            if (System.nanoTime() > deadline) {
                return Applied.REQUEST_PENDING;
            }
            try {
                Thread.sleep(25); // polling files another process removes: nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Applied.REQUEST_PENDING;
            }
            long now = files.stream().filter(Files::exists).count();
            if (now < left) {
                left = now;
                deadline = System.nanoTime() + wait.toNanos(); // it is working through them
            }
        }
        return Applied.BY_RUNNING_RELAY;
    }

    /** The request a file in {@code requests/} stands for; empty for anything else. */
    static Optional<Request> parse(String fileName) {
        if (fileName.equals("corrupt.requeue")) {
            return Optional.of(new Request(Action.REQUEUE_CORRUPT, Optional.empty()));
        }
        int dot = fileName.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String who = fileName.substring(0, dot);
        Action action = switch (fileName.substring(dot + 1)) {
            case "retry" -> Action.RETRY;
            case "delete" -> Action.DELETE;
            default -> null;
        };
        if (action == null) {
            return Optional.empty();
        }
        if (who.equals("all")) {
            // all.retry: left by an earlier smtp-doctor queue retry --all; still understood
            return action == Action.RETRY ? Optional.of(new Request(action, Optional.empty())) : Optional.empty();
        }
        return QueueId.isValid(who) ? Optional.of(new Request(action, Optional.of(who))) : Optional.empty();
    }
}
