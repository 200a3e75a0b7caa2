package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.spool.MessageSink;

/**
 * The relay's device side: every configured listener, accepting mail from allowed devices
 * into a {@link MessageSink}.
 * <pre>
 *   try (RelayServer relay = RelayServer.start(config, sink)) { ... relay.ports() ... }
 * </pre>
 * Lifecycle: {@link #start} loads certificates, binds every listener (or none: if one
 * fails, those already started are closed) and serves on daemon threads until
 * {@link #close}, which stops them as RFC 5321 §3.8 asks (421 first). Thread-safe.
 * <p>
 * If a listener is configured with TLS 1.0 or 1.1, the process's TLS settings are widened
 * first (see {@link ListenerTls#allowLegacyInProcess()}); that only works before the
 * process's first TLS connection, so start the relay early.
 */
public final class RelayServer implements AutoCloseable {

    private final List<DeviceListener> listeners;
    private final AuthThrottle authThrottle;
    private final PasswordChecks passwordChecks;

    private RelayServer(List<DeviceListener> listeners, AuthThrottle authThrottle, PasswordChecks passwordChecks) {
        this.listeners = List.copyOf(listeners);
        this.authThrottle = authThrottle;
        this.passwordChecks = passwordChecks;
    }

    /** The failed-AUTH registry shared by the listeners. */
    AuthThrottle authThrottle() {
        return authThrottle;
    }

    /** The bound on password checks shared by the listeners. */
    PasswordChecks passwordChecks() {
        return passwordChecks;
    }

    /**
     * @throws ConfigException when a certificate or key cannot be loaded
     * @throws IOException when a listener cannot bind its address and port
     */
    /**
     * Re-enables TLS 1.0/1.1 for this process's listeners now, for a caller that is about to make
     * another TLS context before the relay starts (the in-process lab of {@code relay --lab}):
     * the JDK reads its disabled protocols once, at the first TLS use.
     */
    public static void allowLegacyTls() {
        ListenerTls.allowLegacyInProcess();
    }

    public static RelayServer start(RelayConfig config, MessageSink sink) throws ConfigException, IOException {
        return start(config, sink, RelayObserver.NONE);
    }

    /** The same, telling {@code observer} what the devices do (the console, metrics). */
    public static RelayServer start(RelayConfig config, MessageSink sink, RelayObserver observer) throws ConfigException, IOException {
        return start(config, sink, observer, Clock.systemUTC(), PasswordChecks.WAIT);
    }

