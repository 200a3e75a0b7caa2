package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.smtpdoctor.relay.config.DeviceRule;

/**
 * The relay's view of one device connection: TLS, the greeting, who the device is, and
 * the current mail transaction.
 * <p>
 * Unlike RFC 5321, a greeting is not required before MAIL (devices skip HELO), and HELO
 * or EHLO may come at any time. State changes:
 * <pre>
 *   HELO/EHLO, RSET, end of DATA   -> transaction dropped
 *   STARTTLS ok                    -> tls; greeting, identity and transaction dropped (RFC 3207 §4.2)
 *   (implicit-TLS listener)        -> tls from the start
 *   AUTH ok                        -> device = the account's rule
 * </pre>
 * The device found by source address is kept apart from the one found by credentials: an
 * authenticated device wins, and losing TLS state never loses the address match.
 * <p>
 * Shutdown: the session's thread marks where it is ({@link Phase}); the shutdown answers
 * {@code 421 4.3.2} at once to a session that waits for the device (for a command, or for
 * DATA content) and closes it, and leaves one that is working (a command, or storing a message
 * whose final "." arrived) to say it itself once its own reply is out. So a message whose "."
 * arrived is still stored and answered, and no reply is cut in half.
 * <p>
 * Created when SubEthaSMTP accepts the connection, dropped when it ends. Confined to the
 * session's thread, except {@link #abort()} and the shutdown handshake ({@link #shutdown()},
 * {@link #toldShutdown()}), which are guarded by the session's lock.
 */
final class DeviceSession {

    /** Where the session's thread is, for the shutdown. */
    enum Phase {
        /** Waiting for the device's next line (a command, or an AUTH continuation). */
        WAITING,
        /** Working on a command. */
        COMMAND,
        /** Reading DATA content. */
        DATA,
        /** The final "." arrived; storing the message and answering. */
        COMMITTING
    }

    private final String id;
    private final InetAddress client;
    private final Optional<DeviceRule> byAddress;
    private volatile Socket transport;
    private final SSLSocket implicitTls;

    private boolean tls;
    private String tlsProtocol;
    private String helo = "";
    private boolean esmtp;
    private DeviceRule authenticated;
    private String authUser;
    private int authFailures;
    private int errors;
    private MailTransaction transaction;

    private final Object lock = new Object();
    private Phase phase = Phase.WAITING; // guarded by lock
    private boolean shuttingDown; // guarded by lock
    private boolean told; // guarded by lock: the shutdown's 421 was sent (by either thread)

    /** @param implicitTls the TLS socket of an implicit-TLS listener's connection, else null */
    DeviceSession(String id, InetAddress client, Optional<DeviceRule> byAddress, Socket transport, SSLSocket implicitTls) {
        this.id = id;
        this.client = client;
        this.byAddress = byAddress;
        this.transport = transport;
        this.implicitTls = implicitTls;
        this.tls = implicitTls != null;
    }

    String id() {
        return id;
    }

    InetAddress client() {
        return client;
    }

    String clientIp() {
        return client.getHostAddress();
    }

    /** The device sending, by credentials first, then by address; empty if not a device. */
    Optional<DeviceRule> device() {
        return authenticated != null ? Optional.of(authenticated) : byAddress;
    }

    Optional<String> authUser() {
        return Optional.ofNullable(authUser);
    }

    boolean isAuthenticated() {
        return authenticated != null;
    }

    boolean isTls() {
        return tls;
    }

    /** The TLS version in use ("TLSv1.2"), null for plain text. */
    String tlsProtocol() {
        if (tlsProtocol == null && implicitTls != null) {
            tlsProtocol = implicitTls.getSession().getProtocol(); // the handshake ran with the banner
        }
        return tlsProtocol;
    }

    String helo() {
        return helo;
    }

    /** Whether the last greeting was EHLO (ESMTP), as the Received line reports it (RFC 3848). */
    boolean esmtp() {
        return esmtp;
    }

    Optional<MailTransaction> transaction() {
        return Optional.ofNullable(transaction);
    }

