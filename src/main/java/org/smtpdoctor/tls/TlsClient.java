package org.smtpdoctor.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.smtpdoctor.net.TcpConnector;

/**
 * Client-side TLS for diagnosis: completes the handshake whatever the certificate,
 * so the chain can be shown, then judges the chain itself (expiry, PKIX trust
 * against the JDK's anchors plus any the user trusts explicitly, host name).
 * Callers must not send credentials unless {@link CertificateVerdict#trusted()}.
 * <p>
 * Protocols are the JDK defaults (TLS 1.2 and 1.3 on Java 17); this class never
 * re-enables TLS 1.0/1.1. Immutable and thread-safe; each handshake uses its own
 * {@link SSLContext} so that the captured chain belongs to that connection only.
 */
public final class TlsClient {

    /** What every connection speaks unless a probe asks for one version: never below TLS 1.2. */
    public static final List<String> MODERN = List.of("TLSv1.3", "TLSv1.2");

    private final List<X509Certificate> extraAnchors;
    private final List<String> protocols;

    public TlsClient(List<X509Certificate> extraAnchors) {
        this(extraAnchors, MODERN);
    }

    /**
     * A client limited to these protocol versions. Versions below TLS 1.2 work only in a
     * process where {@link LegacyTls#allow()} ran first (the {@code tls} command's probes).
     */
    public TlsClient(List<X509Certificate> extraAnchors, List<String> protocols) {
        this.extraAnchors = List.copyOf(extraAnchors);
        this.protocols = List.copyOf(protocols);
    }

    public static TlsClient withDefaultTrust() {
        return new TlsClient(List.of());
    }

    /**
     * Reads every certificate in a PEM (or DER) file, written in any encoding Windows tools use
     * ({@link org.smtpdoctor.io.TextInput#certificateBytes}); a file with none is an error.
     * Messages say what is wrong in words.
     */
    public static List<X509Certificate> readPem(Path file) throws IOException, CertificateException {
        byte[] bytes;
        try {
            bytes = org.smtpdoctor.io.TextInput.certificateBytes(file, org.smtpdoctor.io.TextInput.CONFIG_BYTES);
        } catch (org.smtpdoctor.io.InputException e) {
            throw new IOException(e.getMessage());
        }
        return certificates(bytes);
    }