    /**
     * @param clock for the failed-AUTH registry (tests move it)
     * @param checkWait how long a password check may wait for its turn ({@link PasswordChecks#WAIT})
     */
    static RelayServer start(RelayConfig config, MessageSink sink, RelayObserver observer, Clock clock, Duration checkWait)
            throws ConfigException, IOException {
        SessionThreads.Kind sessionThreads;
        try {
            sessionThreads = SessionThreads.chosen();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return start(config, sink, observer, clock, checkWait, sessionThreads);
    }

    /** @param sessionThreads what runs the device sessions (by default {@link SessionThreads#chosen()}) */
    static RelayServer start(RelayConfig config, MessageSink sink, RelayObserver observer, Clock clock, Duration checkWait,
                             SessionThreads.Kind sessionThreads) throws ConfigException, IOException {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(observer, "observer");
        // No device may hand over what no upstream could send (Graph with large=refuse: one 4 MB request).
        config = config.limitedToUpstreams();
        if (config.listeners().stream().anyMatch(ListenerConfig::legacyTls)) {
            ListenerTls.allowLegacyInProcess();
        }
        List<ListenerTls> tls = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            tls.add(l.mode() == ListenerMode.PLAIN ? null : ListenerTls.of(l, config.hostName()));
        }
        DevicePolicy policy = new DevicePolicy(config.devices(), config.recipientDomains());
        AuthThrottle authThrottle = new AuthThrottle(config.auth(), clock);
        PasswordChecks passwordChecks = new PasswordChecks(config.auth().concurrentChecks(), checkWait);
        List<DeviceListener> started = new ArrayList<>();
        try {
            for (int i = 0; i < config.listeners().size(); i++) {
                ListenerConfig l = config.listeners().get(i);
                try {
                    started.add(DeviceListener.start(l, config.hostName(), policy, sink, tls.get(i), authThrottle, passwordChecks,
                            observer, sessionThreads));
                } catch (IOException e) {
                    throw new IOException("cannot listen on " + l.address() + ":" + l.port() + " (" + bindFailure(e, l.port()) + ")", e);
                }
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(DeviceListener::close);
            throw e;
        }
        return new RelayServer(started, authThrottle, passwordChecks);
    }

    /**
     * What {@link #start} would fail on, one line each, without starting anything: a
     * certificate, key or password that cannot be loaded, two listeners on one address and port,
     * and an address and port that cannot be bound (each is bound and released at once).
     */
    public static List<String> problems(RelayConfig config) {
        if (config.listeners().stream().anyMatch(ListenerConfig::legacyTls)) {
            ListenerTls.allowLegacyInProcess(); // as start() does, before any TLS context is made
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ListenerConfig l : config.listeners()) {
            String where = l.address() + ":" + l.port();
            if (l.port() != 0 && !seen.add(where)) {
                out.add("two listeners on " + where);
                continue;
            }
            // A self-signed certificate is made, not read: nothing can be missing (and making one costs a second).
            if (l.mode() != ListenerMode.PLAIN && !(l.certificate() instanceof CertificateSource.SelfSigned)) {
                try {
                    ListenerTls.of(l, config.hostName());
                } catch (ConfigException e) {
                    out.add("listener " + where + ": " + e.getMessage());
                }
            }
            if (l.port() != 0) {
                try (ServerSocket probe = new ServerSocket()) {
                    probe.setReuseAddress(true); // as the listener will: a port in TIME_WAIT is free
                    probe.bind(new InetSocketAddress(InetAddress.getByName(l.address()), l.port()), 1);
                } catch (IOException e) {
                    out.add("cannot listen on " + where + " (" + bindFailure(e, l.port()) + ")");
                }
            }
        }
        return out;
    }

    /** Why a bind failed, in words and with what to do. */
    static String bindFailure(IOException e, int port) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("in use")) {
            return "address in use: another program listens there";
        }
        if (m.contains("Permission denied") || m.contains("Access denied")) {
            return "permission denied" + (port < 1024 ? ": ports below 1024 need root or CAP_NET_BIND_SERVICE" : "");
        }
        if (m.contains("assign requested address")) {
            return "this machine has no such address";
        }
        return m;
    }

    /** The bound ports, in the order of the configured listeners (the real ones when 0 was configured). */
    public List<Integer> ports() {
        return listeners.stream().map(DeviceListener::port).toList();
    }

    /** The bound addresses, in the order of the configured listeners. */
    public List<InetSocketAddress> addresses() {
        return listeners.stream().map(l -> new InetSocketAddress(l.config().address(), l.port())).toList();
    }

    /**
     * Replaces the device rules and recipient domains of every listener with {@code config}'s
     * (a configuration reload): new connections and every later command use them. The caller
     * checks that nothing else changed; listeners, TLS and limits stay as they started.
     */
    public void reloadPolicy(RelayConfig config) {
        DevicePolicy policy = new DevicePolicy(config.devices(), config.recipientDomains());
        listeners.forEach(l -> l.policy(policy));
    }

    /**
     * Stops every listener: {@code 421 4.3.2} to new connections and to sessions waiting for
     * their device; sessions at work finish (a message whose final "." arrived is stored and
     * answered) and then get the 421; what is left after {@code grace} is cut. Idempotent.
     */
    public void close(Duration grace) {
        // All listeners at once, so the grace is not spent once per listener.
        listeners.parallelStream().forEach(l -> l.close(grace));
    }

    /** {@link #close(Duration)} with a 10 s grace. */
    @Override
    public void close() {
        close(DeviceListener.DEFAULT_GRACE);
    }
}
