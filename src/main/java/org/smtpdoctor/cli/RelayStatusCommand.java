package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.SpoolReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smtp-doctor relay status --spool DIR [--json]}: what a running relay reports in its
 * status file ({@value RelayStatus#FILE}, rewritten every few seconds): the queue by state,
 * the oldest message, and per upstream the last delivery result and cause, any back-off, and
 * the pacing budget left. Without a running relay, the queue counts straight from the spool.
 * Reads only; takes no lock. Registered under {@code relay} by the relay command.
 */
@Command(name = "status", header = "What the relay is doing: queue, last delivery per upstream, pacing budget.",
        mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "Reads the status file the running relay rewrites every few seconds in its spool directory, so it",
            "works from another shell while the relay runs. When no relay runs, shows the queue from the spool.",
            "",
            "Examples:",
            "  smtp-doctor relay status --spool /var/spool/smtp-doctor",
            "  smtp-doctor relay status --spool /var/spool/smtp-doctor --json",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the relay is running, its status is fresh, and it takes mail",
            "1:no running relay (no status file, a stopped relay's last status, its process gone, or a status not updated for "
                + RelayStatusCommand.STALE_SECONDS + " s), or one refusing mail: spool low",
            "2:usage error: no such spool"})
public final class RelayStatusCommand implements Callable<Integer> {

    /** A running relay rewrites its status every 2 s; older than this, it is taken as gone. */
    static final int STALE_SECONDS = 30;

    @Spec
    CommandSpec spec;

    @Option(names = "--spool", required = true, paramLabel = "DIR", description = "The relay's spool directory.")
    Path dir;

    @Option(names = "--json", description = "One JSON document (docs/json.md).")
    boolean json;

    Clock clock = Clock.systemUTC();

    /**
     * The kernel drops the spool's lock when its process dies (kill -9 too): a pid in the lock
     * file that is gone means no relay runs, however recent its last status is.
     */
    static boolean holderGone(SpoolReader reader) {
        OptionalLong holder = reader.lockHolder();
        return holder.isPresent() && !ProcessHandle.of(holder.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean fresh(RelayStatus status, boolean holderGone, Instant now) {
        return status.running() && !holderGone && Duration.between(status.at(), now).getSeconds() <= STALE_SECONDS;
    }

    /** The status of the relay running on this spool now (its process there, its status fresh); empty when none runs. */
    static Optional<RelayStatus> live(SpoolReader reader, Path dir, Instant now) {
        try {
            return RelayStatus.read(dir).filter(s -> fresh(s, holderGone(reader), now));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant now = clock.instant();
        SpoolReader reader;
        try {
            reader = SpoolReader.open(dir);
        } catch (NoSuchFileException e) {
            throw new UsageException(java.nio.file.Files.exists(dir) ? dir + " is a file, not a spool directory"
                    : "no spool at " + dir + " (no such directory)");
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot read the spool " + dir + " (permission denied)");
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        Optional<RelayStatus> status;
        try {
            status = RelayStatus.read(dir);
        } catch (IOException e) {
            status = Optional.empty(); // half-written files cannot happen (atomic rename); an old format can
        }
        OptionalLong holder = reader.lockHolder();
        boolean holderGone = holderGone(reader);
        boolean fresh = status.isPresent() && fresh(status.get(), holderGone, now);
        // Running, but below the spool's reserve: every device gets 452. Not OK for a monitor.
        boolean refusing = fresh && status.get().refusingMail();
        String state = status.isEmpty() ? "no-status" : !status.get().running() ? "stopped"
                : holderGone ? "not-running" : fresh ? "running" : "stale";
        RelayStatus.Queue queue;
        if (fresh) {
            queue = status.get().queue();
        } else {
            List<QueuedMessage> messages;
            try {
                messages = reader.list();
            } catch (IOException e) {
                throw new UsageException("cannot read the spool " + dir + ": " + org.smtpdoctor.io.TextInput.reason(e));
            }
            queue = RelayStatus.Queue.of(messages);
        }
        if (json) {
            ObjectNode doc = Version.jsonDocument().put("spool", dir.toAbsolutePath().toString()).put("relay", state)
                    .put("refusing_mail", refusing);
            if (status.isPresent()) {
                doc.set("status", status.get().json());
            }
            ObjectNode q = doc.putObject("queue");
            q.put("messages", queue.messages()).put("pending", queue.pending()).put("deferred", queue.deferred())
                    .put("delivered", queue.delivered()).put("failed", queue.failed());
            queue.oldest().ifPresent(o -> q.put("oldest_received_at", o.toString())
                    .put("oldest_age_s", Duration.between(o, now).getSeconds()));
            out.println(doc.toPrettyString());
        } else {
            switch (state) {
                case "no-status" -> out.println("No relay status in " + dir + ": no relay has run on this spool yet, or it is starting.");
                case "stopped" -> out.println("The relay on " + dir + " stopped at " + status.get().at() + "; its last status follows.");
                case "not-running" -> out.println("The relay on " + dir + " is not running: process " + holder.getAsLong()
                        + ", which held the spool, is gone (killed or crashed?); its last status, of " + status.get().at() + ", follows.");
                case "stale" -> out.println("The relay on " + dir + " has not updated its status since " + status.get().at()
                        + " (" + Duration.between(status.get().at(), now).getSeconds() + " s): it is probably not running (killed?).");
                default -> {
                }
            }
            if (status.isPresent()) {
                out.print(status.get().text(now));
            }
            if (!fresh) {
                out.println("queue now: " + queue.messages() + (queue.messages() == 1 ? " message" : " messages") + "; recipients "
                        + queue.pending() + " pending, " + queue.deferred() + " deferred"
                        + queue.oldestAge(now).map(a -> "; oldest received " + a.getSeconds() + " s ago").orElse(""));
            }
        }
        out.flush();
        return fresh && !refusing ? ExitCode.OK : ExitCode.FAILED;
    }
}
