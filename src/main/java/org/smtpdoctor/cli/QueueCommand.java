package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.SpoolAdmin;
import org.smtpdoctor.relay.spool.SpoolReader;
import org.smtpdoctor.report.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code smtp-doctor queue list|show|retry|delete}: the relay's spool, read without its lock
 * (safe while the relay runs); retry and delete go through the relay when it holds the spool
 * ({@link SpoolAdmin}).
 */
@Command(name = "queue", header = "List, show, retry or delete the messages in the relay's spool.", mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        subcommands = {QueueCommand.ListCommand.class, QueueCommand.ShowCommand.class, QueueCommand.RetryCommand.class,
            QueueCommand.DeleteCommand.class},
        description = {
            "The messages the relay accepted and has not finished: who sent them, where each recipient stands",
            "(pending, deferred with its attempts and next try, delivered, failed) and the last upstream reply.",
            "Safe to run while the relay runs: reading takes no lock, and retry/delete are handed to the running",
            "relay, which applies them within a second.",
            "",
            "Examples:",
            "  smtp-doctor queue list --spool /var/spool/smtp-doctor",
            "  smtp-doctor queue show 1m8gym7018wm5gss --spool /var/spool/smtp-doctor",
            "  smtp-doctor queue retry --all --spool /var/spool/smtp-doctor",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the running relay did not take the request in time (it stays queued)",
            "2:usage error: no such spool or message"})
public final class QueueCommand implements Runnable {

