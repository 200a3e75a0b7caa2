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
 * Created when SubEthaSMTP accepts the connection, dropped when it ends. Confined to the
 * session's thread, except {@link #abort()}.
 */
final class DeviceSession {

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
    private MailTransaction transaction;

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
