package org.smtpdoctor.relay.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.spool.Envelope;

/**
 * What the relay did lately: messages accepted, and delivery outcomes (delivered, deferred,
 * failed; one per message and upstream answer), counted per minute over the last 24 hours;
 * and each message's recent delivery attempts with the upstream's reply and its cause, which
 * the spool does not keep (it keeps the last reply per recipient). The counts are kept across
 * restarts in {@value #FILE} in the spool directory ({@link #open}, {@link #save}; counting
 * began at {@link #since()}); the attempts live in memory only, so after a restart older
 * attempts are known by the spool's last reply. Also each upstream's last outcome and last failure, with the
 * diagnosis (cause, fix) that the status file does not carry. Bounded: 1,440 minutes of counts, the attempts of the last
 * {@value #MAX_MESSAGES} messages, {@value #MAX_ATTEMPTS} attempts each. Thread-safe.
 */
public final class Activity implements RelayObserver {

    public static final String FILE = "activity.json";
    static final int MINUTES = 24 * 60;
    static final int MAX_MESSAGES = 5_000;
    static final int MAX_ATTEMPTS = 30;

    /** Counts over a window: messages accepted from devices, and delivery outcomes. */
    public record Counts(long accepted, long delivered, long deferred, long failed) {}

    /**
     * One delivery attempt of a message for some of its recipients.
     *
     * @param cause empty when delivered
     */
    public record Attempt(Instant at, Outcome outcome, List<String> recipients, String upstream, String host, String reply,
                         Optional<String> cause, Optional<Diagnosis> diagnosis) {}

    private final Clock clock;
    private Instant since;
    private Optional<Path> file = Optional.empty();
    private final Map<String, Delivery> lastByUpstream = new ConcurrentHashMap<>();
    private final Map<String, Delivery> lastFailureByUpstream = new ConcurrentHashMap<>();
    private final long[][] buckets = new long[MINUTES][4];
    private final long[] bucketMinute = new long[MINUTES];
    private final Map<String, List<Attempt>> attempts = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Attempt>> eldest) {
            return size() > MAX_MESSAGES;
        }
    };

    public Activity(Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
    }

    /**
     * The counts kept in {@value #FILE} in {@code spoolDir}, when there is a readable one (what is
     * older than a day is dropped); else counting starts now.
     */
    public static Activity open(Path spoolDir, Clock clock) {
        Activity a = new Activity(clock);
        Path f = spoolDir.resolve(FILE);
        a.file = Optional.of(f);
        try {
            JsonNode root = new ObjectMapper()
                    .readTree(Files.readString(f));
            if (root.path("format").asInt() == 1) {
                long now = minute(clock.instant());
                for (JsonNode b : root.path("minutes")) {
                    long m = b.path(0).asLong();
                    if (m > now - MINUTES && m <= now) {
                        int i = (int) Math.floorMod(m, (long) MINUTES);
                        a.bucketMinute[i] = m;
                        for (int k = 0; k < 4; k++) {
                            a.buckets[i][k] = b.path(k + 1).asLong();
                        }
                    }
                }
                a.since = Instant.parse(root.path("since").asText());
            }
        } catch (IOException | RuntimeException e) {
            // none yet, or unreadable: counting starts now (the counts are history, not mail)
        }
        return a;
    }

    /** Writes the counts of the last day to {@value #FILE} (temp file, then a rename); nothing for an in-memory one. */
    public void save() throws IOException {
        if (file.isEmpty()) {
            return;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("format", 1);
        root.put("since", since.toString());
        ArrayNode minutes = root.putArray("minutes");
        long now = minute(clock.instant());
        synchronized (buckets) {
            for (int i = 0; i < MINUTES; i++) {
                long m = bucketMinute[i];
                if (m > now - MINUTES && m <= now && Arrays.stream(buckets[i]).anyMatch(v -> v != 0)) {
                    ArrayNode b = minutes.addArray().add(m);
                    for (long v : buckets[i]) {
                        b.add(v);
                    }
                }
            }
        }
        Path target = file.get();
        Path tmp = target.resolveSibling("." + FILE + ".tmp");
        Files.write(tmp, json.writeValueAsBytes(root));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** When counting started: the first start whose counts are still kept, else this start. */
    public Instant since() {
        return since;
    }

    @Override
    public void queued(Peer peer, String id, Envelope envelope, long size) {
        count(0);
    }

    @Override
    public void delivery(Delivery d) {
        count(switch (d.outcome()) {
            case DELIVERED -> 1;
            case DEFERRED -> 2;
            case FAILED -> 3;
        });
        lastByUpstream.put(d.upstream(), d);
        if (d.outcome() != Outcome.DELIVERED) {
            lastFailureByUpstream.put(d.upstream(), d);
        }
        Attempt a = new Attempt(d.at(), d.outcome(), d.recipients(), d.upstream(), d.host(), d.reply(), d.cause(), d.diagnosis());
        synchronized (attempts) {
            List<Attempt> list = attempts.computeIfAbsent(d.id(), k -> new ArrayList<>());
            list.add(a);
            if (list.size() > MAX_ATTEMPTS) {
                list.remove(0);
            }
        }
    }

    /** The last outcome with this upstream since the start, with its cause and fix when it was not delivered. */
    public Optional<Delivery> last(String upstream) {
        return Optional.ofNullable(lastByUpstream.get(upstream));
    }

    /** The last deferral or failure with this upstream since the start. */
    public Optional<Delivery> lastFailure(String upstream) {
        return Optional.ofNullable(lastFailureByUpstream.get(upstream));
    }

    /** The recent attempts for a message, oldest first (empty when none since the start). */
    public List<Attempt> attempts(String id) {
        synchronized (attempts) {
            return List.copyOf(attempts.getOrDefault(id, List.of()));
        }
    }

    /** Counts over the last {@code window} (at most 24 hours), to the minute. */
    public Counts last(Duration window) {
        long now = minute(clock.instant());
        long minutes = Math.min(MINUTES, Math.max(1, window.toMinutes()));
        long[] sum = new long[4];
        synchronized (buckets) {
            for (long m = now - minutes + 1; m <= now; m++) {
                int i = (int) Math.floorMod(m, (long) MINUTES);
                if (bucketMinute[i] == m) {
                    for (int k = 0; k < 4; k++) {
                        sum[k] += buckets[i][k];
                    }
                }
            }
        }
        return new Counts(sum[0], sum[1], sum[2], sum[3]);
    }

    private void count(int kind) {
        long m = minute(clock.instant());
        int i = (int) Math.floorMod(m, (long) MINUTES);
        synchronized (buckets) {
            if (bucketMinute[i] != m) {
                bucketMinute[i] = m;
                Arrays.fill(buckets[i], 0);
            }
            buckets[i][kind]++;
        }
    }

    private static long minute(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 60);
    }
}
