package org.smtpdoctor.relay.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.deliver.DeliveryWorker;
import org.smtpdoctor.relay.spool.Envelope;

/**
 * Every device the relay has seen, by IP address: the device rule that let it in, the accounts
 * it logged in with, its last HELO/EHLO name, the TLS of its last connection (version and
 * cipher, or none: this is where the scanner still on TLS 1.0 shows), when it was first and
 * last seen, how many connections and messages, how its messages fared upstream, and its
 * failures by kind with the last detail and cause. Refused clients are devices seen too.
 * <p>
 * Kept across restarts in {@value #FILE} in the spool directory (JSON, written whole to a
 * temp file and renamed: a reader sees the old file or the new one), saved by the caller
 * ({@link #save}) every so often and at stop; a file that cannot be read is set aside and
 * the registry starts empty. Bounded: the {@value #MAX_DEVICES} most recently seen devices,
 * {@value #MAX_FAILURE_KINDS} failure kinds each. Thread-safe.
 */
public final class DeviceRegistry implements RelayObserver {

    public static final String FILE = "devices.json";
    static final int VERSION = 1;
    static final int MAX_DEVICES = 5_000;
    static final int MAX_FAILURE_KINDS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One kind of failure of one device.
     *
     * @param kind   the log event ({@code tls.failed}, {@code auth.failed}, {@code relay.denied}...) or, for
     *               delivery, {@code deferred} or {@code failed}
     * @param cause  the knowledge base's cause id for delivery failures
     * @param detail the last one's reason in words, or the upstream's reply
     */
    public record Failure(String kind, Optional<String> cause, String detail, long count, Instant last) {}

    /** A device as the console shows it. Immutable snapshot. */
    public record Device(String address, Optional<String> rule, List<String> accounts, String helo, Optional<Tls> tls,
                         boolean tlsKnown, Instant firstSeen, Instant lastSeen, long connections, long messages,
                         long delivered, long deferred, long failed, List<Failure> failures) {}

    private static final class Entry {
        final String address;
        String rule;
        final TreeSet<String> accounts = new TreeSet<>();
        String helo = "";
        Tls tls;
        boolean tlsKnown;
        Instant firstSeen;
        Instant lastSeen;
        long connections;
        long messages;
        long delivered;
        long deferred;
        long failed;
        final Map<String, Failure> failures = new LinkedHashMap<>();

        Entry(String address, Instant now) {
            this.address = address;
            this.firstSeen = now;
            this.lastSeen = now;
        }

        /** Marks it seen at {@code now}; the caller holds its lock. */
        void seen(Instant now) {
            if (now.isAfter(lastSeen)) {
                lastSeen = now;
            }
        }

        synchronized Device snapshot() {
            List<Failure> f = new ArrayList<>(failures.values());
            f.sort(Comparator.comparing(Failure::last).reversed());
            return new Device(address, Optional.ofNullable(rule), List.copyOf(accounts), helo, Optional.ofNullable(tls), tlsKnown,
                    firstSeen, lastSeen, connections, messages, delivered, deferred, failed, List.copyOf(f));
        }

        synchronized void fail(String kind, Optional<String> cause, String detail, Instant now) {
            String key = kind + cause.map(c -> ":" + c).orElse("");
            Failure old = failures.remove(key);
            failures.put(key, new Failure(kind, cause, detail, old == null ? 1 : old.count() + 1, now));
            while (failures.size() > MAX_FAILURE_KINDS) {
                failures.remove(failures.keySet().iterator().next());
            }
        }
    }

    /** What a session did, until it closes: whether it greeted, to tell a real device from a port probe. */
    private record SessionKey(String listener, String session) {}

    private final Clock clock;
    private final Optional<Path> file;
    private final Map<String, Entry> devices = new ConcurrentHashMap<>();
    private final Map<SessionKey, Boolean> active = new ConcurrentHashMap<>();
    private volatile boolean dirty;

    private DeviceRegistry(Clock clock, Optional<Path> file) {
        this.clock = clock;
        this.file = file;
    }

    /** A registry kept nowhere (tests). */
    public static DeviceRegistry inMemory(Clock clock) {
        return new DeviceRegistry(clock, Optional.empty());
    }

