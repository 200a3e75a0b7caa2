package org.smtpdoctor.relay.service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.deliver.DeliveryOptions;
import org.smtpdoctor.relay.deliver.DeliveryWorker;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.deliver.Upstream;
import org.smtpdoctor.relay.deliver.UpstreamSettings;
import org.smtpdoctor.relay.deliver.Upstreams;
import org.smtpdoctor.relay.device.RelayServer;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.relay.spool.SpoolAudit;

/**
 * The relay as one running service: the composition of spool, delivery and listeners, and
 * what an operator does to it (start, reload, stop). The command line wires signals to it.
 * <ul>
 *   <li>{@link #start}: {@link StartCheck} first (nothing is created when it fails), then the
 *       spool (recovered; its audit notes logged), the upstreams, the listeners, and delivery
 *       last. A failure after the spool was made removes what this start created; delivery,
 *       never begun, leaves no status file.</li>
 *   <li>{@link #reload}: the device rules and recipient domains of a re-read configuration;
 *       anything else that changed needs a restart, and then nothing is applied.</li>
 *   <li>{@link #stop}: listeners first ({@code 421 4.3.2} to every session, a message whose
 *       final "." arrived stored and answered first), then delivery (deliveries in progress
 *       get their grace), then the spool's lock. Idempotent.</li>
 * </ul>
 * Log lines ({@link RelayEvents}): {@code spool.recovered}, {@code relay.started},
 * {@code config.reloaded} / {@code config.reload-refused}, {@code relay.stopping},
 * {@code relay.stopped}. Thread-safe.
 */
public final class RelayService {

    /** How long the listeners let sessions at work (a message being stored) finish when stopping. */
    static final Duration DEVICE_GRACE = Duration.ofSeconds(10);

    private final Spool spool;
    private final DeliveryWorker worker;
    private final RelayServer server;
    private volatile RelayConfig config;
    private boolean stopped; // guarded by this

    private RelayService(RelayConfig config, Spool spool, DeliveryWorker worker, RelayServer server) {
        this.config = config;
        this.spool = spool;
        this.worker = worker;
        this.server = server;
    }

    /**
     * Starts the relay.
     *
     * @param env the environment to read the upstreams' secrets from
     * @throws StartException with one line per problem; nothing of this start is left behind
     */
    public static RelayService start(RelayConfig config, Map<String, String> env) throws StartException {
        return start(config, env, UnaryOperator.identity());
    }

    /**
     * {@link #start(RelayConfig, Map)} with delivery options changed from the configuration's
     * (the lab's quick retries, {@code relay --lab}).
     */
    public static RelayService start(RelayConfig config, Map<String, String> env, UnaryOperator<DeliveryOptions> tune)
            throws StartException {
        return start(config, env, tune, RelayObserver.NONE);
    }

