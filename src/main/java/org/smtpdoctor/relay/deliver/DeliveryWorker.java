package org.smtpdoctor.relay.deliver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.MessageSink;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;

/**
 * Delivers what the {@link Spool} holds to the upstreams. {@code threads} workers each take
 * one due message at a time (the spool leases it to them), deliver it to every due recipient
 * over their own upstream session (kept open for the next message: connection reuse), record
 * each recipient's outcome in the spool, and when every recipient is final send any DSN owed
 * and remove the message. Outcomes follow the {@link Classifier}; retries the
 * {@link RetryPolicy}; speed the {@link Pacer} of the upstream's mailbox.
 *
 * <p>Upstreams are used in the order given: the first one not backed off. A throttling reply
 * (421, 4.7.x, 432 4.3.2) or a session that cannot be opened backs the whole upstream off, so
 * no worker tries it until then; messages not yet tried stay pending meanwhile.
 *
 * <p>What may happen twice: a crash after the upstream's 250 and before the spool records
 * it delivers that message again on restart (the spool's {@code markDelivered} is the commit
 * point), and a crash between queueing a DSN and removing its message queues the DSN again.
 *
 * <p>Lifecycle: {@link #start} (or {@link #prepare}, then {@link #begin}) starts the threads; {@link #close} stops taking messages, lets
 * deliveries in progress finish for {@link DeliveryOptions#shutdownGrace} (then cuts their
 * connections, which the upstream treats as no delivery), says QUIT, and releases every
 * lease. Thread-safe.
 */
