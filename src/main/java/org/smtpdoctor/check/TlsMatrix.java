package org.smtpdoctor.check;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.smtpdoctor.net.TcpConnector;
import org.smtpdoctor.smtp.Redactor;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.SmtpConnection;
import org.smtpdoctor.smtp.Timeouts;
import org.smtpdoctor.smtp.Transcript;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.tls.HostnameMatcher;
import org.smtpdoctor.tls.TlsClient;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * Which TLS versions a mail server accepts: TLS 1.0, 1.1, 1.2 and 1.3 each tried on a
 * connection of its own (all at once), with STARTTLS or implicit TLS, and the
 * certificate the server presented. For STARTTLS the probe says EHLO again after the
 * handshake, because Microsoft 365 completes a TLS 1.0 handshake and only then refuses
 * ({@code 421 4.7.66}). Versions below 1.2 can only be tried in a process where
 * {@link org.smtpdoctor.tls.LegacyTls#allow()} ran first; otherwise they are reported as
 * errors, never as refused. Stateless.
 */
public final class TlsMatrix {

    public static final List<String> VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** accepted, refused (by the server), or error (could not tell). */
    public record Verdict(String status, Optional<String> cipher, String detail) {}

    /** A summary of the leaf certificate and our judgement of the chain. */
    public record CertificateSummary(String subject, List<String> names, String issuer, Instant notBefore, Instant notAfter,
                                     long daysLeft, String keyType, int keyBits, String signatureAlgorithm,
                                     boolean hostnameMatches, String verdict, String verdictDetail, int chainLength) {}

    public record Result(String host, int port, Security security, Map<String, Verdict> protocols,
                         Optional<CertificateSummary> certificate) {}

    private final Duration timeout;
    private final List<X509Certificate> trusted;

    public TlsMatrix(Duration timeout, List<X509Certificate> trusted) {
        this.timeout = timeout;
        this.trusted = List.copyOf(trusted);
    }

    public Result run(String host, InetAddress address, int port, Security security) {
        ExecutorService pool = Executors.newFixedThreadPool(VERSIONS.size(), r -> {
            Thread t = new Thread(r, "tls-probe");
            t.setDaemon(true);
            return t;
        });
        Map<String, Verdict> protocols = new LinkedHashMap<>();
        Optional<TlsSessionInfo> newest = Optional.empty();
        try {
            List<Future<Probe>> futures = new ArrayList<>();
            for (String version : VERSIONS) {
                futures.add(pool.submit(() -> probe(host, address, port, security, version)));
            }
            long deadline = System.nanoTime() + timeout.multipliedBy(4).toNanos();
            for (int i = 0; i < VERSIONS.size(); i++) {
                Probe p;
                try {
                    p = futures.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    futures.get(i).cancel(true);
                    p = new Probe(new Verdict("error", Optional.empty(), "no result within the time limit"), Optional.empty());
                }
                protocols.put(VERSIONS.get(i), p.verdict());
                // The certificate shown is the one of the newest version the server accepted.
                if (p.session().isPresent()) {
                    newest = p.session();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(host, port, security, protocols, newest.map(s -> summarise(s, host)));
    }

    private record Probe(Verdict verdict, Optional<TlsSessionInfo> session) {}

    private Probe probe(String host, InetAddress address, int port, Security security, String version) {
        TlsClient tls = new TlsClient(trusted, List.of(version));
        Socket socket;
        try {
            socket = TcpConnector.connect(new InetSocketAddress(address, port), timeout);
        } catch (TransportException e) {
            return error(e.getMessage());
        }
        try (SmtpConnection connection = new SmtpConnection(socket, new Timeouts(timeout, timeout, timeout.multipliedBy(3)),
                new Transcript(new Redactor()));
             SmtpClient client = new SmtpClient(connection)) {
            TlsSessionInfo session;
            if (security == Security.TLS) {
                session = client.implicitTls(tls, host, port);
            } else {
                Reply greeting = client.greeting();
                if (greeting.code() != 220) {
                    return error("greeting: " + greeting.oneLine());
                }
                Reply hello = client.hello(StepSupport.addressLiteral(socket.getLocalAddress()));
                if (!hello.isPositive() || !client.capabilities().startTls()) {
                    return error("the server does not offer STARTTLS");
                }
                SmtpClient.StartTlsResult started = client.startTls(tls, host, port);
                if (started.session().isEmpty()) {
                    return error("STARTTLS refused: " + started.reply().oneLine());
                }
                session = started.session().get();
                // Microsoft completes a TLS 1.0/1.1 handshake and refuses afterwards (421 4.7.66).
                Reply after = client.hello(StepSupport.addressLiteral(socket.getLocalAddress()));
                if (!after.isPositive()) {
                    return new Probe(new Verdict("refused", Optional.of(session.cipherSuite()),
                            "handshake completed, then: " + after.oneLine()), Optional.of(session));
                }
            }
            return new Probe(new Verdict("accepted", Optional.of(session.cipherSuite()), session.protocol()),
                    Optional.of(session));
        } catch (TransportException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No appropriate protocol") || m.contains("protocol is disabled")) {
                return error("this Java runtime does not speak " + version + " here (" + m + ")");
            }
            if (e.kind() == TransportException.Kind.TLS_HANDSHAKE || e.kind() == TransportException.Kind.RESET
                    || e.kind() == TransportException.Kind.CLOSED) {
                return new Probe(new Verdict("refused", Optional.empty(), m), Optional.empty());
            }
            return error(m);
        } catch (java.io.IOException e) {
            return error(String.valueOf(e.getMessage()));
        }
    }

    private static Probe error(String detail) {
        return new Probe(new Verdict("error", Optional.empty(), detail), Optional.empty());
    }

    static CertificateSummary summarise(TlsSessionInfo session, String host) {
        X509Certificate leaf = session.peerChain().get(0);
        List<String> names = new ArrayList<>(HostnameMatcher.dnsNames(leaf));
        names.addAll(HostnameMatcher.ipNames(leaf));
        String keyType = leaf.getPublicKey().getAlgorithm();
        int bits = leaf.getPublicKey() instanceof RSAKey rsa ? rsa.getModulus().bitLength()
                : leaf.getPublicKey() instanceof ECKey ec ? ec.getParams().getCurve().getField().getFieldSize() : 0;
        Instant notAfter = leaf.getNotAfter().toInstant();
        return new CertificateSummary(leaf.getSubjectX500Principal().getName(), names,
                leaf.getIssuerX500Principal().getName(), leaf.getNotBefore().toInstant(), notAfter,
                Duration.between(Instant.now(), notAfter).toDays(), keyType, bits, leaf.getSigAlgName(),
                HostnameMatcher.matches(leaf, host), session.verdict().kind().name().toLowerCase(Locale.ROOT),
                session.verdict().detail(), session.peerChain().size());
    }
}