    /**
     * {@link #start(RelayConfig, Map, UnaryOperator)}, telling {@code observer} what the devices and
     * the delivery workers do (the console's device registry, activity and metrics).
     */
    public static RelayService start(RelayConfig config, Map<String, String> env, UnaryOperator<DeliveryOptions> tune,
                                     RelayObserver observer) throws StartException {
        StartCheck.Result check = StartCheck.run(config, env, StartCheck.Purpose.START);
        if (!check.ok()) {
            throw new StartException(check.problems());
        }
        Path dir = config.spoolDir();
        Optional<Path> created = Spool.firstMissing(dir);
        Spool spool = null;
        DeliveryWorker worker = null;
        RelayServer server = null;
        try {
            spool = Spool.open(dir, Spool.Options.defaults().withReserve(config.spoolReserve()));
            Spool.Recovery r = spool.recovery();
            RelayEvents.info("spool.recovered", "spool", dir, "messages", r.messages(), "temp_files_deleted", r.tempFilesDeleted(),
                    "orphans_deleted", r.orphansDeleted(), "set_aside", r.quarantined().size(), "requeued", r.requeued().size());
            // Queue changes made while no relay ran: their audit lines belong in this log.
            SpoolAudit.replay(dir);
            List<Upstream> upstreams = Upstreams.create(config.upstreams(), UpstreamSettings.defaults(config.hostName()).withEnv(env));
            worker = DeliveryWorker.prepare(config, spool, upstreams, tune.apply(DeliveryOptions.from(config)), observer);
            server = RelayServer.start(config, worker.sink(), observer);
            worker.begin();
        } catch (IOException | ConfigException | RuntimeException e) {
            if (server != null) {
                server.close(Duration.ZERO);
            }
            if (worker != null) {
                worker.close();
            }
            if (spool != null) {
                try {
                    spool.close();
                } catch (IOException ignored) {
                    // closing only releases the lock
                }
            }
            created.ifPresent(top -> Spool.removeCreated(top, dir));
            throw new StartException(List.of(e instanceof IOException && spool == null
                    ? "cannot open the spool " + dir + " (" + e.getMessage() + ")" : String.valueOf(e.getMessage())));
        }
        RelayEvents.info("relay.started", "listeners", server.addresses().stream().map(RelayService::address).toList(), "spool", dir,
                "messages", spool.recovery().messages(), "upstreams", config.upstreams().size());
        return new RelayService(config, spool, worker, server);
    }

    private static String address(java.net.InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    public RelayConfig config() {
        return config;
    }

    /** The bound ports, in the order of the configured listeners. */
    public List<Integer> ports() {
        return server.ports();
    }

    /** The spool's volume now (below its reserve: the relay refuses new mail). */
    public Spool.Space space() {
        return spool.space();
    }

    /** The spool this relay owns (the console reads and changes it in-process). */
    public Spool spool() {
        return spool;
    }

    /** The delivery workers (the console's retries wake them; the stuck-mail alert queues through their sink). */
    public DeliveryWorker worker() {
        return worker;
    }

    /** What {@code relay status} would show, now. */
    public RelayStatus status() {
        return worker.status();
    }

    /** Makes every deferred recipient due now and wakes delivery (the lab switched to a healthy scenario); returns how many messages. */
    public int retryAll() throws IOException {
        int n = spool.retryAll();
        worker.wake();
        return n;
    }

    /**
     * Applies a re-read configuration when only its devices and recipient domains differ (they
     * take effect at once: new connections and every later command); when anything else changed
     * nothing is applied, since that needs a restart. Logged either way.
     *
     * @return what was done, in one line
     */
    public synchronized String reload(RelayConfig next) {
        List<String> restart = config.needsRestartFor(next);
        if (!restart.isEmpty()) {
            String why = String.join(", ", restart) + " changed, which needs a restart; the running configuration stays";
            RelayEvents.warn("config.reload-refused", "changed", restart, "reason", why);
            return "not reloaded: " + why;
        }
        server.reloadPolicy(next);
        config = next;
        List<String> wide = new ArrayList<>();
        next.guard().acceptedWide(next.devices()).forEach(n -> wide.add(n.toString()));
        if (!wide.isEmpty()) {
            RelayEvents.warn("config.open-relay", "networks", wide);
        }
        RelayEvents.info("config.reloaded", "devices", next.devices().size(), "recipient_domains",
                next.recipientDomains().isEmpty() ? "any" : next.recipientDomains());
        return "reloaded: " + next.devices().size() + (next.devices().size() == 1 ? " device" : " devices");
    }

    /**
     * Stops the relay (see the class comment) and logs why. Idempotent: later calls return at once.
     *
     * @param reason what stopped it, for the log ({@code SIGTERM}, {@code SIGINT}, ...)
     */
    public void stop(String reason) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        RelayEvents.info("relay.stopping", "reason", reason);
        server.close(DEVICE_GRACE);
        worker.close();
        try {
            spool.close();
        } catch (IOException ignored) {
            // Everything accepted is already on disk; closing only releases the lock.
        }
        RelayEvents.info("relay.stopped", "reason", reason);
    }
}