    /**
     * The registry kept in {@value #FILE} in {@code spoolDir}, with what the file holds.
     *
     * @return the registry and, when the file could not be read, why (it was renamed aside)
     */
    public static Loaded open(Path spoolDir, Clock clock) {
        Path f = spoolDir.resolve(FILE);
        DeviceRegistry r = new DeviceRegistry(clock, Optional.of(f));
        try {
            r.read(JSON.readTree(Files.readString(f)));
            return new Loaded(r, Optional.empty());
        } catch (NoSuchFileException e) {
            return new Loaded(r, Optional.empty());
        } catch (IOException | RuntimeException e) {
            r.devices.clear();
            try {
                Files.move(f, spoolDir.resolve(FILE + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // left where it is; overwritten at the next save
            }
            return new Loaded(r, Optional.of(f + ": " + e.getMessage() + " (set aside as " + FILE + ".unreadable; starting empty)"));
        }
    }

    /** @param problem why the file could not be read, if it could not */
    public record Loaded(DeviceRegistry registry, Optional<String> problem) {}

    /** Every device, most recently seen first. */
    public List<Device> devices() {
        List<Device> out = new ArrayList<>();
        for (Entry e : devices.values()) {
            out.add(e.snapshot());
        }
        out.sort(Comparator.comparing(Device::lastSeen).reversed().thenComparing(Device::address));
        return out;
    }

    public Optional<Device> device(String address) {
        Entry e = devices.get(address);
        return e == null ? Optional.empty() : Optional.of(e.snapshot());
    }

    private Entry seen(String address) {
        Instant now = clock.instant();
        Entry e = entry(address, now);
        synchronized (e) {
            e.seen(now);
        }
        return e;
    }

    /**
     * The entry of {@code address} (made when new), not yet marked seen: the events of every
     * message mark it under their own hold of its lock, {@link Entry#seen}, so that they take it
     * once, not twice (a hundred sessions of one device convoyed on it; bench/RESULTS.md).
     */
    private Entry entry(String address, Instant now) {
        Entry e = devices.computeIfAbsent(address, a -> new Entry(a, now));
        dirty = true;
        if (devices.size() > MAX_DEVICES) {
            evict();
        }
        return e;
    }

    private void evict() {
        devices.values().stream().min(Comparator.comparing(x -> x.lastSeen)).ifPresent(oldest -> devices.remove(oldest.address));
    }

    // ---- RelayObserver

    @Override
    public void connectionOpened(Peer peer, Optional<String> device) {
        Instant now = clock.instant();
        Entry e = entry(peer.client(), now);
        synchronized (e) {
            e.seen(now);
            e.connections++;
            device.ifPresent(d -> e.rule = d);
        }
        active.put(new SessionKey(peer.listener(), peer.session()), Boolean.FALSE);
    }

    @Override
    public void connectionRefused(String listener, String client, String reason) {
        Entry e = seen(client);
        e.fail("connection.refused", Optional.empty(), reason, clock.instant());
    }

    @Override
    public void tlsStarted(String listener, String client, Tls tls) {
        Entry e = seen(client);
        synchronized (e) {
            e.tls = tls;
            e.tlsKnown = true;
        }
    }

    @Override
    public void tlsFailed(String listener, String client, String reason, Optional<String> hint) {
        seen(client).fail("tls.failed", Optional.empty(), hint.map(h -> reason + "; " + h).orElse(reason), clock.instant());
    }

    @Override
    public void greeted(Peer peer, String name) {
        Instant now = clock.instant();
        Entry e = entry(peer.client(), now);
        synchronized (e) {
            e.seen(now);
            e.helo = name;
        }
        active.put(new SessionKey(peer.listener(), peer.session()), Boolean.TRUE);
    }

    @Override
    public void authSucceeded(Peer peer, String user, String device) {
        Entry e = seen(peer.client());
        synchronized (e) {
            e.accounts.add(user);
            e.rule = device;
            while (e.accounts.size() > 20) {
                e.accounts.pollFirst();
            }
        }
    }

    @Override
    public void authFailed(Peer peer, String user) {
        seen(peer.client()).fail("auth.failed", Optional.empty(), "wrong password or unknown account for user " + user, clock.instant());
    }

    @Override
    public void refused(Peer peer, Optional<String> device, String what, String reason) {
        Entry e = seen(peer.client());
        device.ifPresent(d -> {
            synchronized (e) {
                e.rule = d;
            }
        });
        e.fail(what, Optional.empty(), reason, clock.instant());
    }

    @Override
    public void queued(Peer peer, String id, Envelope envelope, long size) {
        Instant now = clock.instant();
        Entry e = entry(peer.client(), now);
        synchronized (e) {
            e.seen(now);
            e.messages++;
            e.rule = envelope.device();
            envelope.authUser().ifPresent(e.accounts::add);
        }
        active.put(new SessionKey(peer.listener(), peer.session()), Boolean.TRUE);
    }

    @Override
    public void connectionClosed(Peer peer, Optional<Tls> tls) {
        Boolean did = active.remove(new SessionKey(peer.listener(), peer.session()));
        if (Boolean.TRUE.equals(did)) {
            Instant now = clock.instant();
            Entry e = entry(peer.client(), now);
            synchronized (e) {
                e.seen(now);
                e.tls = tls.orElse(null);
                e.tlsKnown = true;
            }
        }
    }

    @Override
    public void delivery(Delivery d) {
        Envelope env = d.envelope();
        if (DeliveryWorker.SELF.equals(env.device())) {
            return; // the relay's own DSNs and alerts
        }
        Entry e = devices.get(env.clientAddress());
        if (e == null) {
            e = seen(env.clientAddress()); // a message from before the registry knew the device
        }
        dirty = true;
        synchronized (e) {
            switch (d.outcome()) {
                case DELIVERED -> e.delivered += d.recipients().size();
                case DEFERRED -> e.deferred += d.recipients().size();
                case FAILED -> e.failed += d.recipients().size();
            }
        }
        if (d.outcome() != Outcome.DELIVERED) {
            e.fail(d.outcome() == Outcome.FAILED ? "failed" : "deferred", d.cause(), d.reply(), d.at());
        }
    }

    // ---- persistence

    /** Writes the file when something changed since the last save (temp file, then an atomic rename). */
    public void save() throws IOException {
        if (file.isEmpty() || !dirty) {
            return;
        }
        dirty = false;
        ObjectNode root = JSON.createObjectNode();
        root.put("format", VERSION);
        ArrayNode list = root.putArray("devices");
        for (Device d : devices()) {
            ObjectNode n = list.addObject();
            n.put("address", d.address());
            d.rule().ifPresent(r -> n.put("rule", r));
            ArrayNode acc = n.putArray("accounts");
            d.accounts().forEach(acc::add);
            n.put("helo", d.helo());
            n.put("tls_known", d.tlsKnown());
            d.tls().ifPresent(t -> n.put("tls_protocol", t.protocol()).put("tls_cipher", t.cipher()));
            n.put("first_seen", d.firstSeen().toString());
            n.put("last_seen", d.lastSeen().toString());
            n.put("connections", d.connections());
            n.put("messages", d.messages());
            n.put("delivered", d.delivered());
            n.put("deferred", d.deferred());
            n.put("failed", d.failed());
            ArrayNode fs = n.putArray("failures");
            for (Failure f : d.failures()) {
                ObjectNode fn = fs.addObject();
                fn.put("kind", f.kind());
                f.cause().ifPresent(c -> fn.put("cause", c));
                fn.put("detail", f.detail());
                fn.put("count", f.count());
                fn.put("last", f.last().toString());
            }
        }
        Path target = file.get();
        Path tmp = target.resolveSibling("." + FILE + ".tmp");
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root),
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            dirty = true;
            throw e;
        }
    }

