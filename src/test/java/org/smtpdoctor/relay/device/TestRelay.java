package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.NetworkGuard;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.config.PasswordHash;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.config.UpstreamUrl;

/** Configurations for tests: listeners on 127.0.0.1 port 0. */
final class TestRelay {

    static final String PASSWORD = "Canary-relay-5ecret";
    /** Hashed once: PBKDF2 costs ~100 ms. */
    static final PasswordHash HASH = PasswordHash.create(PASSWORD.toCharArray());

    private TestRelay() {
    }

    static ListenerConfig listener(ListenerMode mode) {
        return new ListenerConfig("127.0.0.1", 0, mode, ListenerConfig.DEFAULT_TLS_VERSIONS, new CertificateSource.SelfSigned(),
                1024 * 1024, 20, 10, Duration.ofSeconds(5), false);
    }

    static DeviceRule loopback() {
        return DeviceRule.network(Cidr.parse("127.0.0.0/8"));
    }

    static DeviceRule account(String user) {
        return new DeviceRule("nas", List.of(), Optional.of(user), Optional.of(HASH), List.of(), Optional.empty());
    }

    static RelayConfig config(List<ListenerConfig> listeners, List<DeviceRule> devices, List<String> recipientDomains) {
        return new RelayConfig("relay.test", listeners, devices, recipientDomains,
                List.of(UpstreamUrl.parse("smtp://127.0.0.1:2526")), Path.of("/nonexistent-spool"), Pacing.M365_DEFAULTS,
                RelayConfig.DEFAULT_RETRY_MAX_AGE, Optional.empty(), NetworkGuard.DEFAULT);
    }

    static RelayConfig config(ListenerMode mode, DeviceRule... devices) {
        return config(List.of(listener(mode)), List.of(devices), List.of());
    }

    /** A client connected from {@code from} (a loopback address) to the relay's {@code port}, with a 15 s read timeout. */
    static Socket client(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    /** The same, with TLS at once (an implicit-TLS listener), trusting any certificate. */
    static Socket tlsClient(String from, int port) throws Exception {
        return tlsOver(client(from, port), port);
    }

    /** TLS over {@code raw}, connected to the relay's {@code port}, handshake done. */
    static javax.net.ssl.SSLSocket tlsOver(Socket raw, int port) throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket(raw, "localhost", port, true);
        tls.startHandshake();
        return tls;
    }
}