public final class DeliveryWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** The device name of messages the relay itself queues (DSNs): no Received line, never a DSN about them. */
    public static final String SELF = "smtp-doctor";

    private final Spool spool;
    private final Optional<Path> statusDir;
    private final List<Route> routes;
    private final DeliveryOptions options;
    private final Classifier classifier;
    private final DoubleSupplier random;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Thread, Lane> lanes = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final ScheduledExecutorService statusWriter;
    private final RelayObserver observer;
    private volatile boolean running = true;
    private boolean begun; // guarded by this

    private DeliveryWorker(Spool spool, Optional<Path> statusDir, List<Upstream> upstreams, DeliveryOptions options,
                           java.util.function.Supplier<KnowledgeBase> rules, DoubleSupplier random, RelayObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("no upstream to deliver to");
        }
        this.spool = spool;
        this.statusDir = statusDir;
        this.options = options;
        this.classifier = new Classifier(rules);
        this.random = random;
        Map<String, Pacer> pacers = new HashMap<>();
        List<Route> r = new ArrayList<>();
        for (Upstream u : upstreams) {
            r.add(new Route(u, pacers.computeIfAbsent(u.pacingKey(), k -> new Pacer(options.pacing())), options.retry(), random));
        }
        this.routes = List.copyOf(r);
        this.statusWriter = Executors.newSingleThreadScheduledExecutor(daemon("relay-status"));
    }

    /**
     * The relay's composition: upstreams from the configuration's URLs (secrets read now),
     * options from its pacing and retry settings, the status file in its spool directory.
     *
     * @throws IllegalArgumentException when an upstream's secret cannot be read (the message says which)
     */
    public static DeliveryWorker start(RelayConfig config, Spool spool) {
        return start(config, spool, RelayObserver.NONE);
    }

    /** The same, telling {@code observer} every delivery outcome (the console, metrics). */
    public static DeliveryWorker start(RelayConfig config, Spool spool, RelayObserver observer) {
        DeliveryWorker w = prepare(config, spool, Upstreams.create(config.upstreams(), UpstreamSettings.defaults(config.hostName())),
                DeliveryOptions.from(config), observer);
        w.begin();
        return w;
    }

    /**
     * The relay's composition without starting anything: its {@link #sink} can be handed to the
     * listeners, and {@link #begin} starts delivery once they are up. Closed before it began, it
     * leaves no trace (no status file), so a start that fails later leaves nothing behind.
     */
    public static DeliveryWorker prepare(RelayConfig config, Spool spool, List<Upstream> upstreams) {
        return prepare(config, spool, upstreams, DeliveryOptions.from(config));
    }

    /** {@link #prepare(RelayConfig, Spool, List)} with other options than the configuration's. */
    public static DeliveryWorker prepare(RelayConfig config, Spool spool, List<Upstream> upstreams, DeliveryOptions options) {
        return prepare(config, spool, upstreams, options, RelayObserver.NONE);
    }

    /** The same, telling {@code observer} every delivery outcome (the console, metrics). */
    public static DeliveryWorker prepare(RelayConfig config, Spool spool, List<Upstream> upstreams, DeliveryOptions options,
                                         RelayObserver observer) {
        return new DeliveryWorker(spool, Optional.of(config.spoolDir()), upstreams, options,
                KnowledgeBase::bundled, () -> ThreadLocalRandom.current().nextDouble(), observer);
    }

    public static DeliveryWorker start(Spool spool, Optional<Path> statusDir, List<Upstream> upstreams, DeliveryOptions options) {
        return start(spool, statusDir, upstreams, options, RelayObserver.NONE);
    }

    public static DeliveryWorker start(Spool spool, Optional<Path> statusDir, List<Upstream> upstreams, DeliveryOptions options,
                                       RelayObserver observer) {
        DeliveryWorker w = new DeliveryWorker(spool, statusDir, upstreams, options, KnowledgeBase::bundled,
                () -> ThreadLocalRandom.current().nextDouble(), observer);
        w.begin();
        return w;
    }

    static DeliveryWorker start(Spool spool, Optional<Path> statusDir, List<Upstream> upstreams, DeliveryOptions options,
                                KnowledgeBase rules, DoubleSupplier random) {
        return start(spool, statusDir, upstreams, options, rules, random, RelayObserver.NONE);
    }

    static DeliveryWorker start(Spool spool, Optional<Path> statusDir, List<Upstream> upstreams, DeliveryOptions options,
                                KnowledgeBase rules, DoubleSupplier random, RelayObserver observer) {
        DeliveryWorker w = new DeliveryWorker(spool, statusDir, upstreams, options, () -> rules, random, observer);
        w.begin();
        return w;
    }

    /** Starts the worker threads and the status file; once. */
    public synchronized void begin() {
        if (begun) {
            return;
        }
        begun = true;
        for (int i = 0; i < options.threads(); i++) {
            Thread t = daemon("delivery-" + (i + 1)).newThread(this::runLane);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        if (statusDir.isPresent() && !options.statusInterval().isZero()) {
            long every = options.statusInterval().toMillis();
            statusWriter.scheduleWithFixedDelay(this::writeStatus, 0, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A sink for the listeners: stores into the spool, then wakes an idle worker so a new
     * message goes out at once instead of at the next poll.
     */
    public MessageSink sink() {
        return new MessageSink() {
            @Override
            public String accept(Envelope envelope, java.io.InputStream content) throws IOException {
                String id = spool.accept(envelope, content);
                wakeOne();
                return id;
            }

            @Override
            public Optional<String> refusal() {
                return spool.refusal();
            }
        };
    }

    /**
     * One new message: one idle worker is enough. Waking all of them (notifyAll) made every
     * idle worker queue for the monitor and scan the spool for each message accepted. A
     * worker not woken still looks within {@link DeliveryOptions#poll}.
     */
    private void wakeOne() {
        synchronized (signal) {
            signal.notify();
        }
    }

    /** Makes idle workers look at the spool now. */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** The status now (reads the spool's index; cheap). */
    public RelayStatus status() {
        Instant now = options.clock().instant();
        List<RelayStatus.UpstreamStatus> ups = new ArrayList<>();
        for (Route r : routes) {
            Pacer.Budget b = r.pacer.budget(now);
            Optional<Route.Last> last = r.last();
            long[] c = r.counts();
            Instant until = r.blockedUntil();
            ups.add(new RelayStatus.UpstreamStatus(r.upstream.name(), r.upstream.pacingKey(),
                    until.isAfter(now) ? Optional.of(until) : Optional.empty(), last.map(Route.Last::at),
                    last.map(Route.Last::event), last.map(Route.Last::reply), last.map(Route.Last::cause), c[0], c[1], c[2],
                    b.messagesThisMinute(), b.recipientsToday(), options.pacing().messagesPerMinute(),
                    options.pacing().recipientsPerDay(), options.threads()));
        }
        return new RelayStatus(now, options.hostName(), running, RelayStatus.Queue.of(spool.list()), ups, Optional.of(spool.space()));
    }

    private void writeStatus() {
        try {
            status().write(statusDir.orElseThrow());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot write the relay status into {}: {}", statusDir.orElse(null), e.toString());
        }
    }

    // ---- one worker thread

    /** A worker's own state: its upstream session and the message it holds. */
    private static final class Lane {
        volatile UpstreamSession session;
        Route sessionRoute;
        Instant lastUsed = Instant.MIN;
        volatile String holding;

        void closeSession() {
            if (session != null) {
                session.close();
                session = null;
                sessionRoute = null;
            }
        }
    }

    private void runLane() {
        Lane lane = new Lane();
        lanes.put(Thread.currentThread(), lane);
        try {
            while (running) {
                try {
                    Duration idle = step(lane);
                    if (!idle.isZero()) {
                        if (lane.session != null && Duration.between(lane.lastUsed, options.clock().instant())
                                .compareTo(options.sessionIdle()) >= 0) {
                            lane.closeSession();
                        }
                        pause(idle);
                    }
                } catch (IOException | RuntimeException e) {
                    // The spool failed (disk) or a bug: say so, keep the session, try again after a pause.
                    log.warn("delivery: {}", e.toString(), e);
                    pause(options.poll());
                }
            }
        } finally {
            lane.closeSession();
            lanes.remove(Thread.currentThread());
        }
    }

    private void pause(Duration d) {
        synchronized (signal) {
            if (running) {
                try {
                    signal.wait(Math.max(1, Math.min(d.toMillis(), options.poll().toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    /** A step back of the wall clock larger than this is a jump (not two lanes' readings a moment apart). */
    private static final Duration CLOCK_JUMP = Duration.ofMinutes(1);
    private final java.util.concurrent.atomic.AtomicReference<Instant> lastStep = new java.util.concurrent.atomic.AtomicReference<>(Instant.MIN);

    /**
     * The wall clock went back (NTP, a resumed VM, an administrator): the retry times and back-offs
     * set before it lie in the future by the size of the jump. Rather than let mail wait for the
     * clock to catch up, every deferred recipient is due now and every route open: one early
     * attempt each, nothing lost or sent twice.
     */
    private void clockWentBack(Instant before, Instant now) throws IOException {
        int due = spool.retryAll();
        routes.forEach(r -> r.clockWentBack(now));
        RelayEvents.warn("clock-went-back", "from", before, "to", now, "retried_now", due);
    }

    /** Handles one message; returns how long to wait when there was nothing to do (zero when there was). */
    private Duration step(Lane lane) throws IOException {
        Instant now = options.clock().instant();
        Instant before = lastStep.getAndSet(now);
        if (now.plus(CLOCK_JUMP).isBefore(before)) {
            clockWentBack(before, now);
        }
        Route route = null;
        Instant soonest = Instant.MAX;
        for (Route r : routes) {
            if (!r.blocked(now)) {
                route = r;
                break;
            }
            soonest = soonest.isBefore(r.blockedUntil()) ? soonest : r.blockedUntil();
        }
        if (route == null) {
            lane.closeSession();
            return positive(Duration.between(now, soonest));
        }
        Duration wait = route.pacer.messageWait(now);
        if (!wait.isZero()) {
            return wait;
        }
        List<QueuedMessage> due = spool.due(now, 1);
        if (due.isEmpty()) {
            return options.poll();
        }
        QueuedMessage m = due.get(0);
        lane.holding = m.id();
        try {
            return handle(lane, route, m, now) ? Duration.ZERO : route.pacer.messageWait(now).plusMillis(1);
        } finally {
            lane.holding = null;
            spool.release(m.id());
        }
    }

    private static Duration positive(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    /** False when pacing held the message back for less than a minute (the caller waits). */
    private boolean handle(Lane lane, Route first, QueuedMessage m, Instant now) throws IOException {
        if (m.isFinished()) {
            finish(m, first);
            return true;
        }
        List<RecipientState> due = m.recipients().stream().filter(r -> r.isDue(now)).toList();
        if (due.isEmpty()) {
            return true;
        }
        List<String> rcpts = due.stream().map(RecipientState::recipient).toList();
        Optional<Pacer.Refusal> refused = first.pacer.tryAcquire(now, rcpts.size());
        if (refused.isPresent() && refused.get() instanceof Pacer.MinuteFull) {
            return false;
        }
        if (refused.isPresent()) {
            // Out of today's recipients: the message waits (deferred, never failed) until the budget frees.
            Pacer.Refusal r = refused.get();
            String text = "452 4.5.3 held by the relay's pacing: " + r.text() + " for " + first.upstream.pacingKey()
                    + " used up; next try at " + r.until();
            for (String rcpt : rcpts) {
                spool.markDeferred(m.id(), rcpt, text, r.until());
            }
            RelayEvents.info("paced", "id", m.id(), "device", m.envelope().device(), "sender", sender(m), "rcpt", rcpts,
                    "upstream", first.upstream.name(), "reply", text, "next", r.until());
            return true;
        }
        Using using = session(lane, first, now, rcpts.size());
        if (using == null) {
            return true; // deferred in session()
        }
        MessageContent content = content(m);
        Transaction t = using.session().send(m.envelope().sender(), rcpts, content);
        if (using.session().stale(t)) {
            // A reused session the server had closed meanwhile (its idle timeout): not the
            // message's fault and not worth a retry delay; once more on a fresh session.
            lane.closeSession();
            using = session(lane, first, now, rcpts.size());
            if (using == null) {
                return true;
            }
            t = using.session().send(m.envelope().sender(), rcpts, content);
        }
        Route route = using.route();
        UpstreamSession session = using.session();
        lane.lastUsed = options.clock().instant();
        Instant done = options.clock().instant();
        Map<String, Classifier.Verdict> byRecipient = new LinkedHashMap<>();
        boolean throttled = false;
        Optional<Duration> asked = Optional.empty();
        for (RecipientState r : due) {
            Transaction.Outcome o = t.outcome(r.recipient());
            Classifier.Verdict v = o instanceof Transaction.Replied replied
                    ? classifier.ofReply(route.upstream.vendor(), session.host(), replied.phase(), replied.reply())
                    : o instanceof Transaction.Answered answered
                    ? classifier.ofAnswer(route.upstream.vendor(), session.host(), answered.phase(), answered.answer())
                    : classifier.ofSession(route.upstream.vendor(), ((Transaction.Broken) o).failure());
            byRecipient.put(r.recipient(), v);
            throttled |= v.throttle();
            if (v.retryAfter().isPresent()) {
                asked = v.retryAfter();
            }
        }
        // One throttling reply backs the whole upstream off once, however many recipients it hit.
        Instant blockedUntil = throttled ? route.backOff(done, asked) : Instant.MIN;
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, Classifier.Verdict> verdicts = new LinkedHashMap<>();
        boolean delivered = false;
        // Every recipient delivered (now or before): the message goes in one durable step (the
        // spool's delete) instead of a state write per recipient and then the removal. A crash
        // in between redelivers either way; nothing else can be lost, since nothing is left to do.
        boolean allDelivered = m.recipients().stream().allMatch(r -> r.status() == RecipientState.Status.DELIVERED
                || byRecipient.containsKey(r.recipient()) && byRecipient.get(r.recipient()).action() == Classifier.Action.DELIVERED);
        for (RecipientState r : due) {
            Classifier.Verdict v = byRecipient.get(r.recipient());
            String event = allDelivered ? "delivered" : apply(m, r, v, done, blockedUntil);
            delivered |= event.equals("delivered");
            String key = event + "\u0000" + v.text();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.recipient());
            verdicts.put(key, v);
        }
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            String event = g.getKey().substring(0, g.getKey().indexOf('\u0000'));
            Classifier.Verdict v = verdicts.get(g.getKey());
            String cause = event.equals("delivered") ? null : v.cause().id();
            route.record(done, event, v.text(), cause == null ? "" : cause, g.getValue().size());
            Object[] fields = {"id", m.id(), "device", m.envelope().device(), "sender", sender(m), "rcpt", g.getValue(),
                "upstream", route.upstream.name(), "host", session.host(), "reply", v.text(), "cause", cause,
                "attempts", m.attempts() + 1};
            if (event.equals("delivered")) {
                RelayEvents.info(event, fields);
            } else {
                RelayEvents.warn(event, fields);
            }
            observe(event, m, g.getValue(), route, session.host(), v, done);
        }
        if (delivered && !throttled) {
            route.succeeded();
        }
        if (throttled || !session.usable() || t.broken().isPresent()
                || session.transactions() >= options.sessionMaxMessages()
                || Duration.between(session.opened(), done).compareTo(options.sessionMaxAge()) >= 0) {
            lane.closeSession();
        }
        if (allDelivered) {
            if (spool.delete(m.id()).isPresent()) {
                RelayEvents.info("removed", "id", m.id(), "device", m.envelope().device(), "sender", sender(m),
                        "delivered", m.recipients().size(), "failed", 0);
            }
            return true;
        }
        Optional<QueuedMessage> after = spool.get(m.id());
        if (after.isPresent() && after.get().isFinished()) {
            finish(after.get(), route);
        }
        return true;
    }

    /** Records one recipient's outcome; returns the event name. */
    private String apply(QueuedMessage m, RecipientState r, Classifier.Verdict v, Instant now, Instant blockedUntil) throws IOException {
        switch (v.action()) {
            case DELIVERED -> {
                spool.markDelivered(m.id(), r.recipient(), v.text());
                return "delivered";
            }
            case BOUNCE -> {
                spool.markFailed(m.id(), r.recipient(), v.text());
                return "failed";
            }
            default -> {
                Instant received = m.envelope().receivedAt();
                if (options.retry().expired(received, now)) {
                    spool.markFailed(m.id(), r.recipient(), v.text());
                    return "failed";
                }
                Instant next = options.retry().nextAttempt(now, received, r.attempts() + 1, random);
                if (blockedUntil.isAfter(next)) {
                    next = blockedUntil;
                }
                spool.markDeferred(m.id(), r.recipient(), v.text(), next);
                return "deferred";
            }
        }
    }

    /** The session a message goes through, and the upstream it leads to. */
    private record Using(Route route, UpstreamSession session) {}

    /**
     * The lane's open session for this route, opening one when needed. When the route's
     * upstream cannot give one, the next upstreams in the configured order that are not backed
     * off and have pacing budget are tried at once. Null, and the message in hand deferred,
     * when none can be had.
     */
    private Using session(Lane lane, Route route, Instant now, int recipients) throws IOException {
        if (lane.session != null && (lane.sessionRoute != route || !lane.session.usable())) {
            lane.closeSession();
        }
        if (lane.session != null) {
            return new Using(route, lane.session);
        }
        Route failedRoute = null;
        SessionFailure failure = null;
        Classifier.Verdict verdict = null;
        Instant until = null;
        for (Route candidate : routes.subList(routes.indexOf(route), routes.size())) {
            if (candidate != route && (candidate.blocked(now) || candidate.pacer.tryAcquire(now, recipients).isPresent())) {
                continue;
            }
            Upstream.Opened opened = candidate.upstream.open();
            if (opened instanceof Upstream.Ready ready) {
                lane.session = ready.session();
                lane.sessionRoute = candidate;
                lane.lastUsed = options.clock().instant();
                return new Using(candidate, lane.session);
            }
            failedRoute = candidate;
            failure = ((Upstream.Refused) opened).failure();
            verdict = classifier.ofSession(candidate.upstream.vendor(), failure);
            Instant done = options.clock().instant();
            until = candidate.backOff(done);
            candidate.record(done, "deferred", verdict.text(), verdict.cause().id(), 0);
            RelayEvents.warn(verdict.throttle() ? "upstream-throttled" : "upstream-unavailable", "upstream",
                    candidate.upstream.name(), "host", failure.host(), "phase", failure.phase(), "reply", failure.text(),
                    "cause", verdict.cause().id(), "until", until);
        }
        deferAll(failedRoute, failure, verdict, options.clock().instant(), until);
        return null;
    }

    /** Defers (or, past the maximum age, fails) the due recipients of the message in hand after a failed session. */
    private void deferAll(Route route, SessionFailure f, Classifier.Verdict v, Instant now, Instant until) throws IOException {
        String id = lanes.get(Thread.currentThread()).holding;
        Optional<QueuedMessage> m = id == null ? Optional.empty() : spool.get(id);
        if (m.isEmpty()) {
            return;
        }
        List<String> deferred = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (RecipientState r : m.get().recipients()) {
            if (r.isDue(now)) {
                String event = apply(m.get(), r, v, now, until);
                (event.equals("failed") ? failed : deferred).add(r.recipient());
            }
        }
        for (List<String> group : List.of(deferred, failed)) {
            if (!group.isEmpty()) {
                String event = group == failed ? "failed" : "deferred";
                route.record(now, event, v.text(), v.cause().id(), group.size());
                RelayEvents.warn(event, "id", id, "device", m.get().envelope().device(), "sender", sender(m.get()), "rcpt", group,
                        "upstream", route.upstream.name(), "host", f.host(), "reply", v.text(), "cause", v.cause().id(),
                        "attempts", m.get().attempts() + 1);
                observe(event, m.get(), group, route, f.host(), v, now);
            }
        }
        Optional<QueuedMessage> after = spool.get(id);
        if (after.isPresent() && after.get().isFinished()) {
            finish(after.get(), route);
        }
    }

    private void observe(String event, QueuedMessage m, List<String> recipients, Route route, String host, Classifier.Verdict v,
                         Instant at) {
        RelayObserver.Outcome outcome = switch (event) {
            case "delivered" -> RelayObserver.Outcome.DELIVERED;
            case "failed" -> RelayObserver.Outcome.FAILED;
            default -> RelayObserver.Outcome.DEFERRED;
        };
        boolean delivered = outcome == RelayObserver.Outcome.DELIVERED;
        observer.delivery(new RelayObserver.Delivery(outcome, m.id(), m.envelope(), recipients, route.upstream.name(), host, v.text(),
                delivered ? Optional.empty() : Optional.of(v.cause().id()), delivered ? Optional.empty() : v.diagnosis(),
                m.attempts() + 1, at));
    }

    /** Every recipient final: the DSN owed for failed ones (never to the null sender), then removal. */
    private void finish(QueuedMessage m, Route route) throws IOException {
        List<RecipientState> failed = m.recipients().stream().filter(r -> r.status() == RecipientState.Status.FAILED).toList();
        if (!failed.isEmpty()) {
            String sender = m.envelope().sender();
            if (sender.isEmpty() || SELF.equals(m.envelope().device())) {
                RelayEvents.warn("dsn-skipped", "id", m.id(), "device", m.envelope().device(), "sender", sender(m),
                        "rcpt", failed.stream().map(RecipientState::recipient).toList(),
                        "reason", "the null sender gets no DSN (RFC 5321 section 4.5.5; never a DSN for a DSN)");
            } else {
                String to = options.adminAddress().orElse(sender);
                Instant now = options.clock().instant();
                byte[] headers;
                try (InputStream in = spool.content(m.id())) {
                    headers = Dsn.headerSection(in.readNBytes(64 * 1024));
                }
                String from = route.upstream.mailbox().orElse("MAILER-DAEMON@" + options.hostName());
                byte[] dsn = Dsn.build(m, failed, from, to, options.hostName(), Optional.empty(), headers, now);
                String dsnId = spool.accept(new Envelope(SELF, "127.0.0.1", options.hostName(), Optional.empty(), "",
                        List.of(to), now), new java.io.ByteArrayInputStream(dsn));
                RelayEvents.info("dsn-queued", "id", m.id(), "dsn", dsnId, "to", to,
                        "rcpt", failed.stream().map(RecipientState::recipient).toList());
            }
        }
        if (spool.remove(m.id())) {
            RelayEvents.info("removed", "id", m.id(), "device", m.envelope().device(), "sender", sender(m),
                    "delivered", m.recipients().stream().filter(r -> r.status() == RecipientState.Status.DELIVERED).count(),
                    "failed", failed.size());
        }
    }

    /**
     * The content as stored, after a Received line for the device's hop (RFC 5321 section 4.4):
     * read from the spool while it is sent, never held whole.
     */
    private MessageContent content(QueuedMessage m) throws IOException {
        byte[] received = options.addReceived() && !SELF.equals(m.envelope().device())
                ? received(m).getBytes(StandardCharsets.ISO_8859_1) : new byte[0];
        return new MessageContent(received, spool.stored(m.id()));
    }

    /**
     * {@code Received: from HELO (device [address]) by HOST (smtp-doctor) with ESMTPSA id ID; DATE}, the
     * "with" protocol as RFC 3848 names the device's session (TLS, AUTH), from its envelope.
     */
    String received(QueuedMessage m) {
        Envelope e = m.envelope();
        String helo = printable(e.heloName().isEmpty() ? "unknown" : e.heloName());
        return "Received: from " + helo + " (" + printable(e.device()) + " [" + printable(e.clientAddress()) + "])\r\n"
                + "\tby " + options.hostName() + " (smtp-doctor) with " + e.protocol() + " id " + m.id() + ";\r\n"
                + "\t" + RFC5322.format(e.receivedAt()) + "\r\n";
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c > ' ' && c < 0x7F && c != '(' && c != ')' && c != '[' && c != ']' ? c : '_');
        }
        return b.length() > 200 ? b.substring(0, 200) : b.toString();
    }

    private static String sender(QueuedMessage m) {
        return m.envelope().sender().isEmpty() ? "<>" : m.envelope().sender();
    }

    /** Stops: no new message is taken, deliveries in progress get the grace period, leases are released. */
    @Override
    public void close() {
        synchronized (this) {
            if (!begun) {
                running = false;
                statusWriter.shutdownNow();
                return; // never started: nothing to stop, and no status to leave
            }
        }
        if (!running && threads.stream().noneMatch(Thread::isAlive)) {
            return;
        }
        running = false;
        wake();
        long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
        for (Thread t : threads) {
            join(t, deadline);
        }
        for (Map.Entry<Thread, Lane> e : lanes.entrySet()) {
            // Still in a delivery after the grace: cut it; without the final reply the upstream keeps nothing.
            UpstreamSession s = e.getValue().session;
            if (s != null) {
                s.abort();
            }
            e.getKey().interrupt();
        }
        for (Thread t : threads) {
            join(t, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        for (Lane lane : lanes.values()) {
            String id = lane.holding;
            if (id != null) {
                spool.release(id);
            }
        }
        statusWriter.shutdownNow();
        try {
            statusWriter.awaitTermination(2, TimeUnit.SECONDS); // the last write must not race the final one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (statusDir.isPresent() && !options.statusInterval().isZero()) {
            writeStatus();
        }
    }

    private static void join(Thread t, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
