package org.smtpdoctor.relay.spool;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code smtp-doctor queue retry|delete} from outside the relay. When no process holds the
 * spool, the change is made directly ({@link Spool#open}, change, close). When a relay holds
 * it, the change is asked of the relay with a request file in {@code requests/}
 * ({@code ID.retry}, {@code all.retry}, {@code ID.delete}; empty, so creating it is atomic),
 * which the relay's {@link Spool} applies within its poll interval and then deletes; this
 * waits for that. So only the owner ever writes the spool's messages.
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

    enum Action { RETRY, DELETE }

    /** A request file's meaning: {@code id} is empty for "all". */
    record Request(Action action, Optional<String> id) {
        String fileName() {
            return id.orElse("all") + "." + action.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private SpoolAdmin() {
    }

    /**
     * Makes every deferred recipient of the message (or of all messages) due now.
     *
     * @param messages the messages concerned, read beforehand (for the report)
     */
    public static Outcome retry(Path dir, Optional<String> id, List<QueuedMessage> messages, Duration wait) throws IOException {
        return change(dir, new Request(Action.RETRY, id), messages, wait);
    }

    /** Deletes the message whatever its state. */
    public static Outcome delete(Path dir, String id, QueuedMessage message, Duration wait) throws IOException {
        return change(dir, new Request(Action.DELETE, Optional.of(id)), List.of(message), wait);
    }

    private static Outcome change(Path dir, Request r, List<QueuedMessage> messages, Duration wait) throws IOException {
        SpoolLayout.checkFormat(dir);
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            switch (r.action()) {
                case RETRY -> {
                    if (r.id().isPresent()) {
                        spool.retryNow(r.id().get());
                    } else {
                        spool.retryAll();
                    }
                }
                case DELETE -> spool.delete(r.id().orElseThrow());
            }
            return new Outcome(Applied.DIRECTLY, messages);
        } catch (SpoolInUseException running) {
            Path file = dir.resolve(SpoolFormat.REQUESTS).resolve(r.fileName());
            try {
                Files.createFile(file, SpoolFormat.privateFile());
            } catch (FileAlreadyExistsException e) {
                // the same request is already waiting: one is enough
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (Files.exists(file)) {
                if (System.nanoTime() > deadline) {
                    return new Outcome(Applied.REQUEST_PENDING, messages);
                }
                try {
                    Thread.sleep(25); // polling a file another process removes: nothing to wait on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(Applied.REQUEST_PENDING, messages);
                }
            }
            return new Outcome(Applied.BY_RUNNING_RELAY, messages);
        }
    }

    /** The request a file in {@code requests/} stands for; empty for anything else. */
    static Optional<Request> parse(String fileName) {
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
            return action == Action.RETRY ? Optional.of(new Request(action, Optional.empty())) : Optional.empty();
        }
        return QueueId.isValid(who) ? Optional.of(new Request(action, Optional.of(who))) : Optional.empty();
    }
}
