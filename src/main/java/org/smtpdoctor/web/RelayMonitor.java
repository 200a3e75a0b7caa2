package org.smtpdoctor.web;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.AdminConfig;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.deliver.DeliveryWorker;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.device.ServerCertificates;
import org.smtpdoctor.relay.observe.Activity;
import org.smtpdoctor.relay.observe.DeviceRegistry;
import org.smtpdoctor.relay.observe.StuckMail;
import org.smtpdoctor.relay.spool.Spool;

/**
 * Everything that watches a running relay, composed in one place: the device registry, the
 * activity counts, the Prometheus metrics, the stuck-mail alert, and the admin console that
 * shows them (when configured).
 * <pre>
 *   RelayMonitor monitor = RelayMonitor.create(config, clock, version);
 *   DeliveryWorker worker = DeliveryWorker.start(config, spool, monitor.observer());
 *   RelayServer relay = RelayServer.start(config, worker.sink(), monitor.observer());
 *   monitor.start(spool, worker);        // alert checks, registry saves, the console
 *   ...
 *   relay.close(); worker.close(); monitor.close(); spool.close();
 * </pre>
 * {@link #close} stops the console and the checks and saves the device registry, so it comes
 * after the worker (whose last outcomes the registry records) and before the spool.
 * Thread-safe.
 */
public final class RelayMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayMonitor.class);
    /** How often the device registry is written when it changed. */
    static final long SAVE_SECONDS = 30;

    private final RelayConfig config;
    private volatile Spool spool;
    private final Clock clock;
    private final Instant started;
    private final String version;
    private final DeviceRegistry devices;
    private final Activity activity;
    private final RelayMetrics metrics;
    private final RelayObserver observer;
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "device-registry");
        t.setDaemon(true);
        return t;
    });
    private volatile DeliveryWorker worker;
    private volatile StuckMail stuck;
    private volatile AdminConsole console;

    private RelayMonitor(RelayConfig config, Clock clock, String version) {
        this.config = config;
        this.version = version;
        this.clock = clock;
        this.started = clock.instant();
        DeviceRegistry.Loaded loaded = DeviceRegistry.open(config.spoolDir(), clock);
        loaded.problem().ifPresent(p -> RelayEvents.warn("devices.unreadable", "problem", p));
        this.devices = loaded.registry();
        this.activity = Activity.open(config.spoolDir(), clock);
        this.metrics = new RelayMetrics(() -> new RelayMetrics.Source() {
            @Override
            public RelayStatus status() {
                return currentStatus();
            }

            @Override
            public Optional<Long> spoolFreeBytes() {
                return ConsoleRelay.freeBytes(config.spoolDir());
            }

            @Override
            public int stuckMessages() {
                StuckMail s = stuck;
                return s == null ? 0 : s.stuck();
            }
        }, version, started);
        this.observer = RelayObserver.all(List.of(devices, activity, metrics));
    }

    /**
     * Reads the device registry from the spool directory (when there is one yet); nothing runs until
     * {@link #start}, so the observer can be handed to the listeners and workers before them.
     */
    public static RelayMonitor create(RelayConfig config, Clock clock, String version) {
        return new RelayMonitor(config, clock, version);
    }

    /** What the listeners and the delivery workers tell. */
    public RelayObserver observer() {
        return observer;
    }

    public DeviceRegistry devices() {
        return devices;
    }

    public Activity activity() {
        return activity;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    /**
     * Starts the stuck-mail checks, the registry's saves and, when configured, the console.
     *
     * @throws ConfigException when the console's certificate cannot be loaded
     * @throws IOException     when the console cannot bind its address
     */
    public void start(Spool relaySpool, DeliveryWorker deliveryWorker) throws ConfigException, IOException {
        this.spool = relaySpool;
        this.worker = deliveryWorker;
        String from = config.upstreams().stream().flatMap(u -> u.mailbox().stream()).findFirst()
                .orElse("smtp-doctor@" + config.hostName());
        this.stuck = new StuckMail(config.alerts(), spool, deliveryWorker.sink(), config.hostName(), from, this::consoleUrl, clock);
        if (config.admin().isPresent()) {
            AdminConfig admin = config.admin().get();
            Optional<SSLContext> tls = admin.https()
                    ? Optional.of(ServerCertificates.context(admin.certificate(), config.hostName(), "admin.certificate")) : Optional.empty();
            console = AdminConsole.start(admin, new ConsoleRelay(config, spool, this::currentStatus, deliveryWorker::wake, devices,
                    activity, stuck, metrics, version, started), tls, clock);
        }
        stuck.start();
        saver.scheduleWithFixedDelay(this::save, SAVE_SECONDS, SAVE_SECONDS, TimeUnit.SECONDS);
    }

    /** The console's address, when it runs. */
    public Optional<String> consoleUrl() {
        AdminConsole c = console;
        return c == null ? Optional.empty() : Optional.of(c.url());
    }

    /** The stuck-mail alert, once started. */
    public Optional<StuckMail> stuckMail() {
        return Optional.ofNullable(stuck);
    }

    private RelayStatus currentStatus() {
        DeliveryWorker w = worker;
        if (w != null) {
            return w.status();
        }
        Spool s = spool;
        return new RelayStatus(clock.instant(), config.hostName(), true, RelayStatus.Queue.of(s == null ? List.of() : s.list()), List.of());
    }

    private void save() {
        try {
            devices.save();
            activity.save();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot save the device registry or the activity counts in {}: {}", config.spoolDir(), e.toString());
        }
    }

    /** Stops the console and the checks, and saves the device registry. Idempotent. */
    @Override
    public void close() {
        AdminConsole c = console;
        if (c != null) {
            c.close();
            console = null;
        }
        StuckMail s = stuck;
        if (s != null) {
            s.close();
        }
        saver.shutdownNow();
        save();
    }
}