    /** Every certificate in PEM or DER bytes; none is an error. */
    public static List<X509Certificate> certificates(byte[] bytes) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new CertificateException(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")
                    ? "a certificate in it is damaged" : "no certificate in it (expected -----BEGIN CERTIFICATE-----)");
        }
        if (out.isEmpty()) {
            throw new CertificateException("no certificate in it (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * Starts, in a daemon thread, what the first connection of this process would otherwise do
     * first: the JDK's sockets ({@link TcpConnector#warmUp()}) and the JSSE provider with a
     * context. A one-shot {@code check} calls it before its command line is parsed, so that this
     * work runs beside the parsing on a second core. No client hello is made here: its two key
     * pairs, computed by code not yet compiled, cost more CPU than they saved the real handshake
     * on a two-core machine (bench/RESULTS.md). Not where TLS 1.0/1.1 may be wanted: the JDK
     * reads its disabled algorithms once, and {@link LegacyTls#allow()} must come before any TLS use.
     */
    public static void warmUpInBackground() {
        Thread warm = new Thread(() -> {
            TcpConnector.warmUp();
            try {
                warmUp();
            } catch (GeneralSecurityException | RuntimeException e) {
                // only a head start: the real handshake reports whatever is wrong
            }
        }, "tls-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /** The TLS part of {@link #warmUpInBackground()}: a client context, made and dropped. */
    static void warmUp() throws GeneralSecurityException {
        SSLContext.getInstance("TLS").init(null, new TrustManager[] {new CapturingTrustManager()}, null);
    }

    /**
     * Wraps a connected socket in TLS and completes the handshake within the timeout.
     *
     * @param host the name the client meant (used for SNI and the host name check)
     */
    public Handshake handshake(Socket plain, String host, int port, Duration timeout) throws IOException {
        CapturingTrustManager capture = new CapturingTrustManager();
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {capture}, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available in this Java runtime", e);
        }
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        // Pinned on every socket: if LegacyTls re-enabled TLS 1.0/1.1 in this process, only the
        // probe that asks for them gets them.
        socket.setEnabledProtocols(protocols.toArray(new String[0]));
        int previous = plain.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        socket.startHandshake();
        socket.setSoTimeout(previous);
        SSLSession session = socket.getSession();
        List<X509Certificate> chain = capture.chain.get() == null ? List.of() : Arrays.asList(capture.chain.get());
        CertificateVerdict verdict = judge(chain, capture.authType.get(), host);
        return new Handshake(socket, new TlsSessionInfo(session.getProtocol(), session.getCipherSuite(), chain, verdict));
    }

    /** An upgraded socket and what was learned in its handshake. */
    public record Handshake(SSLSocket socket, TlsSessionInfo info) {}

    CertificateVerdict judge(List<X509Certificate> chain, String authType, String host) {
        if (chain.isEmpty()) {
            return new CertificateVerdict(CertificateVerdict.Kind.NO_CERTIFICATE, "the server sent no certificate");
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            return new CertificateVerdict(CertificateVerdict.Kind.EXPIRED, "expired on " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return new CertificateVerdict(CertificateVerdict.Kind.NOT_YET_VALID,
                    "not valid before " + leaf.getNotBefore().toInstant());
        }
        X509Certificate[] array = chain.toArray(new X509Certificate[0]);
        String type = authType == null ? "UNKNOWN" : authType;
        // Explicitly trusted certificates first: loading the JDK's authorities costs start-up time.
        // A pinned leaf (--trust-cert with the server's own, usually self-signed, certificate) is
        // trusted as it is, without building a key store and a PKIX path for it.
        if (!extraAnchors.contains(leaf) && !trustedByExtra(array, type) && !trustedBy(DefaultTrust.MANAGER, array, type)) {
            return new CertificateVerdict(CertificateVerdict.Kind.UNTRUSTED,
                    "issued by \"" + chain.get(chain.size() - 1).getIssuerX500Principal().getName()
                            + "\", which is not a trusted authority here");
        }
        if (!HostnameMatcher.matches(leaf, host)) {
            List<String> names = new ArrayList<>(HostnameMatcher.dnsNames(leaf));
            names.addAll(HostnameMatcher.ipNames(leaf));
            return new CertificateVerdict(CertificateVerdict.Kind.HOSTNAME_MISMATCH,
                    "certificate is for " + (names.isEmpty() ? leaf.getSubjectX500Principal().getName() : names)
                            + ", not " + host);
        }
        return new CertificateVerdict(CertificateVerdict.Kind.TRUSTED, "trusted, valid until " + leaf.getNotAfter().toInstant());
    }

    private boolean trustedByExtra(X509Certificate[] chain, String authType) {
        if (extraAnchors.isEmpty()) {
            return false;
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < extraAnchors.size(); i++) {
                store.setCertificateEntry("trusted-" + i, extraAnchors.get(i));
            }
            return trustedBy(trustManager(store), chain, authType);
        } catch (GeneralSecurityException | IOException e) {
            return false;
        }
    }

    private static boolean trustedBy(X509TrustManager tm, X509Certificate[] chain, String authType) {
        if (tm == null) {
            return false;
        }
        try {
            tm.checkServerTrusted(chain, authType);
            return true;
        } catch (CertificateException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The JDK's authorities, loaded once, when first needed. */
    private static final class DefaultTrust {
        static final X509TrustManager MANAGER = load();

        private static X509TrustManager load() {
            try {
                return trustManager(null);
            } catch (GeneralSecurityException e) {
                return null;
            }
        }
    }

    /** The platform's X.509 trust manager over this key store (null: the JDK's authorities). */
    public static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        return null;
    }

    /** Accepts any chain during the handshake and remembers it; judgement comes after. */
    private static final class CapturingTrustManager extends X509ExtendedTrustManager {
        final AtomicReference<X509Certificate[]> chain = new AtomicReference<>();
        final AtomicReference<String> authType = new AtomicReference<>();

        private void capture(X509Certificate[] certs, String type) {
            chain.set(certs);
            authType.set(type);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String type, Socket socket) {
            capture(certs, type);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String type, SSLEngine engine) {
            capture(certs, type);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String type) {
            capture(certs, type);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String type, Socket socket) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String type, SSLEngine engine) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String type) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
