package org.smtpdoctor.relay.deliver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.net.TcpConnector;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.smtp.Redactor;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.SmtpConnection;
import org.smtpdoctor.smtp.Timeouts;
import org.smtpdoctor.smtp.Transcript;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.tls.CertificateVerdict;
import org.smtpdoctor.tls.TlsClient;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * An SMTP upstream over {@link SmtpClient}: connect, greeting, EHLO (HELO fallback), TLS as
 * the {@link TlsMode} says, AUTH as the {@link Credentials} say. Every host of the
 * {@link Targets} is tried in order until one gives a session (for {@code mx://}, the MX hosts
 * by preference, RFC 5321 section 5.1).
 *
 * <p>TLS: always TLS 1.2 or 1.3 ({@link TlsClient#MODERN}) and the certificate is verified
 * (the JDK's authorities plus the configured extra anchors, and the host name) whenever TLS is
 * used, opportunistic STARTTLS included: a relay that sends credentials or mail over a TLS
 * session it did not verify only looks secure. No credential is ever sent without TLS, except
 * to a loopback address (a local smarthost or a test).
 *
 * <p>Immutable and thread-safe; each {@link UpstreamSession} belongs to its caller.
 */
public final class SmtpUpstream implements Upstream {

    /** How TLS is used. Closed set. */
    public enum TlsMode {
        /** STARTTLS when the server offers it, plain otherwise ({@code smtp://}, {@code mx://}). */
        OPPORTUNISTIC,
        /** STARTTLS or nothing ({@code smtp+starttls://}, {@code m365-oauth://}). */
        STARTTLS,
        /** TLS from the first byte ({@code smtps://}, RFC 8314). */
        IMPLICIT
    }

    /** One host and port to try. */
    public record Target(String host, int port) {}

    /** The hosts to try, looked up at each {@link #open} (MX records change); empty with a failure when there are none. */
    public interface Targets {
        List<Target> lookup() throws LookupFailed;
    }

    /** No target: the failure says why (no MX, DNS failure). */
    public static final class LookupFailed extends Exception {
        final SessionFailure failure;

        public LookupFailed(SessionFailure failure) {
            super(failure.text(), null, false, false);
            this.failure = failure;
        }
    }

    private final String name;
    private final String pacingKey;
    private final Optional<String> mailbox;
    private final Targets targets;
    private final TlsMode tls;
    private final Credentials credentials;
    private final TlsClient tlsClient;
    private final Timeouts timeouts;
    private final String ehloName;
    private final Resolver resolver;
    private final Clock clock;
    private final org.smtpdoctor.diagnosis.Vendor vendor;

    public SmtpUpstream(String name, String pacingKey, Optional<String> mailbox, Targets targets, TlsMode tls,
                        Credentials credentials, TlsClient tlsClient, Timeouts timeouts, String ehloName,
                        Resolver resolver, Clock clock, org.smtpdoctor.diagnosis.Vendor vendor) {
        this.name = name;
        this.pacingKey = pacingKey;
        this.mailbox = mailbox;
        this.targets = targets;
        this.tls = tls;
        this.credentials = credentials;
        this.tlsClient = tlsClient;
        this.timeouts = timeouts;
        this.ehloName = ehloName;
        this.resolver = resolver;
        this.clock = clock;
        this.vendor = vendor;
    }

    @Override
    public org.smtpdoctor.diagnosis.Vendor vendor() {
        return vendor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String pacingKey() {
        return pacingKey;
    }

    @Override
    public Optional<String> mailbox() {
        return mailbox;
    }

    public TlsMode tlsMode() {
        return tls;
    }

    public Credentials credentials() {
        return credentials;
    }

    @Override
    public Opened open() {
        List<Target> hosts;
        try {
            hosts = targets.lookup();
        } catch (LookupFailed e) {
            return new Refused(e.failure);
        }
        SessionFailure last = SessionFailure.event(name, "dns", "route.no-mx", "no host to deliver to");
        for (Target t : hosts) {
            Opened o = openOne(t);
            if (o instanceof Ready) {
                return o;
            }
            last = ((Refused) o).failure();
        }
        return new Refused(last);
    }

    private Opened openOne(Target t) {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(t.host(), timeouts.connect());
        } catch (TransportException e) {
            return new Refused(SessionFailure.event(t.host(), "dns", "dns.unresolved", e.getMessage()));
        }
        // Every address of the host in turn (IPv6 and IPv4 both, as resolved), until one answers.
        Socket socket = null;
        InetAddress address = null;
        TransportException lastConnect = null;
        for (InetAddress a : addresses) {
            try {
                socket = TcpConnector.connect(new InetSocketAddress(a, t.port()), timeouts.connect());
                address = a;
                break;
            } catch (TransportException e) {
                lastConnect = e;
            }
        }
        if (socket == null) {
            TransportException e = lastConnect;
            String event = switch (e.kind()) {
                case CONNECT_REFUSED -> "tcp.refused";
                case CONNECT_TIMEOUT -> "tcp.timeout";
                case UNREACHABLE -> "tcp.unreachable";
                default -> "tcp.failed";
            };
            return new Refused(SessionFailure.event(t.host(), "tcp", event, e.getMessage()));
        }
        // Every reply is redacted where it is read (SmtpConnection), before any log, state file,
        // status file or DSN can see it: a server that echoes the relay's password must not put
        // it on disk. The token joins the list when it is presented (authenticate). The transcript
        // itself keeps nothing: nobody reads it, and a session carries up to 100 messages.
        Redactor redactor = new Redactor();
        if (credentials instanceof Credentials.Password p) {
            redactor.register(p.password().reveal());
        }
        SmtpClient client;
        try {
            client = new SmtpClient(new SmtpConnection(socket, timeouts, Transcript.discarding(redactor)));
        } catch (java.io.IOException e) {
            TcpConnector.closeQuietly(socket);
            return new Refused(SessionFailure.event(t.host(), "tcp", "tcp.failed", String.valueOf(e.getMessage())));
        }
        String phase = "banner";
        try {
            if (tls == TlsMode.IMPLICIT) {
                phase = "tls";
                Optional<SessionFailure> bad = verified(t, client.implicitTls(tlsClient, t.host(), t.port()));
                if (bad.isPresent()) {
                    client.close();
                    return new Refused(bad.get());
                }
                phase = "banner";
            }
            Reply greeting = client.greeting();
            if (greeting.code() != 220) {
                return refused(client, SessionFailure.reply(t.host(), "banner", greeting));
            }
            phase = "ehlo";
            Reply hello = client.hello(ehloName);
            if (!hello.isPositive()) {
                return refused(client, SessionFailure.reply(t.host(), "ehlo", hello));
            }
            if (tls != TlsMode.IMPLICIT && (tls == TlsMode.STARTTLS || client.capabilities().startTls())) {
                phase = "tls";
                if (!client.capabilities().startTls()) {
                    return refused(client, SessionFailure.event(t.host(), "tls", "tls.starttls-not-offered",
                            t.host() + ":" + t.port() + " does not offer STARTTLS, and this upstream requires it"));
                }
                SmtpClient.StartTlsResult started = client.startTls(tlsClient, t.host(), t.port());
                if (started.session().isEmpty()) {
                    return refused(client, SessionFailure.reply(t.host(), "tls", started.reply()));
                }
                Optional<SessionFailure> bad = verified(t, started.session().get());
                if (bad.isPresent()) {
                    client.close();
                    return new Refused(bad.get());
                }
                phase = "ehlo";
                Reply again = client.hello(ehloName);
                if (!again.isPositive()) {
                    return refused(client, SessionFailure.reply(t.host(), "ehlo", again));
                }
            }
            phase = "auth";
            Optional<SessionFailure> auth = authenticate(client, t, address);
            if (auth.isPresent()) {
                return refused(client, auth.get());
            }
            return new Ready(new SmtpSession(client, t.host(), clock.instant()));
        } catch (TransportException e) {
            client.close();
            return new Refused(SessionFailure.event(t.host(), phase, event(e), e.getMessage()));
        }
    }

    private Optional<SessionFailure> authenticate(SmtpClient client, Target t, InetAddress address) throws TransportException {
        if (credentials instanceof Credentials.None) {
            return Optional.empty();
        }
        if (!client.isTls() && !address.isLoopbackAddress()) {
            return Optional.of(SessionFailure.event(t.host(), "auth", "auth.requires-tls",
                    "the relay sends credentials only over TLS, and " + t.host() + " did not offer STARTTLS"));
        }
        Set<String> offered = client.capabilities().authMechanisms();
        if (credentials instanceof Credentials.Password p) {
            Reply r;
            if (offered.contains("PLAIN")) {
                r = client.authPlain(p.user(), p.password());
            } else if (offered.contains("LOGIN")) {
                r = client.authLogin(p.user(), p.password());
            } else {
                return Optional.of(SessionFailure.event(t.host(), "auth-mechanisms", "auth.no-common-mechanism",
                        t.host() + " offers AUTH " + offered + "; the relay speaks PLAIN and LOGIN"));
            }
            // 235 is the answer (RFC 4954); any 2xx is taken as success (smtp-sink says 250).
            return r.isPositive() ? Optional.empty() : Optional.of(SessionFailure.reply(t.host(), "auth", r));
        }
        Credentials.OAuth o = (Credentials.OAuth) credentials;
        if (!offered.contains("XOAUTH2")) {
            return Optional.of(SessionFailure.event(t.host(), "auth-mechanisms", "auth.no-common-mechanism",
                    t.host() + " offers AUTH " + offered + ", not XOAUTH2"));
        }
        Secret token;
        try {
            token = o.token();
        } catch (TokenException e) {
            return Optional.of(tokenFailure(t, e));
        }
        client.transcript().redactor().register(token.reveal());
        Reply r = client.authXoauth2(o.mailbox(), token);
        if (r.code() == 535 && r.enhanced().map(s -> s.toString().equals("5.7.3")).orElse(false)) {
            // Exchange's catch-all for a refused token: the cached one may have been revoked or
            // issued before a permission change. One fresh token, once.
            try {
                token = o.renew();
            } catch (TokenException e) {
                return Optional.of(tokenFailure(t, e));
            }
            client.transcript().redactor().register(token.reveal());
            r = client.authXoauth2(o.mailbox(), token);
        }
        return r.isPositive() ? Optional.empty() : Optional.of(SessionFailure.reply(t.host(), "xoauth2", r));
    }

    private static SessionFailure tokenFailure(Target t, TokenException e) {
        String text = "no OAuth token: " + e.reason() + e.ticketIds().map(ids -> " (" + ids + ")").orElse("");
        return SessionFailure.event(t.host(), "token", e.event().orElse("token.refused"), text);
    }

    private static Optional<SessionFailure> verified(Target t, TlsSessionInfo info) {
        CertificateVerdict v = info.verdict();
        if (v.trusted()) {
            return Optional.empty();
        }
        String event = switch (v.kind()) {
            case EXPIRED -> "cert.expired";
            case NOT_YET_VALID -> "cert.not-yet-valid";
            case HOSTNAME_MISMATCH -> "cert.hostname";
            default -> "cert.untrusted";
        };
        return Optional.of(SessionFailure.event(t.host(), "certificate", event,
                t.host() + ":" + t.port() + " certificate not accepted: " + v.detail()));
    }

    private static Opened refused(SmtpClient client, SessionFailure f) {
        client.quit();
        return new Refused(f);
    }

    /** The knowledge base's event for a broken wire ({@code transport.read-timeout}...). */
    static String event(TransportException e) {
        if (e.kind() == TransportException.Kind.TLS_HANDSHAKE) {
            String m = String.valueOf(e.getMessage());
            return m.contains("plain text") ? "tls.starttls-plaintext" : m.contains("no TLS version in common") ? "tls.protocol-version" : "tls.handshake";
        }
        return "transport." + e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return name;
    }
}
