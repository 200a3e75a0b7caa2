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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.smtpdoctor.relay.config.Quantities;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.SpoolAdmin;
import org.smtpdoctor.relay.spool.SpoolAudit;
import org.smtpdoctor.relay.spool.SpoolReader;
import org.smtpdoctor.report.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code smtp-doctor queue list|show|retry|delete|requeue-corrupt}: the relay's spool, read
 * without its lock (safe while the relay runs); changes go through the relay when it holds the
 * spool, and each is audited in the relay's log ({@link SpoolAdmin}, {@link SpoolAudit}).
 */
@Command(name = "queue", header = "List, show, retry or delete the messages in the relay's spool.", mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        subcommands = {QueueCommand.ListCommand.class, QueueCommand.ShowCommand.class, QueueCommand.RetryCommand.class,
            QueueCommand.DeleteCommand.class, QueueCommand.RequeueCorruptCommand.class},
        description = {
            "The messages the relay accepted and has not finished: who sent them, where each recipient stands",
            "(pending, deferred with its attempts and next try, delivered, failed) and the last upstream reply.",
            "Safe to run while the relay runs: reading takes no lock, and changes are handed to the running",
            "relay, which applies them within a second. Every change is a line in the relay's log (made while",
            "the relay is stopped, it is logged at the relay's next start).",
            "",
            "Examples:",
            "  smtp-doctor queue list --spool /var/spool/smtp-doctor",
            "  smtp-doctor queue show 1m8gym7018wm5gss --spool /var/spool/smtp-doctor",
            "  smtp-doctor queue retry --all --spool /var/spool/smtp-doctor",
            "  smtp-doctor queue delete --recipient @old-domain.example --older-than 2d --spool /var/spool/smtp-doctor",
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
        throw new UsageException("name what to do: queue list, show, retry, delete or requeue-corrupt (see smtp-doctor queue --help)");
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

        SpoolReader.Damage damage(SpoolReader reader) {
            try {
                return reader.damage();
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

    /** Which messages retry and delete act on: ids, --all, or filters (all of which must match). */
    static final class Selection {
        @Parameters(arity = "0..*", paramLabel = "ID", description = "Queue ids (from queue list).")
        List<String> ids = new ArrayList<>();

        @Option(names = "--all", description = "Every message (retry: every message with a deferred recipient).")
        boolean all;

        @Option(names = "--sender", paramLabel = "ADDRESS|@DOMAIN|<>", description = "Only messages from this sender (<> for DSNs).")
        String sender;

        @Option(names = "--recipient", paramLabel = "ADDRESS|@DOMAIN", description = "Only messages with a recipient here.")
        String recipient;

        @Option(names = "--older-than", paramLabel = "AGE", description = "Only messages received more than AGE ago (30m, 2h, 3d).")
        String olderThan;

        @Option(names = "--state", paramLabel = "STATE", split = ",",
                description = {"Only messages with a recipient in this state (repeatable):", "pending, deferred, delivered, failed."})
        List<String> states = new ArrayList<>();

        private boolean filtered() {
            return sender != null || recipient != null || olderThan != null || !states.isEmpty();
        }

        /** The messages selected, as they are now. Unknown ids are a usage error (nothing is changed then). */
        List<QueuedMessage> select(SpoolOptions spool, SpoolReader reader, Instant now) {
            if (ids.isEmpty() && !all && !filtered()) {
                throw new UsageException("give queue ids, --all, or filters (--sender, --recipient, --older-than, --state)");
            }
            if (!ids.isEmpty() && (all || filtered())) {
                throw new UsageException("give queue ids or " + (all ? "--all" : "filters") + ", not both");
            }
            if (all && filtered()) {
                throw new UsageException("--all selects every message; filters select some: give one or the other");
            }
            if (!ids.isEmpty()) {
                return ids.stream().distinct().map(id -> spool.message(reader, id)).toList();
            }
            Optional<Duration> age = olderThan == null ? Optional.empty() : Optional.of(Quantities.duration(olderThan)
                    .orElseThrow(() -> new UsageException("--older-than " + olderThan + ": expected an age like 30m, 2h or 3d")));
            List<RecipientState.Status> wanted = new ArrayList<>();
            for (String s : states) {
                try {
                    wanted.add(RecipientState.Status.valueOf(s.strip().toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--state " + s + ": expected pending, deferred, delivered or failed");
                }
            }
            return spool.list(reader).stream()
                    .filter(m -> sender == null || matches(sender, m.envelope().sender()))
                    .filter(m -> recipient == null || m.envelope().recipients().stream().anyMatch(r -> matches(recipient, r)))
                    .filter(m -> age.isEmpty() || m.envelope().receivedAt().isBefore(now.minus(age.get())))
                    .filter(m -> wanted.isEmpty() || m.recipients().stream().anyMatch(r -> wanted.contains(r.status())))
                    .toList();
        }

        /** ADDRESS (case-insensitive), @DOMAIN (any address there), or {@code <>} / "" for the null sender. */
        private static boolean matches(String pattern, String address) {
            String p = pattern.strip().toLowerCase(java.util.Locale.ROOT);
            String a = address.toLowerCase(java.util.Locale.ROOT);
            if (p.equals("<>") || p.isEmpty()) {
                return a.isEmpty();
            }
            return p.startsWith("@") ? a.endsWith(p) && a.lastIndexOf('@') == a.length() - p.length() : a.equals(p);
        }

        /** What the selection was, for "nothing matched". */
        String describe() {
            List<String> parts = new ArrayList<>();
            if (sender != null) {
                parts.add("--sender " + sender);
            }
            if (recipient != null) {
                parts.add("--recipient " + recipient);
            }
            if (olderThan != null) {
                parts.add("--older-than " + olderThan);
            }
            if (!states.isEmpty()) {
                parts.add("--state " + String.join(",", states));
            }
            return String.join(" ", parts);
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
            SpoolReader.Damage damage = spool.damage(reader);
            Instant now = Clock.systemUTC().instant();
            Optional<Hold> hold = Hold.of(RelayStatusCommand.live(reader, spool.dir, now), now);
            if (spool.json) {
                ObjectNode doc = spool.document();
                ArrayNode arr = doc.putArray("messages");
                messages.forEach(m -> arr.add(json(m, now).put("held_until",
                        hold.filter(h -> h.holds(m, now)).map(h -> h.until().toString()).orElse(null))));
                doc.put("corrupt", damage.setAside().size());
                ArrayNode c = doc.putArray("corrupt_messages");
                damage.setAside().forEach(d -> c.addObject().put("id", d.id()).put("can_requeue", d.message().isPresent())
                        .put("problem", d.problem().isEmpty() ? null : d.problem()));
                damage.unreadable().forEach(doc.putArray("unreadable")::add);
                damage.stateUnreadable().forEach(doc.putArray("state_unreadable")::add);
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
                        String next = hold.filter(h -> h.holds(r, now)).map(h -> "in " + age(now, h.until()) + "*").orElse(next(r, now));
                        out.print(TerminalText.safe(String.format(row, first ? m.id() : "", first ? age(m.envelope().receivedAt(), now) : "",
                                first ? size(m.size()) : "", first ? cut(sender(m), 26) : "", cut(r.recipient(), 26), state(r),
                                r.attempts(), next, r.lastReply().map(QueueCommand::oneLine).orElse("-"))));
                        first = false;
                    }
                }
                List<String> counts = new ArrayList<>();
                states.forEach((s, n) -> counts.add(n + " " + s));
                int recipients = states.values().stream().mapToInt(Integer::intValue).sum();
                out.println();
                out.println(messages.size() + (messages.size() == 1 ? " message, " : " messages, ") + recipients
                        + (recipients == 1 ? " recipient (" : " recipients (") + String.join(", ", counts) + ")");
                if (hold.isPresent() && messages.stream().anyMatch(m -> hold.get().holds(m, now))) {
                    out.println(TerminalText.safe("* held: every upstream is backed off (throttled or unreachable) until " + hold.get().until()
                            + " (in " + age(now, hold.get().until()) + "); nothing is tried before then: smtp-doctor relay status --spool "
                            + spool.dir + " says why"));
                }
            }
            if (!spool.json) {
                damage(out, spool.dir, damage);
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
            versionProvider = Version.class,
            description = {"Selects by queue ids, --all, or filters that must all match, e.g.",
                "  smtp-doctor queue retry --recipient @contoso.com --state deferred --spool DIR"})
    static final class RetryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SpoolOptions spool;

        @Mixin
        Selection selection;

        @Override
        public Integer call() throws IOException {
            SpoolReader reader = spool.reader();
            Instant now = Clock.systemUTC().instant();
            List<QueuedMessage> selected = selection.select(spool, reader, now);
            // Only deferred recipients have a time to bring forward; named messages are reported either way.
            List<QueuedMessage> messages = selection.ids.isEmpty()
                    ? selected.stream().filter(m -> m.nextAttempt().isPresent()).toList() : selected;
            SpoolAdmin.Outcome o = spool.change(() -> SpoolAdmin.retry(spool.dir,
                    messages.stream().filter(m -> m.nextAttempt().isPresent()).toList(), RELAY_WAIT));
            PrintWriter out = spec.commandLine().getOut();
            if (spool.json) {
                out.println(outcome(spool, "retry", new SpoolAdmin.Outcome(o.applied(), messages)).toPrettyString());
            } else {
                for (QueuedMessage m : messages) {
                    List<String> deferred = m.recipients().stream().filter(r -> r.status() == RecipientState.Status.DEFERRED)
                            .map(RecipientState::recipient).toList();
                    out.println(TerminalText.safe(deferred.isEmpty() ? m.id() + ": no deferred recipient, nothing to retry"
                            : m.id() + ": due now for " + String.join(", ", deferred)));
                }
                if (selection.ids.isEmpty() && messages.isEmpty()) {
                    out.println(TerminalText.safe("No deferred message in " + spool.dir
                            + (selection.all ? "" : " matches " + selection.describe()) + "."));
                } else if (!o.messages().isEmpty()) {
                    out.println(how(o.applied()));
                }
            }
            out.flush();
            return o.applied() == SpoolAdmin.Applied.REQUEST_PENDING ? ExitCode.FAILED : ExitCode.OK;
        }
    }

    @Command(name = "delete", header = "Remove messages from the spool (not delivered, no bounce).", mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            description = {"Selects by queue ids, --all, or filters that must all match, e.g.",
                "  smtp-doctor queue delete --sender scanner@contoso.com --older-than 3d --spool DIR"})
    static final class DeleteCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SpoolOptions spool;

        @Mixin
        Selection selection;

        @Override
        public Integer call() throws IOException {
            SpoolReader reader = spool.reader();
            List<QueuedMessage> messages = selection.select(spool, reader, Clock.systemUTC().instant());
            SpoolAdmin.Outcome o = spool.change(() -> SpoolAdmin.delete(spool.dir, messages, RELAY_WAIT));
            PrintWriter out = spec.commandLine().getOut();
            if (spool.json) {
                out.println(outcome(spool, "delete", o).toPrettyString());
            } else if (messages.isEmpty()) {
                out.println(TerminalText.safe("No message in " + spool.dir
                        + (selection.all ? "" : " matches " + selection.describe()) + "; nothing deleted."));
            } else {
                for (QueuedMessage m : messages) {
                    out.println(TerminalText.safe((o.applied() == SpoolAdmin.Applied.REQUEST_PENDING ? "To delete " : "Deleted ") + m.id()
                            + ": from " + sender(m) + " to " + String.join(", ", m.envelope().recipients())
                            + " (" + size(m.size()) + ", received " + m.envelope().receivedAt() + ")"));
                }
                out.println(how(o.applied()));
            }
            out.flush();
            return o.applied() == SpoolAdmin.Applied.REQUEST_PENDING ? ExitCode.FAILED : ExitCode.OK;
        }
    }

    @Command(name = "requeue-corrupt", header = "Put the messages set aside in corrupt/ back in the queue, when they can be read.",
            mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"A message is set aside when its envelope cannot be read or its content is missing",
                "or cut (a disk, a hand). Once it can be read whole again (the disk repaired, the file",
                "restored), this queues it again for every recipient: some may get it twice.",
                "Messages that still cannot be read stay, with the reason."})
    static final class RequeueCorruptCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SpoolOptions spool;

        @Override
        public Integer call() throws IOException {
            SpoolReader reader = spool.reader();
            List<SpoolReader.Corrupt> before = spool.damage(reader).setAside();
            SpoolAdmin.Applied applied = before.stream().anyMatch(c -> c.message().isPresent())
                    ? spool.change(() -> new SpoolAdmin.Outcome(SpoolAdmin.requeueCorrupt(spool.dir, RELAY_WAIT), List.of())).applied()
                    : SpoolAdmin.Applied.DIRECTLY;
            Set<String> still = new HashSet<>();
            spool.damage(reader).setAside().forEach(c -> still.add(c.id()));
            PrintWriter out = spec.commandLine().getOut();
            if (spool.json) {
                ObjectNode doc = spool.document().put("action", "requeue-corrupt")
                        .put("applied", applied.name().toLowerCase(java.util.Locale.ROOT));
                ArrayNode arr = doc.putArray("messages");
                for (SpoolReader.Corrupt c : before) {
                    arr.addObject().put("id", c.id()).put("requeued", !still.contains(c.id()))
                            .put("problem", c.problem().isEmpty() ? null : c.problem());
                }
                out.println(doc.toPrettyString());
            } else if (before.isEmpty()) {
                out.println("Nothing set aside in " + spool.dir.resolve("corrupt") + ".");
            } else {
                for (SpoolReader.Corrupt c : before) {
                    out.println(TerminalText.safe(!still.contains(c.id())
                            ? c.id() + ": queued again for " + String.join(", ", c.message().map(m -> m.envelope().recipients()).orElse(List.of()))
                                    + " (every recipient: some may get it twice)"
                            : c.id() + ": stays in corrupt/: " + (c.problem().isEmpty() ? "not taken yet" : c.problem())));
                }
                if (before.stream().anyMatch(c -> c.message().isPresent())) {
                    out.println(how(applied));
                }
            }
            out.flush();
            return applied == SpoolAdmin.Applied.REQUEST_PENDING ? ExitCode.FAILED : ExitCode.OK;
        }
    }

    /**
     * The running relay's upstream back-off, from its status: while every upstream is backed off
     * (throttled, or could not be reached), no message is tried before the first comes back,
     * whatever its own next attempt says (docs/delivery.md).
     */
    record Hold(Instant until) {
        static Optional<Hold> of(Optional<RelayStatus> live, Instant now) {
            if (live.isEmpty() || live.get().upstreams().isEmpty()
                    || live.get().upstreams().stream().anyMatch(u -> u.backedOffUntil().filter(t -> t.isAfter(now)).isEmpty())) {
                return Optional.empty();
            }
            return live.get().upstreams().stream().map(u -> u.backedOffUntil().orElseThrow()).min(Instant::compareTo).map(Hold::new);
        }

        /** A recipient that would be tried before {@code until} (pending, or deferred to earlier) waits for it. */
        boolean holds(RecipientState r, Instant now) {
            return r.status() == RecipientState.Status.PENDING
                    || r.status() == RecipientState.Status.DEFERRED && r.nextAttempt().orElse(now).isBefore(until);
        }

        boolean holds(QueuedMessage m, Instant now) {
            return m.recipients().stream().anyMatch(r -> holds(r, now));
        }
    }

    /** The footer of queue list about damaged messages (docs/spool.md, "Recovery"). */
    private static void damage(PrintWriter out, Path dir, SpoolReader.Damage d) {
        if (!d.setAside().isEmpty()) {
            long back = d.setAside().stream().filter(c -> c.message().isPresent()).count();
            out.println(d.setAside().size() + (d.setAside().size() == 1 ? " damaged message" : " damaged messages") + " set aside in "
                    + dir.resolve("corrupt") + ", never delivered"
                    + (back == 0 ? " (none can be read whole)" : "; " + back + " can be read whole again: smtp-doctor queue requeue-corrupt --spool "
                    + dir + " puts " + (back == 1 ? "it" : "them") + " back"));
        }
        if (!d.stateUnreadable().isEmpty()) {
            out.println(d.stateUnreadable().size() + " message(s) whose state file cannot be read (" + String.join(", ", d.stateUnreadable())
                    + "): shown as pending; the relay queues them again for every recipient when it next opens the spool");
        }
        if (!d.unreadable().isEmpty()) {
            out.println(d.unreadable().size() + " message(s) that cannot be read (" + String.join(", ", d.unreadable())
                    + "): not shown; the relay sets them aside in corrupt/ when it next opens the spool");
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
