package org.smtpdoctor.relay.observe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.config.AlertsConfig;
import org.smtpdoctor.relay.deliver.DeliveryWorker;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.MessageSink;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;

/**
 * The stuck-mail alert: a message still in the spool {@link AlertsConfig#stuckAfter()} after
 * it arrived is stuck. Every minute (or half the threshold, if shorter) this looks at the
 * spool; while messages are stuck it logs {@code queue.stuck} (WARN) once per
 * {@link AlertsConfig#interval()}, and {@code queue.unstuck} (INFO) when none are left;
 * {@link #stuck()} feeds the {@code smtpdoctor_relay_stuck_messages} metric. With
 * {@link AlertsConfig#mailTo()} it also queues one summary mail per interval, from the
 * upstream's mailbox (Exchange checks Send As on it), through the spool like any message:
 * when the upstream itself is why mail is stuck, that mail waits too, which is why the event
 * and the metric exist. No new summary while the previous one is still queued. The relay's
 * own messages (DSNs, these summaries) are not counted as stuck mail.
 * <p>
 * Lifecycle: {@link #start} schedules the checks on a daemon thread, {@link #close} stops them.
 * {@link #check} may also be called directly (tests). Thread-safe.
 */
public final class StuckMail implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StuckMail.class);
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** How many stuck messages a summary mail and the log line name. */
    static final int LISTED = 20;

    /** What one check found. */
    public record Stuck(int count, Optional<QueuedMessage> oldest, List<QueuedMessage> listed) {}

    private final AlertsConfig alerts;
    private final Spool spool;
    private final MessageSink sink;
    private final String hostName;
    private final String from;
    private final Supplier<Optional<String>> consoleUrl;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stuck-mail");
        t.setDaemon(true);
        return t;
    });
    private volatile int stuck;
    private Instant lastEvent = Instant.MIN;
    private Instant lastMail = Instant.MIN;
    private String lastMailId;
    private boolean wasStuck;

    /**
     * @param sink       where the summary goes (the delivery worker's sink, so a worker wakes for it)
     * @param from       the summary's sender: the upstream's mailbox, else {@code smtp-doctor@HOST}
     * @param consoleUrl the console's address, named in the summary, when there is one
     */
    public StuckMail(AlertsConfig alerts, Spool spool, MessageSink sink, String hostName, String from, Supplier<Optional<String>> consoleUrl,
                     Clock clock) {
        this.alerts = alerts;
        this.spool = spool;
        this.sink = sink;
        this.hostName = hostName;
        this.from = from;
        this.consoleUrl = consoleUrl;
        this.clock = clock;
    }

    public AlertsConfig alerts() {
        return alerts;
    }

    /** Checks now and then every minute (or half the threshold). */
    public StuckMail start() {
        long every = Math.max(1000, Math.min(60_000, alerts.stuckAfter().toMillis() / 2));
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                log.warn("stuck-mail check failed: {}", e.toString(), e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** How many messages the last check found stuck. */
    public int stuck() {
        return stuck;
    }

    /** Whether a message counts as stuck at {@code now}. */
    public boolean isStuck(QueuedMessage m, Instant now) {
        return !DeliveryWorker.SELF.equals(m.envelope().device()) && !m.isFinished()
                && !m.envelope().receivedAt().plus(alerts.stuckAfter()).isAfter(now);
    }

    /** Looks at the spool, logs, and queues a summary mail when one is due. */
    public synchronized Stuck check() {
        Instant now = clock.instant();
        List<QueuedMessage> found = new ArrayList<>();
        for (QueuedMessage m : spool.list()) { // oldest first
            if (isStuck(m, now)) {
                found.add(m);
            }
        }
        stuck = found.size();
        Stuck result = new Stuck(found.size(), found.stream().findFirst(), List.copyOf(found.subList(0, Math.min(LISTED, found.size()))));
        if (found.isEmpty()) {
            if (wasStuck) {
                RelayEvents.info("queue.unstuck", "threshold", alerts.stuckAfter());
            }
            wasStuck = false;
            lastEvent = Instant.MIN;
            return result;
        }
        wasStuck = true;
        QueuedMessage oldest = found.get(0);
        if (!lastEvent.plus(alerts.interval()).isAfter(now)) {
            lastEvent = now;
            RelayEvents.warn("queue.stuck", "messages", found.size(), "threshold", alerts.stuckAfter(), "oldest", oldest.id(),
                    "age", age(Duration.between(oldest.envelope().receivedAt(), now)), "ids",
                    result.listed().stream().map(QueuedMessage::id).toList(), "mail_to", alerts.mailTo().orElse(null));
        }
        if (alerts.mailTo().isPresent() && !lastMail.plus(alerts.interval()).isAfter(now)
                && (lastMailId == null || spool.get(lastMailId).isEmpty())) {
            try {
                lastMailId = sink.accept(new Envelope(DeliveryWorker.SELF, "127.0.0.1", hostName, Optional.empty(), from,
                        List.of(alerts.mailTo().get()), now), new ByteArrayInputStream(summary(result, now)));
                lastMail = now;
                RelayEvents.info("alert-queued", "id", lastMailId, "to", alerts.mailTo().get(), "messages", found.size());
            } catch (IOException e) {
                RelayEvents.warn("alert-failed", "to", alerts.mailTo().get(), "reason", e.getMessage());
            }
        }
        return result;
    }

    /** The summary mail: plain text, UTF-8, one paragraph per stuck message. */
    byte[] summary(Stuck s, Instant now) {
        String to = alerts.mailTo().orElseThrow();
        StringBuilder m = new StringBuilder();
        m.append("From: smtp-doctor relay <").append(from).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        m.append("Subject: [smtp-doctor] ").append(s.count()).append(s.count() == 1 ? " message" : " messages")
                .append(" stuck in the relay on ").append(hostName).append("\r\n");
        m.append("Date: ").append(RFC5322.format(now)).append("\r\n");
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostName).append(">\r\n");
        m.append("Auto-Submitted: auto-generated\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: text/plain; charset=utf-8\r\n");
        m.append("Content-Transfer-Encoding: 8bit\r\n\r\n");
        QueuedMessage oldest = s.oldest().orElseThrow();
        m.append(s.count()).append(s.count() == 1 ? " message has" : " messages have").append(" waited in the relay's queue for more than ")
                .append(age(alerts.stuckAfter())).append(" (the oldest for ").append(age(Duration.between(oldest.envelope().receivedAt(), now)))
                .append(").\r\n\r\n");
        for (QueuedMessage q : s.listed()) {
            Envelope e = q.envelope();
            m.append(q.id()).append("  received ").append(e.receivedAt()).append(" (").append(age(Duration.between(e.receivedAt(), now)))
                    .append(" ago) from ").append(e.device()).append(" [").append(e.clientAddress()).append("]\r\n");
            m.append("  from <").append(e.sender()).append(">\r\n");
            for (RecipientState r : q.recipients()) {
                m.append("  to <").append(r.recipient()).append(">: ").append(r.status().name().toLowerCase(Locale.ROOT))
                        .append(", ").append(r.attempts()).append(r.attempts() == 1 ? " attempt" : " attempts");
                r.nextAttempt().ifPresent(n -> m.append(", next ").append(n));
                m.append("\r\n");
                r.lastReply().ifPresent(reply -> m.append("    last reply: ").append(oneLine(reply)).append("\r\n"));
            }
            consoleUrl.get().ifPresent(u -> m.append("  ").append(u).append("/queue/").append(q.id()).append("\r\n"));
            m.append("\r\n");
        }
        if (s.count() > s.listed().size()) {
            m.append("... and ").append(s.count() - s.listed().size()).append(" more.\r\n\r\n");
        }
        m.append("Why, and the fix: ").append(consoleUrl.get().map(u -> u + "/ (the upstreams' last replies and their causes)")
                .orElse("smtp-doctor relay status --spool DIR; smtp-doctor queue list --spool DIR")).append("\r\n");
        m.append("This summary is sent at most once per ").append(age(alerts.interval())).append(" while mail is stuck.\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\r\\n]+", " ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    static String age(Duration d) {
        return RelayStatus.age(d);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
