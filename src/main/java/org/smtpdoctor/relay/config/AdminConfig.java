package org.smtpdoctor.relay.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The relay's admin console and {@code /metrics} (YAML {@code admin:}, or {@code --admin HOST:PORT}).
 * Off unless configured. On a loopback address it needs no login (whoever can reach it is on
 * this machine); on any other address it needs {@code password-hash} (a login, never a password
 * in the file) and serves HTTPS only, with {@code certificate} (the same sources as a listener's;
 * self-signed by default). Immutable.
 *
 * @param address      the local address to bind (an IP literal)
 * @param port         the TCP port; 0 picks a free one (tests)
 * @param user         the login name
 * @param passwordHash the login password's hash ({@code smtp-doctor relay hash-password}); required off loopback
 * @param certificate  the HTTPS certificate; used off loopback, or on loopback when {@code tls} is set
 * @param tls          HTTPS also on loopback
 */
public record AdminConfig(String address, int port, String user, Optional<PasswordHash> passwordHash,
                          CertificateSource certificate, boolean tls) {

    public static final int DEFAULT_PORT = 8025;
    public static final String DEFAULT_USER = "admin";

    public AdminConfig {
        if (!isLoopback(address) && passwordHash.isEmpty()) {
            throw new IllegalArgumentException("a console on " + address + " (not a loopback address) needs a login: set admin.password-hash"
                    + " (smtp-doctor relay hash-password makes one), or listen on 127.0.0.1");
        }
    }

    /** The console on loopback with every default: no login, plain HTTP. */
    public static AdminConfig loopback(int port) {
        return new AdminConfig("127.0.0.1", port, DEFAULT_USER, Optional.empty(), new CertificateSource.SelfSigned(), false);
    }

    /** This configuration listening elsewhere ({@code --admin HOST:PORT} over the file's {@code admin:}). */
    public AdminConfig listening(String newAddress, int newPort) {
        return new AdminConfig(newAddress, newPort, user, passwordHash, certificate, tls);
    }

    /** Whether a login is asked for: always off loopback. */
    public boolean loginRequired() {
        return !isLoopback(address) || passwordHash.isPresent();
    }

    /** Whether the console speaks HTTPS: always off loopback. */
    public boolean https() {
        return tls || !isLoopback(address);
    }

    /** {@code 127.0.0.1:8025}, {@code [::1]:8025}. */
    public String hostPort() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    static boolean isLoopback(String ip) {
        try {
            return InetAddress.getByName(ip).isLoopbackAddress(); // an IP literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * {@code HOST:PORT}, {@code [v6]:PORT} or {@code PORT} (then 127.0.0.1), the host an IP address.
     *
     * @throws IllegalArgumentException with what is wrong
     */
    public static ListenAddress parseListen(String text) {
        return ListenAddress.parse(text, "127.0.0.1:8025", "127.0.0.1 for this machine only");
    }
}
