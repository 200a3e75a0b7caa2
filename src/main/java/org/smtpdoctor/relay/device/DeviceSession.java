package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Optional;
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
 *   AUTH ok                        -> device = the account's rule
 * </pre>
 * The device found by source address is kept apart from the one found by credentials: an
 * authenticated device wins, and losing TLS state never loses the address match.
 * <p>
 * Created when SubEthaSMTP accepts the connection, dropped when it ends. Confined to the
 * session's thread, except {@link #abort()}.
 */
final class DeviceSession {

    private final String id;
    private final InetAddress client;
    private final Optional<DeviceRule> byAddress;
    private volatile Socket transport;

    private boolean tls;
    private String tlsProtocol;
    private String helo = "";
    private DeviceRule authenticated;
    private String authUser;
    private int authFailures;
    private MailTransaction transaction;

    DeviceSession(String id, InetAddress client, Optional<DeviceRule> byAddress, Socket transport) {
        this.id = id;
        this.client = client;
        this.byAddress = byAddress;
        this.transport = transport;
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

    String tlsProtocol() {
        return tlsProtocol;
    }

    String helo() {
        return helo;
    }

    Optional<MailTransaction> transaction() {
        return Optional.ofNullable(transaction);
    }

    void greet(String name) {
        helo = name;
        transaction = null;
    }

    void tlsStarted(String protocol, Socket raw) {
        tls = true;
        tlsProtocol = protocol;
        transport = raw;
        helo = "";
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

    void begin(String sender) {
        transaction = MailTransaction.from(sender);
    }

    void replace(MailTransaction next) {
        transaction = next;
    }

    void endTransaction() {
        transaction = null;
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
