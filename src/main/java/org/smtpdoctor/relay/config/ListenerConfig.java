package org.smtpdoctor.relay.config;

import java.time.Duration;
import java.util.List;

/**
 * One listening socket of the relay. Immutable.
 *
 * @param address the local address to bind (an IP literal; 0.0.0.0 or :: for all)
 * @param port the TCP port; 0 picks a free one (tests)
 * @param tlsVersions protocols for STARTTLS or implicit TLS, e.g. TLSv1.3, TLSv1.2; TLSv1
 *        and TLSv1.1 only when configured, and then for this listener only
 * @param maxMessageBytes advertised in EHLO as SIZE; larger messages get 552 5.3.4
 * @param maxConnections open connections on this listener, all devices together
 * @param maxConnectionsPerIp open connections from one IP address
 * @param idleTimeout how long a silent connection is kept
 * @param allowPlaintextAuth offer AUTH before TLS (for legacy devices that cannot do TLS;
 *        their passwords then cross the LAN readable)
 */
public record ListenerConfig(String address, int port, ListenerMode mode, List<String> tlsVersions,
                             CertificateSource certificate, long maxMessageBytes, int maxConnections,
                             int maxConnectionsPerIp, Duration idleTimeout, boolean allowPlaintextAuth) {

    public static final List<String> DEFAULT_TLS_VERSIONS = List.of("TLSv1.3", "TLSv1.2");
    public static final List<String> KNOWN_TLS_VERSIONS = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
    /** 25 MiB: under Exchange Online's default 35 MB send limit once base64 has grown attachments. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 25L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 10;
    /** RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * The longest idle timeout a listener may have: the front end's deadlines are nanosecond
     * counts, which overflow near 290 years, and any longer wait only lets silent clients keep
     * their places.
     */
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofHours(24);

    public ListenerConfig {
        tlsVersions = List.copyOf(tlsVersions);
    }

    /** A listener with every default: STARTTLS offered, TLS 1.2+, a self-signed certificate. */
    public static ListenerConfig defaults(String address, int port) {
        return new ListenerConfig(address, port, ListenerMode.STARTTLS, DEFAULT_TLS_VERSIONS,
                new CertificateSource.SelfSigned(), DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_IP, DEFAULT_IDLE_TIMEOUT, false);
    }

    /** This listener with other TLS versions. */
    public ListenerConfig withTlsVersions(List<String> versions) {
        return new ListenerConfig(address, port, mode, versions, certificate, maxMessageBytes, maxConnections,
                maxConnectionsPerIp, idleTimeout, allowPlaintextAuth);
    }

    /** Whether TLS 1.0 or 1.1 is enabled here (the process must then allow them, see LegacyTls). */
    public boolean legacyTls() {
        return mode != ListenerMode.PLAIN && (tlsVersions.contains("TLSv1") || tlsVersions.contains("TLSv1.1"));
    }

    @Override
    public String toString() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port + " (" + mode.name().toLowerCase(java.util.Locale.ROOT)
                + (mode == ListenerMode.PLAIN ? "" : ", " + String.join("/", tlsVersions)) + ")";
    }
}