    /** How long retry/delete wait for a running relay to pick up their request. */
    static final Duration RELAY_WAIT = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new UsageException("name what to do: queue list, show, retry or delete (see smtp-doctor queue --help)");
    }

    /** Options every queue subcommand takes. */
    static final class SpoolOptions {
        @Option(names = "--spool", required = true, paramLabel = "DIR", description = "The relay's spool directory.")
        Path dir;

        @Option(names = "--json", description = "One JSON document (docs/spool.md).")
        boolean json;

        SpoolReader reader() {
            try {
                return SpoolReader.open(dir);
            } catch (NoSuchFileException e) {
                throw new UsageException(java.nio.file.Files.exists(dir) ? dir + " is a file, not a spool directory"
                        : "no spool at " + dir + " (no such directory)");
            } catch (AccessDeniedException e) {
                throw new UsageException("cannot read the spool " + dir + " (permission denied)");
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
        }

        QueuedMessage message(SpoolReader reader, String id) {
            return reader.get(id).orElseThrow(() -> new UsageException("no message " + id + " in the spool " + dir));
        }

        List<QueuedMessage> list(SpoolReader reader) {
            try {
                return reader.list();
            } catch (IOException e) {
                throw new UsageException("cannot read the spool " + dir + ": " + org.smtpdoctor.io.TextInput.reason(e));
            }
        }

        interface Change {
            SpoolAdmin.Outcome run() throws IOException;
        }

        /** Runs a retry or delete; a spool that cannot be written is a usage error, not a bug. */
        SpoolAdmin.Outcome change(Change c) {
            try {
                return c.run();
            } catch (AccessDeniedException e) {
                throw new UsageException("cannot change the spool " + dir + " (permission denied)");
            } catch (IOException e) {
                throw new UsageException("cannot change the spool " + dir + ": " + org.smtpdoctor.io.TextInput.reason(e));
            }
        }

        ObjectNode document() {
            return Version.jsonDocument().put("spool", dir.toAbsolutePath().toString());
        }
    }

    @Command(name = "list", header = "One line per recipient of every queued message.", mixinStandardHelpOptions = true,
            versionProvider = Version.class)
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SpoolOptions spool;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            SpoolReader reader = spool.reader();
            List<QueuedMessage> messages = spool.list(reader);
            long corrupt = reader.corruptMessages();
            Instant now = Clock.systemUTC().instant();
            if (spool.json) {
                ObjectNode doc = spool.document();
                ArrayNode arr = doc.putArray("messages");
                messages.forEach(m -> arr.add(json(m, now)));
                doc.put("corrupt", corrupt);
                out.println(doc.toPrettyString());
            } else if (messages.isEmpty()) {
                out.println("The queue in " + spool.dir + " is empty.");
            } else {
                String row = "%-16s  %5s  %6s  %-26s  %-26s  %-9s  %5s  %-9s  %s%n";
                out.printf(row, "ID", "AGE", "SIZE", "SENDER", "RECIPIENT", "STATE", "TRIES", "NEXT", "LAST REPLY");
                Map<String, Integer> states = new TreeMap<>();
                for (QueuedMessage m : messages) {
                    boolean first = true;
                    for (RecipientState r : m.recipients()) {
                        states.merge(state(r), 1, Integer::sum);
                        out.print(TerminalText.safe(String.format(row, first ? m.id() : "", first ? age(m.envelope().receivedAt(), now) : "",
                                first ? size(m.size()) : "", first ? cut(sender(m), 26) : "", cut(r.recipient(), 26), state(r),
                                r.attempts(), next(r, now), r.lastReply().map(QueueCommand::oneLine).orElse("-"))));
                        first = false;
                    }
                }
                List<String> counts = new ArrayList<>();
                states.forEach((s, n) -> counts.add(n + " " + s));
                int recipients = states.values().stream().mapToInt(Integer::intValue).sum();
                out.println();
                out.println(messages.size() + (messages.size() == 1 ? " message, " : " messages, ") + recipients
                        + (recipients == 1 ? " recipient (" : " recipients (") + String.join(", ", counts) + ")");
            }
            if (corrupt > 0 && !spool.json) {
                out.println(corrupt + " damaged message(s) set aside in " + spool.dir.resolve("corrupt")
                        + ", never delivered (docs/spool.md)");
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "show", header = "A message's envelope, recipients and headers.", mixinStandardHelpOptions = true,
            versionProvider = Version.class)
    static final class ShowCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SpoolOptions spool;

        @Parameters(index = "0", paramLabel = "ID", description = "The queue id (from queue list).")
        String id;

        @Option(names = "--body", description = "Also print the body.")
        boolean body;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            SpoolReader reader = spool.reader();
            QueuedMessage m = spool.message(reader, id);
            String content;
            try (InputStream in = reader.content(id)) {
                content = new String(body ? in.readAllBytes() : in.readNBytes(256 << 10), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new UsageException("message " + id + " left the spool " + spool.dir + " meanwhile");
            }
            int end = content.indexOf("\r\n\r\n");
            String headers = end < 0 ? content : content.substring(0, end);
            Instant now = Clock.systemUTC().instant();
            if (spool.json) {
                ObjectNode doc = spool.document();
                ObjectNode n = json(m, now);
                ArrayNode h = n.putArray("headers");
                headers.lines().forEach(h::add);
                if (body) {
                    n.put("body", end < 0 ? "" : content.substring(end + 4));
                }
                doc.set("message", n);
                out.println(doc.toPrettyString());
            } else {
                var e = m.envelope();
                out.println(TerminalText.safe("Message " + m.id() + " (" + size(m.size()) + ", received " + e.receivedAt() + ", "
                        + age(e.receivedAt(), now) + " ago)"));
                out.println(TerminalText.safe("  device      " + e.device() + " (" + e.clientAddress() + (e.heloName().isEmpty() ? "" : ", HELO " + e.heloName())
                        + e.authUser().map(u -> ", authenticated as " + u).orElse("") + ")"));
                out.println(TerminalText.safe("  sender      " + sender(m)));
                out.println(TerminalText.safe("  recipients"));
                for (RecipientState r : m.recipients()) {
                    out.println(TerminalText.safe("    " + r.recipient() + "  " + state(r) + ", " + r.attempts() + (r.attempts() == 1 ? " attempt" : " attempts")
                            + (r.status() == RecipientState.Status.DEFERRED ? ", next " + next(r, now) : "")
                            + r.lastReply().map(x -> ", last reply: " + oneLine(x)).orElse("")));
                }
                out.println();
                out.println(TerminalText.safe(headers));
                if (body) {
                    out.println();
                    out.print(TerminalText.safe(end < 0 ? "" : content.substring(end + 4)));
                } else {
                    out.println();
                    out.println("(body not shown: --body prints it)");
                }
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "retry", header = "Make deferred recipients due now.", mixinStandardHelpOptions = true,
            versionProvider = Version.class)
    static final class RetryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SpoolOptions spool;

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The queue id.")
        String id;

        @Option(names = "--all", description = "Every message with a deferred recipient.")
        boolean all;

        @Override
        public Integer call() throws IOException {
            if (all == (id != null)) {
                throw new UsageException("give a queue id or --all");
            }
            SpoolReader reader = spool.reader();
            List<QueuedMessage> messages = all
                    ? spool.list(reader).stream().filter(m -> m.nextAttempt().isPresent()).toList()
                    : List.of(spool.message(reader, id));
            SpoolAdmin.Outcome o = spool.change(() -> SpoolAdmin.retry(spool.dir, Optional.ofNullable(id), messages, RELAY_WAIT));
            PrintWriter out = spec.commandLine().getOut();
            if (spool.json) {
                out.println(outcome(spool, "retry", o).toPrettyString());
            } else {
                for (QueuedMessage m : o.messages()) {
                    List<String> deferred = m.recipients().stream().filter(r -> r.status() == RecipientState.Status.DEFERRED)
                            .map(RecipientState::recipient).toList();
                    out.println(deferred.isEmpty() ? m.id() + ": no deferred recipient, nothing to retry"
                            : m.id() + ": due now for " + String.join(", ", deferred));
                }
                if (all && o.messages().isEmpty()) {
                    out.println("No deferred message in " + spool.dir + ".");
                }
                out.println(how(o.applied()));
            }
            out.flush();
            return o.applied() == SpoolAdmin.Applied.REQUEST_PENDING ? ExitCode.FAILED : ExitCode.OK;
        }
    }

    @Command(name = "delete", header = "Remove a message from the spool (not delivered, no bounce).", mixinStandardHelpOptions = true,
            versionProvider = Version.class)
    static final class DeleteCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SpoolOptions spool;

        @Parameters(index = "0", paramLabel = "ID", description = "The queue id.")
        String id;

        @Override
        public Integer call() throws IOException {
            SpoolReader reader = spool.reader();
            QueuedMessage m = spool.message(reader, id);
            SpoolAdmin.Outcome o = spool.change(() -> SpoolAdmin.delete(spool.dir, id, m, RELAY_WAIT));
            PrintWriter out = spec.commandLine().getOut();
            if (spool.json) {
                out.println(outcome(spool, "delete", o).toPrettyString());
            } else {
                out.println((o.applied() == SpoolAdmin.Applied.REQUEST_PENDING ? "To delete " : "Deleted ") + m.id()
                        + ": from " + sender(m) + " to " + String.join(", ", m.envelope().recipients())
                        + " (" + size(m.size()) + ", received " + m.envelope().receivedAt() + ")");
                out.println(how(o.applied()));
            }
            out.flush();
            return o.applied() == SpoolAdmin.Applied.REQUEST_PENDING ? ExitCode.FAILED : ExitCode.OK;
        }
    }

    private static ObjectNode outcome(SpoolOptions spool, String action, SpoolAdmin.Outcome o) {
        ObjectNode doc = spool.document().put("action", action)
                .put("applied", o.applied().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode arr = doc.putArray("messages");
        Instant now = Clock.systemUTC().instant();
        o.messages().forEach(m -> arr.add(json(m, now)));
        return doc;
    }

    private static String how(SpoolAdmin.Applied applied) {
        return switch (applied) {
            case DIRECTLY -> "(no relay was running; the spool was changed directly)";
            case BY_RUNNING_RELAY -> "(applied by the running relay)";
            case REQUEST_PENDING -> "The relay holds the spool but has not taken the request within "
                    + RELAY_WAIT.toSeconds() + " s; it stays in requests/ and is applied when the relay next looks.";
        };
    }

    static ObjectNode json(QueuedMessage m, Instant now) {
        var e = m.envelope();
        ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("id", m.id()).put("received_at", e.receivedAt().toString())
                .put("age_s", Math.max(0, Duration.between(e.receivedAt(), now).toSeconds())).put("size", m.size())
                .put("device", e.device()).put("client_address", e.clientAddress()).put("helo", e.heloName())
                .put("auth_user", e.authUser().orElse(null)).put("sender", e.sender())
                .put("attempts", m.attempts()).put("next_attempt", m.nextAttempt().map(Instant::toString).orElse(null));
        ArrayNode arr = n.putArray("recipients");
        for (RecipientState r : m.recipients()) {
            arr.addObject().put("address", r.recipient()).put("state", state(r)).put("attempts", r.attempts())
                    .put("next_attempt", r.nextAttempt().map(Instant::toString).orElse(null))
                    .put("last_reply", r.lastReply().orElse(null)).put("updated", r.updated().map(Instant::toString).orElse(null));
        }
        return n;
    }

    private static String state(RecipientState r) {
        return r.status().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String sender(QueuedMessage m) {
        return m.envelope().sender().isEmpty() ? "<>" : m.envelope().sender();
    }

    private static String next(RecipientState r, Instant now) {
        if (r.status() != RecipientState.Status.DEFERRED || r.nextAttempt().isEmpty()) {
            return r.status() == RecipientState.Status.PENDING ? "now" : "-";
        }
        Instant at = r.nextAttempt().get();
        return at.isAfter(now) ? "in " + age(now, at) : "now";
    }

    /** 45s, 12m, 3h, 2d: the time from {@code from} to {@code to}. */
    static String age(Instant from, Instant to) {
        long s = Math.max(0, Duration.between(from, to).toSeconds());
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s < 86400 ? s / 3600 + "h" : s / 86400 + "d";
    }

    private static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : bytes < 1 << 20 ? (bytes + 512) / 1024 + " KB" : (bytes + (1 << 19)) / (1 << 20) + " MB";
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 2) + "..";
    }

    private static String oneLine(String reply) {
        return reply.replaceAll("\\s*\\R\\s*", " / ");
    }
}
