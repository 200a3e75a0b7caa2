package org.smtpdoctor.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.smtpdoctor.tls.LegacyTls;
import org.subethamail.smtp.server.SSLSocketCreator;

/**
 * Layers server-side TLS over an accepted connection for STARTTLS, allowing only TLS 1.3
 * and 1.2 as Exchange Online does since TLS 1.0/1.1 were switched off for the default
 * SMTP AUTH endpoint (M365-FACTS.md (b): "421 4.7.66 TLS 1.0 and 1.1 are not supported").
 * <p>
 * Set per socket, so no process-wide security property is touched. Uses the peer's
 * address string, never a reverse DNS lookup. Immutable and thread-safe.
 */
final class StartTlsSockets implements SSLSocketCreator {

    /** Protocols the lab negotiates, most preferred first. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * Where the process allows TLS 1.0/1.1 at all (LegacyTls), the lab completes such a
     * handshake as Exchange Online does, then refuses with 421 4.7.66 (StartTlsVerb).
     */
    static final String[] WITH_LEGACY = {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"};

    private final SSLContext context;

    StartTlsSockets(SSLContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public SSLSocket createSSLSocket(Socket socket) throws IOException {
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(socket, remote.getHostString(), socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.setEnabledProtocols(LegacyTls.allowed() ? WITH_LEGACY.clone() : PROTOCOLS.clone());
        return tls;
    }
}
