package org.smtpdoctor.web;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.deliver.DeliveryWorker;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.spool.Envelope;

/**
 * The relay's Prometheus metrics, kept by the Prometheus Java client (its registry, its text
 * exposition): counters and the delivery latency histogram are fed as a {@link RelayObserver};
 * the queue, the spool's free space, stuck mail and upstream back-off are read when scraped.
 * Names follow Prometheus's conventions ({@code smtpdoctor_relay_} prefix, {@code _total}
 * counters, base units: seconds and bytes). Labels have bounded values only (listener,
 * device rule and upstream names from the configuration, cause ids, TLS versions): never a
 * client address, a user name, a message id, and never a secret (upstream names are URLs
 * without secrets). Catalogue and sample alerts: docs/metrics.md, docs/relay-alerts.yml.
 * Thread-safe.
 */
public final class RelayMetrics implements RelayObserver {

    /** What the scrape reads from the running relay. */
    public interface Source {
        RelayStatus status();

        /** Free bytes on the spool's disk for an unprivileged writer, empty when unknown. */
        Optional<Long> spoolFreeBytes();

        int stuckMessages();
    }

    /** End-to-end delivery latency bounds: 1 s to a day (relay mail waits minutes when the upstream throttles). */
    static final double[] LATENCY_BOUNDS = {1, 5, 15, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter accepted;
    private final Counter delivered;
    private final Counter deferred;
    private final Counter failed;
    private final Counter recipients;
    private final Histogram latency;
    private final Counter connections;
    private final Gauge open;
    private final Counter tlsFailures;
    private final Counter authFailures;
    private final Counter refusals;

    public RelayMetrics(Supplier<Source> source, String version, Instant started) {
        // Without exemplars: the relay has no traces to link, and sampling them was work on every message.
        accepted = Counter.builder().name("smtpdoctor_relay_messages_accepted_total")
                .help("Messages accepted from devices (on disk, 250 sent), by listener and device rule.")
                .labelNames("listener", "device").withoutExemplars().register(registry);
        delivered = Counter.builder().name("smtpdoctor_relay_messages_delivered_total")
                .help("Delivery attempts whose recipients the upstream took, by upstream (one per message and answer).")
                .labelNames("upstream").withoutExemplars().register(registry);
        deferred = Counter.builder().name("smtpdoctor_relay_messages_deferred_total")
                .help("Delivery attempts that failed temporarily and will be retried, by upstream and cause id.")
                .labelNames("upstream", "cause").withoutExemplars().register(registry);
        failed = Counter.builder().name("smtpdoctor_relay_messages_failed_total")
                .help("Delivery attempts that failed for good (bounced), by upstream and cause id.")
                .labelNames("upstream", "cause").withoutExemplars().register(registry);
        recipients = Counter.builder().name("smtpdoctor_relay_recipients_total")
                .help("Recipients by delivery outcome (delivered, deferred, failed) and upstream.")
                .labelNames("upstream", "outcome").withoutExemplars().register(registry);
        latency = Histogram.builder().name("smtpdoctor_relay_delivery_latency_seconds")
                .help("From the device's final '.' to the upstream's 250, by upstream.")
                .labelNames("upstream").classicOnly().classicUpperBounds(LATENCY_BOUNDS).withoutExemplars().register(registry);
        connections = Counter.builder().name("smtpdoctor_relay_device_connections_total")
                .help("Device connections ended, by listener and the TLS version they ended under ('none' without TLS).")
                .labelNames("listener", "tls_version").withoutExemplars().register(registry);
        open = Gauge.builder().name("smtpdoctor_relay_device_connections_open")
                .help("Device connections open now, by listener.").labelNames("listener").withoutExemplars().register(registry);
        tlsFailures = Counter.builder().name("smtpdoctor_relay_device_tls_failures_total")
                .help("Failed TLS handshakes with devices, by listener.").labelNames("listener").withoutExemplars().register(registry);
        authFailures = Counter.builder().name("smtpdoctor_relay_auth_failures_total")
                .help("Failed AUTH attempts by devices, by listener.").labelNames("listener").withoutExemplars().register(registry);
        refusals = Counter.builder().name("smtpdoctor_relay_device_refusals_total")
                .help("Requests from devices the relay refused, by listener and kind (relay.denied, sender.denied, "
                        + "message.refused, auth.refused, message.incomplete, connection.refused).")
                .labelNames("listener", "kind").withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_relay_queue_messages").help("Messages in the spool now.")
                .callback(cb -> cb.call(source.get().status().queue().messages())).register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_relay_queue_recipients")
                .help("Recipients in the spool now, by state (pending, deferred; delivered and failed await removal).")
                .labelNames("state").callback(cb -> {
                    RelayStatus.Queue q = source.get().status().queue();
                    cb.call(q.pending(), "pending");
                    cb.call(q.deferred(), "deferred");
                    cb.call(q.delivered(), "delivered");
                    cb.call(q.failed(), "failed");
                }).register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_relay_queue_oldest_message_age_seconds")
                .help("Age of the oldest message in the spool (0 when it is empty).")
                .callback(cb -> {
                    RelayStatus s = source.get().status();
                    cb.call(s.queue().oldestAge(s.at()).map(Duration::toMillis).orElse(0L) / 1000.0);
                }).register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_relay_stuck_messages")
                .help("Messages in the spool longer than alerts.stuck-after (default 1 h), at the last check (every minute).")
                .callback(cb -> cb.call(source.get().stuckMessages())).register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_relay_spool_free_bytes")
                .help("Free space on the spool's disk; the relay answers 452 below 64 MiB.")
                .callback(cb -> source.get().spoolFreeBytes().ifPresent(b -> cb.call(b))).register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_relay_upstream_backed_off")
                .help("1 while the relay leaves an upstream alone after throttling or failures, else 0.")
                .labelNames("upstream").callback(cb -> {
                    RelayStatus s = source.get().status();
                    for (RelayStatus.UpstreamStatus u : s.upstreams()) {
                        cb.call(u.backedOffUntil().filter(t -> t.isAfter(s.at())).isPresent() ? 1 : 0, u.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_relay_start_time_seconds")
                .help("When the relay started, in seconds since 1970.")
                .callback(cb -> cb.call(started.toEpochMilli() / 1000.0)).register(registry);
        GaugeWithCallback.builder().name("smtpdoctor_build_info").help("The smtp-doctor version (the value is always 1).")
                .labelNames("version").callback(cb -> cb.call(1, version)).register(registry);
    }

    /** The text exposition format (version 0.0.4), as scraped. */
    public byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        writer.write(out, registry.scrape());
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }

    // ---- RelayObserver

    @Override
    public void connectionOpened(Peer peer, Optional<String> device) {
        open.labelValues(peer.listener()).inc();
    }

    @Override
    public void connectionRefused(String listener, String client, String reason) {
        refusals.labelValues(listener, "connection.refused").inc();
    }

    @Override
    public void connectionClosed(Peer peer, Optional<Tls> tls) {
        open.labelValues(peer.listener()).dec();
        connections.labelValues(peer.listener(), tls.map(Tls::protocol).orElse("none")).inc();
    }

    @Override
    public void tlsFailed(String listener, String client, String reason, Optional<String> hint) {
        tlsFailures.labelValues(listener).inc();
    }

    @Override
    public void authFailed(Peer peer, String user) {
        authFailures.labelValues(peer.listener()).inc();
    }

    @Override
    public void refused(Peer peer, Optional<String> device, String what, String reason) {
        refusals.labelValues(peer.listener(), what).inc();
    }

    @Override
    public void queued(Peer peer, String id, Envelope envelope, long size) {
        accepted.labelValues(peer.listener(), envelope.device()).inc();
    }

    @Override
    public void delivery(Delivery d) {
        String cause = d.cause().orElse("");
        switch (d.outcome()) {
            case DELIVERED -> {
                delivered.labelValues(d.upstream()).inc();
                if (!DeliveryWorker.SELF.equals(d.envelope().device())) {
                    latency.labelValues(d.upstream())
                            .observe(Math.max(0, Duration.between(d.envelope().receivedAt(), d.at()).toMillis()) / 1000.0);
                }
            }
            case DEFERRED -> deferred.labelValues(d.upstream(), cause).inc();
            case FAILED -> failed.labelValues(d.upstream(), cause).inc();
        }
        recipients.labelValues(d.upstream(), d.outcome().name().toLowerCase(Locale.ROOT)).inc(d.recipients().size());
    }
}