    void greet(String name, boolean extended) {
        helo = name;
        esmtp = extended;
        transaction = null;
    }

    void tlsStarted(String protocol, Socket raw) {
        tls = true;
        tlsProtocol = protocol;
        transport = raw;
        helo = "";
        esmtp = false;
        authenticated = null;
        authUser = null;
        transaction = null;
    }

    void authenticated(DeviceRule device, String user) {
        authenticated = device;
        authUser = user;
    }

    /** Counts a failed AUTH; returns how many there were in this connection. */
    int authFailed() {
        return ++authFailures;
    }

    /** Counts a permanent refusal; returns how many this connection got. */
    int error() {
        return ++errors;
    }

    /**
     * Session thread, inside a command: waits {@code delay} before answering (a failed AUTH slowed
     * down), as if waiting for the device, so that a shutdown answers 421 at once instead of waiting
     * for the pause. True when the shutdown did (as {@link #awaiting}): do not answer. No pause once
     * the relay is stopping.
     */
    boolean pause(java.time.Duration delay) {
        long until = System.nanoTime() + delay.toNanos();
        synchronized (lock) {
            if (shuttingDown) {
                return false; // no pause: the answer goes now, and the 421 after it (endCommand)
            }
            phase = Phase.WAITING;
            try {
                for (long left = until - System.nanoTime(); left > 0 && !told; left = until - System.nanoTime()) {
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (told) {
                return true;
            }
            phase = Phase.COMMAND;
            return false;
        }
    }

    void begin(String sender) {
        transaction = MailTransaction.from(sender);
    }

    void replace(MailTransaction next) {
        transaction = next;
    }

    void endTransaction() {
        transaction = null;
    }

    /** Session thread: a command line arrived. False when the shutdown has answered 421 already: do not run it. */
    boolean beginCommand() {
        return enter(Phase.COMMAND);
    }

    /** Moves to {@code next} unless the shutdown has answered 421 already. */
    private boolean enter(Phase next) {
        synchronized (lock) {
            if (told) {
                return false;
            }
            phase = next;
            return true;
        }
    }

    /**
     * Session thread: the command's reply is out. True when the relay is shutting down and this
     * session must now answer 421 and close (the shutdown left that to it).
     */
    boolean endCommand() {
        synchronized (lock) {
            phase = Phase.WAITING;
            if (shuttingDown && !told) {
                told = true;
                return true;
            }
            return false;
        }
    }

    /**
     * Session thread, inside a command: now waiting for the device ({@link Phase#WAITING} or
     * {@link Phase#DATA}). True when the relay began stopping while the command worked (its
     * shutdown left the 421 to this thread): the caller answers 421 now instead of waiting.
     */
    boolean awaiting(Phase p) {
        synchronized (lock) {
            phase = p;
            if (shuttingDown && !told) {
                told = true;
                return true;
            }
            return false;
        }
    }

    /** Session thread, inside a command: the device's line arrived, back to work. False when the shutdown answered 421 meanwhile. */
    boolean working() {
        return beginCommand();
    }

    /**
     * Session thread: the final "." arrived. False when the shutdown answered 421 first: the
     * device takes the message as refused, so it must not be stored (it would arrive twice).
     */
    boolean commit() {
        return enter(Phase.COMMITTING);
    }

    /**
     * Shutdown thread: the relay is stopping. True when the caller must answer 421 now and close
     * (the session waits for the device); false when the session's thread will (it is working).
     */
    boolean shutdown() {
        synchronized (lock) {
            shuttingDown = true;
            lock.notifyAll(); // a paused session answers nothing more
            if (!told && (phase == Phase.WAITING || phase == Phase.DATA)) {
                told = true;
                return true;
            }
            return false;
        }
    }

    /** Whether the shutdown's 421 was sent: what ends this session is the relay stopping, not the device. */
    boolean toldShutdown() {
        synchronized (lock) {
            return told;
        }
    }

    Phase phase() {
        synchronized (lock) {
            return phase;
        }
    }

    /** Closes the TCP connection under any TLS, from any thread (shutdown). */
    void abort() {
        try {
            transport.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
