package org.smtpdoctor.relay;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.relay.spool.Envelope;

/**
 * Told what the relay does, as typed events beside the {@link RelayEvents} log lines: the
 * device side (connections, TLS, greetings, AUTH, refusals, queued messages) and the delivery
 * side (each recipient group's outcome). The console's device registry, its activity counts
 * and the Prometheus metrics are observers; the relay itself knows none of them.
 * <p>
 * Contract: methods are called on the relay's own threads (a device session's, a delivery
 * worker's), so they return quickly, block on nothing, and never throw; every method does
 * nothing by default. Nothing secret is ever passed: user names yes, passwords, tokens and
 * AUTH payloads never. Implementations are thread-safe.
 */
public interface RelayObserver {

    /** The observer that does nothing. */
    RelayObserver NONE = new RelayObserver() {
    };

    /**
     * One device connection.
     *
     * @param listener the listener as logs name it ({@code 0.0.0.0:2525})
     * @param session  the session id in the log lines
     * @param client   the device's IP address
     */
    record Peer(String listener, String session, String client) {}

    /** A negotiated TLS session: {@code TLSv1.2}, {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}. */
    record Tls(String protocol, String cipher) {}

    /** What a delivery attempt did for a group of recipients. Closed set. */
    enum Outcome { DELIVERED, DEFERRED, FAILED }

    /**
     * One delivery attempt's result for the recipients that got the same answer.
     *
     * @param id         the queue id
     * @param envelope   the message's envelope (device, client address, account, sender)
     * @param recipients the recipients this outcome is for
     * @param upstream   the upstream's name (its URL without secrets)
     * @param host       the host that answered, empty when none could be reached
     * @param reply      the reply, or what broke, as one line
     * @param cause      the knowledge base's cause id; empty when delivered
     * @param diagnosis  the cause with its fix, when the knowledge base has one
     * @param attempt    which attempt this was for these recipients (1 for the first)
     * @param at         when the outcome was known
     */
    record Delivery(Outcome outcome, String id, Envelope envelope, List<String> recipients, String upstream, String host,
                    String reply, Optional<String> cause, Optional<Diagnosis> diagnosis, int attempt, Instant at) {

        public Delivery {
            recipients = List.copyOf(recipients);
        }
    }

    /** A device connected and was let in (the connection limits passed). */
    default void connectionOpened(Peer peer, Optional<String> device) {
    }

    /** A connection refused before the banner (too many connections, shutting down). */
    default void connectionRefused(String listener, String client, String reason) {
    }

    /** STARTTLS or an implicit-TLS handshake succeeded. */
    default void tlsStarted(String listener, String client, Tls tls) {
    }

    /** A handshake failed; {@code hint} says what to change, when the reason suggests something. */
    default void tlsFailed(String listener, String client, String reason, Optional<String> hint) {
    }

    /** HELO or EHLO, with the name the device gave (possibly empty). */
    default void greeted(Peer peer, String name) {
    }

    default void authSucceeded(Peer peer, String user, String device) {
    }

    default void authFailed(Peer peer, String user) {
    }

    /**
     * The relay said no to something the device asked: {@code what} is the log event
     * ({@code relay.denied}, {@code sender.denied}, {@code message.refused}, {@code auth.refused},
     * {@code message.incomplete}), {@code reason} its reason in words.
     */
    default void refused(Peer peer, Optional<String> device, String what, String reason) {
    }

    /** A message is in the spool and the device got its 250. */
    default void queued(Peer peer, String id, Envelope envelope, long size) {
    }

    /** The connection ended; {@code tls} is the TLS it ran under at the end, if any. */
    default void connectionClosed(Peer peer, Optional<Tls> tls) {
    }

    /** A delivery attempt's outcome for a group of recipients. */
    default void delivery(Delivery delivery) {
    }

    /**
     * Every observer in turn, each guarded: an exception in one is logged (once per observer
     * class) and does not reach the relay or the others.
     */
    static RelayObserver all(List<? extends RelayObserver> observers) {
        List<RelayObserver> list = List.copyOf(observers);
        if (list.isEmpty()) {
            return NONE;
        }
        return new Guarded(list);
    }

    /** {@link #all}'s implementation. */
    final class Guarded implements RelayObserver {

        private static final Logger log = LoggerFactory.getLogger(RelayObserver.class);
        private final List<RelayObserver> observers;
        private final Set<Class<?>> reported = ConcurrentHashMap.newKeySet();

        private Guarded(List<RelayObserver> observers) {
            this.observers = observers;
        }

        private void each(Consumer<RelayObserver> call) {
            for (RelayObserver o : observers) {
                try {
                    call.accept(o);
                } catch (RuntimeException e) {
                    if (reported.add(o.getClass())) {
                        log.warn("relay observer {} failed (the relay goes on; reported once): {}", o.getClass().getName(), e.toString(), e);
                    }
                }
            }
        }

        @Override
        public void connectionOpened(Peer peer, Optional<String> device) {
            each(o -> o.connectionOpened(peer, device));
        }

        @Override
        public void connectionRefused(String listener, String client, String reason) {
            each(o -> o.connectionRefused(listener, client, reason));
        }

        @Override
        public void tlsStarted(String listener, String client, Tls tls) {
            each(o -> o.tlsStarted(listener, client, tls));
        }

        @Override
        public void tlsFailed(String listener, String client, String reason, Optional<String> hint) {
            each(o -> o.tlsFailed(listener, client, reason, hint));
        }

        @Override
        public void greeted(Peer peer, String name) {
            each(o -> o.greeted(peer, name));
        }

        @Override
        public void authSucceeded(Peer peer, String user, String device) {
            each(o -> o.authSucceeded(peer, user, device));
        }

        @Override
        public void authFailed(Peer peer, String user) {
            each(o -> o.authFailed(peer, user));
        }

        @Override
        public void refused(Peer peer, Optional<String> device, String what, String reason) {
            each(o -> o.refused(peer, device, what, reason));
        }

        @Override
        public void queued(Peer peer, String id, Envelope envelope, long size) {
            each(o -> o.queued(peer, id, envelope, size));
        }

        @Override
        public void connectionClosed(Peer peer, Optional<Tls> tls) {
            each(o -> o.connectionClosed(peer, tls));
        }

        @Override
        public void delivery(Delivery delivery) {
            each(o -> o.delivery(delivery));
        }
    }
}