    private void read(JsonNode root) throws IOException {
        if (root.path("format").asInt() != VERSION) {
            throw new IOException("not a device registry of format " + VERSION);
        }
        for (JsonNode n : root.path("devices")) {
            String address = n.path("address").asText();
            if (address.isEmpty()) {
                continue;
            }
            Entry e = new Entry(address, Instant.parse(n.path("first_seen").asText()));
            e.lastSeen = Instant.parse(n.path("last_seen").asText());
            e.rule = n.hasNonNull("rule") ? n.get("rule").asText() : null;
            n.path("accounts").forEach(a -> e.accounts.add(a.asText()));
            e.helo = n.path("helo").asText("");
            e.tlsKnown = n.path("tls_known").asBoolean();
            if (n.hasNonNull("tls_protocol")) {
                e.tls = new Tls(n.get("tls_protocol").asText(), n.path("tls_cipher").asText());
            }
            e.connections = n.path("connections").asLong();
            e.messages = n.path("messages").asLong();
            e.delivered = n.path("delivered").asLong();
            e.deferred = n.path("deferred").asLong();
            e.failed = n.path("failed").asLong();
            List<JsonNode> fs = new ArrayList<>();
            n.path("failures").forEach(fs::add);
            Collections.reverse(fs); // saved newest first; kept oldest first
            for (JsonNode f : fs) {
                Optional<String> cause = f.hasNonNull("cause") ? Optional.of(f.get("cause").asText()) : Optional.empty();
                String kind = f.path("kind").asText();
                e.failures.put(kind + cause.map(c -> ":" + c).orElse(""), new Failure(kind, cause, f.path("detail").asText(),
                        f.path("count").asLong(), Instant.parse(f.path("last").asText())));
            }
            devices.put(address, e);
        }
    }
}
