package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.smtpdoctor.relay.RelayObserver;
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
 * {@link #close}, which stops listening and drops every connection. Thread-safe.
 * <p>
 * If a listener is configured with TLS 1.0 or 1.1, the process's TLS settings are widened
 * first (see {@link ListenerTls#allowLegacyInProcess()}); that only works before the
 * process's first TLS connection, so start the relay early.
 */
public final class RelayServer implements AutoCloseable {

    private final List<DeviceListener> listeners;

    private RelayServer(List<DeviceListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * @throws ConfigException when a certificate or key cannot be loaded
     * @throws IOException when a listener cannot bind its address and port
     */
    public static RelayServer start(RelayConfig config, MessageSink sink) throws ConfigException, IOException {
        return start(config, sink, RelayObserver.NONE);
    }

    /** The same, telling {@code observer} what the devices do (the console, metrics). */
    public static RelayServer start(RelayConfig config, MessageSink sink, RelayObserver observer) throws ConfigException, IOException {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(observer, "observer");
        if (config.listeners().stream().anyMatch(ListenerConfig::legacyTls)) {
            ListenerTls.allowLegacyInProcess();
        }
        List<ListenerTls> tls = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            tls.add(l.mode() == ListenerMode.PLAIN ? null : ListenerTls.of(l, config.hostName()));
        }
        DevicePolicy policy = new DevicePolicy(config.devices(), config.recipientDomains());
        List<DeviceListener> started = new ArrayList<>();
        try {
            for (int i = 0; i < config.listeners().size(); i++) {
                ListenerConfig l = config.listeners().get(i);
                try {
                    started.add(DeviceListener.start(l, config.hostName(), policy, sink, tls.get(i), observer));
                } catch (IOException e) {
                    throw new IOException("cannot listen on " + l.address() + ":" + l.port() + " (" + e.getMessage() + ")", e);
                }
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(DeviceListener::close);
            throw e;
        }
        return new RelayServer(started);
    }

    /** The bound ports, in the order of the configured listeners (the real ones when 0 was configured). */
    public List<Integer> ports() {
        return listeners.stream().map(DeviceListener::port).toList();
    }

    /** The bound addresses, in the order of the configured listeners. */
    public List<InetSocketAddress> addresses() {
        return listeners.stream().map(l -> new InetSocketAddress(l.config().address(), l.port())).toList();
    }

    /** Stops every listener and drops every connection; idempotent. */
    @Override
    public void close() {
        listeners.forEach(DeviceListener::close);
    }
}
