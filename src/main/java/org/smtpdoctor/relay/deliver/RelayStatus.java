package org.smtpdoctor.relay.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;

/**
 * What {@code smtp-doctor relay status} shows: the queue by state, the oldest message, and per
 * upstream the last delivery result with its cause, whether it is backed off, and the pacing
 * budget left. The running relay writes it to {@value #FILE} in the spool directory every few
 * seconds (temp file, then an atomic rename, so a reader never sees half of it); another
 * process reads it with {@link #read}. JSON field names are a public interface (docs/json.md).
 * Immutable.
 *
 * @param at      when it was taken
 * @param running false in the last file a relay writes as it stops
 * @param spool   the spool's volume against its reserve; empty in files of relays that did not say
 */
public record RelayStatus(Instant at, String hostName, boolean running, Queue queue, List<UpstreamStatus> upstreams,
                          Optional<Spool.Space> spool) {

    /** The status file's name in the spool directory. */
    public static final String FILE = "relay-status.json";
    /** 2: snake_case keys; 1 (read, never written): the same fields in camelCase. */
    static final int VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    public RelayStatus {
        upstreams = List.copyOf(upstreams);
    }

    /** A status that says nothing about the spool's volume. */
    public RelayStatus(Instant at, String hostName, boolean running, Queue queue, List<UpstreamStatus> upstreams) {
        this(at, hostName, running, queue, upstreams, Optional.empty());
    }

    /** A running relay that takes no new mail because its spool's volume is below the reserve. */
    public boolean refusingMail() {
        return running && spool.map(Spool.Space::refusing).orElse(false);
    }

    /**
     * The spool's contents by state: messages, and recipients pending (not tried yet),
     * deferred (waiting to retry), delivered and failed (final, the message not yet removed).
     */
    public record Queue(int messages, int pending, int deferred, int delivered, int failed, Optional<Instant> oldest) {

        public static Queue of(List<QueuedMessage> messages) {
            int[] n = new int[RecipientState.Status.values().length];
            Optional<Instant> oldest = Optional.empty();
            for (QueuedMessage m : messages) {
                for (RecipientState r : m.recipients()) {
                    n[r.status().ordinal()]++;
                }
                Instant t = m.envelope().receivedAt();
                if (oldest.isEmpty() || t.isBefore(oldest.get())) {
                    oldest = Optional.of(t);
                }
            }
            return new Queue(messages.size(), n[RecipientState.Status.PENDING.ordinal()], n[RecipientState.Status.DEFERRED.ordinal()],
                    n[RecipientState.Status.DELIVERED.ordinal()], n[RecipientState.Status.FAILED.ordinal()], oldest);
        }

        public Optional<Duration> oldestAge(Instant now) {
            return oldest.map(o -> Duration.between(o, now));
        }
    }

    /**
     * One upstream.
     *
     * @param name            its URL, without secrets
     * @param pacingKey       the mailbox (or host) its pacing counts against
     * @param backedOffUntil  set while the relay leaves it alone after throttling or failures
     * @param lastEvent       delivered, deferred or failed (empty before the first delivery)
     * @param messagesLeft    messages that may still go in the current minute
     * @param recipientsLeft  recipients that may still go in the current 24 hours
     */
    public record UpstreamStatus(String name, String pacingKey, Optional<Instant> backedOffUntil, Optional<Instant> lastAt,
                                 Optional<String> lastEvent, Optional<String> lastReply, Optional<String> lastCause,
                                 long delivered, long deferred, long failed, int messagesLeft, long recipientsLeft,
                                 int messagesPerMinute, int recipientsPerDay, int connections) {}

    /** Human-readable, a few lines. */
    public String text(Instant now) {
        StringBuilder s = new StringBuilder();
        s.append("relay ").append(hostName).append(running ? ", running" : ", stopped")
                .append(" (status of ").append(at).append(", ").append(age(Duration.between(at, now))).append(" ago)\n");
        spool.ifPresent(v -> s.append(v.refusing() && running ? "refusing mail: spool low (" + v.describe()
                + "): devices get 452 4.3.1 at MAIL FROM until space frees up; queued mail is still delivered\n"
                : "spool: " + v.describe() + "\n"));
        s.append("queue: ").append(queue.messages()).append(queue.messages() == 1 ? " message" : " messages")
                .append("; recipients ").append(queue.pending()).append(" pending, ").append(queue.deferred()).append(" deferred, ")
                .append(queue.delivered()).append(" delivered and ").append(queue.failed()).append(" failed awaiting removal\n");
        queue.oldest().ifPresent(o -> s.append("oldest message: ").append(age(Duration.between(o, now))).append(" old\n"));
        for (UpstreamStatus u : upstreams) {
            s.append("upstream ").append(u.name()).append('\n');
            s.append("  last: ").append(u.lastEvent().isEmpty() ? "nothing yet"
                    : u.lastEvent().get() + " " + age(Duration.between(u.lastAt().orElse(now), now)) + " ago: "
                    + u.lastReply().orElse("") + u.lastCause().filter(c -> !c.isBlank()).map(c -> " (cause " + c + ")").orElse("")).append('\n');
            s.append("  since start: ").append(u.delivered()).append(" delivered, ").append(u.deferred()).append(" deferred, ")
                    .append(u.failed()).append(" failed (recipients)\n");
            u.backedOffUntil().filter(t -> t.isAfter(now)).ifPresent(t ->
                    s.append("  backed off for ").append(age(Duration.between(now, t))).append(" (throttled or unreachable)\n"));
            s.append("  pacing for ").append(u.pacingKey()).append(": ").append(u.messagesLeft()).append('/')
                    .append(u.messagesPerMinute()).append(" messages left this minute, ").append(u.recipientsLeft()).append('/')
                    .append(u.recipientsPerDay()).append(" recipients left today, ").append(u.connections()).append(" connections\n");
        }
        return s.toString();
    }

    /** 90 s, 5 min, 5 h 3 min, 2 days 4 h: an age for people. */
    public static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 172800) {
            return s / 3600 + " h " + (s % 3600) / 60 + " min";
        }
        return s / 86400 + " days " + (s % 86400) / 3600 + " h";
    }

    /** The status as JSON, snake_case keys like every smtp-doctor JSON document (docs/json.md). */
    public ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("status_version", VERSION);
        o.put("at", at.toString());
        o.put("host_name", hostName);
        o.put("running", running);
        ObjectNode q = o.putObject("queue");
        q.put("messages", queue.messages());
        q.put("pending", queue.pending());
        q.put("deferred", queue.deferred());
        q.put("delivered", queue.delivered());
        q.put("failed", queue.failed());
        queue.oldest().ifPresent(t -> q.put("oldest_received_at", t.toString()));
        spool.ifPresent(v -> o.putObject("spool").put("free_bytes", v.freeBytes()).put("reserve_bytes", v.reserveBytes())
                .put("refusing_mail", v.refusing()));
        ArrayNode ups = o.putArray("upstreams");
        for (UpstreamStatus u : upstreams) {
            ObjectNode n = ups.addObject();
            n.put("name", u.name());
            n.put("pacing_key", u.pacingKey());
            u.backedOffUntil().ifPresent(t -> n.put("backed_off_until", t.toString()));
            ObjectNode last = n.putObject("last");
            u.lastAt().ifPresent(t -> last.put("at", t.toString()));
            u.lastEvent().ifPresent(e -> last.put("event", e));
            u.lastReply().ifPresent(e -> last.put("reply", e));
            u.lastCause().ifPresent(e -> last.put("cause", e));
            ObjectNode c = n.putObject("recipients_since_start");
            c.put("delivered", u.delivered());
            c.put("deferred", u.deferred());
            c.put("failed", u.failed());
            ObjectNode p = n.putObject("pacing");
            p.put("messages_left_this_minute", u.messagesLeft());
            p.put("messages_per_minute", u.messagesPerMinute());
            p.put("recipients_left_today", u.recipientsLeft());
            p.put("recipients_per_day", u.recipientsPerDay());
            p.put("connections", u.connections());
        }
        return o;
    }

    /**
     * Reads what {@link #json} wrote, and the files of version 1, whose keys were camelCase
     * ({@code hostName}, {@code pacingKey}, ...): a relay status written before an upgrade stays readable.
     *
     * @throws IOException when it is not a status of a version this code knows
     */
    public static RelayStatus fromJson(JsonNode o) throws IOException {
        boolean camel = o.path("statusVersion").asInt() == 1 && !o.has("status_version");
        if (!camel && o.path("status_version").asInt() != VERSION) {
            throw new IOException("not a relay status of version 1 or " + VERSION);
        }
        Keys k = new Keys(camel);
        try {
            JsonNode q = k.get(o, "queue");
            Queue queue = new Queue(k.get(q, "messages").asInt(), k.get(q, "pending").asInt(), k.get(q, "deferred").asInt(),
                    k.get(q, "delivered").asInt(), k.get(q, "failed").asInt(), k.instant(q, "oldest_received_at"));
            List<UpstreamStatus> ups = new ArrayList<>();
            for (JsonNode n : k.get(o, "upstreams")) {
                JsonNode last = k.get(n, "last");
                JsonNode c = k.get(n, "recipients_since_start");
                JsonNode p = k.get(n, "pacing");
                ups.add(new UpstreamStatus(k.get(n, "name").asText(), k.get(n, "pacing_key").asText(), k.instant(n, "backed_off_until"),
                        k.instant(last, "at"), k.text(last, "event"), k.text(last, "reply"), k.text(last, "cause"),
                        k.get(c, "delivered").asLong(), k.get(c, "deferred").asLong(), k.get(c, "failed").asLong(),
                        k.get(p, "messages_left_this_minute").asInt(), k.get(p, "recipients_left_today").asLong(),
                        k.get(p, "messages_per_minute").asInt(), k.get(p, "recipients_per_day").asInt(), k.get(p, "connections").asInt()));
            }
            JsonNode v = o.path("spool");
            Optional<Spool.Space> space = v.isObject() ? Optional.of(new Spool.Space(v.path("free_bytes").asLong(),
                    v.path("reserve_bytes").asLong(), v.path("refusing_mail").asBoolean())) : Optional.empty();
            return new RelayStatus(Instant.parse(k.get(o, "at").asText()), k.get(o, "host_name").asText(),
                    k.get(o, "running").asBoolean(), queue, ups, space);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException("bad time in the relay status: " + e.getMessage());
        }
    }

    /** Field access by the snake_case name, or by its camelCase spelling in a version 1 file. */
    private record Keys(boolean camel) {
        String name(String snake) {
            if (!camel) {
                return snake;
            }
            StringBuilder b = new StringBuilder();
            for (String part : snake.split("_")) {
                b.append(b.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            return b.toString();
        }

        JsonNode get(JsonNode n, String snake) {
            return n.path(name(snake));
        }

        Optional<Instant> instant(JsonNode n, String snake) {
            return RelayStatus.instant(n, name(snake));
        }

        Optional<String> text(JsonNode n, String snake) {
            return RelayStatus.text(n, name(snake));
        }
    }

    private static Optional<Instant> instant(JsonNode n, String field) {
        return n.hasNonNull(field) ? Optional.of(Instant.parse(n.get(field).asText())) : Optional.empty();
    }

    private static Optional<String> text(JsonNode n, String field) {
        return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
    }

    /** Writes the status file into {@code spoolDir}: a temp file, then an atomic rename over the old one. */
    public void write(Path spoolDir) throws IOException {
        Path tmp = spoolDir.resolve("." + FILE + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json()),
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        Files.move(tmp, spoolDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The status a relay wrote into {@code spoolDir}, if there is one. */
    public static Optional<RelayStatus> read(Path spoolDir) throws IOException {
        Path f = spoolDir.resolve(FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(fromJson(JSON.readTree(Files.readString(f, StandardCharsets.UTF_8))));
    }
}
