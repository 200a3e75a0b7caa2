package org.smtpdoctor.lab;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.tls.SelfSignedCertificate;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An embedded simulator of Microsoft 365's submission endpoint (smtp.office365.com:587)
 * playing one {@link Scenario}: the banner, EHLO lists, STARTTLS, AUTH LOGIN/XOAUTH2 and
 * the replies of Exchange Online, including the scenario's failure.
 * <p>
 * Lifecycle: {@link #start} binds 127.0.0.1 (never another interface), generates a fresh
 * self-signed certificate (EC P-256; {@link #certificate()}, {@link #certificatePem()}
 * for clients to trust) and a demo OAuth token, in the {@code oauth-*} scenarios starts
 * the lab's Entra ({@link #oauth()}) (whose signing keys it reads at the first XOAUTH2), and accepts connections
 * on its own threads until {@link #close()}, which stops listening, drops every
 * connection, stops the Entra and returns within about a second. A closed server cannot be restarted; start another.
 * Connections idle for longer than the idle timeout (60 s by default) are closed by the
 * server with a 421 reply, so no client can hold one forever.
 * <p>
 * Messages accepted are kept in memory, the newest 100 of them, each up to 10 MiB (a
 * larger one is refused after DATA with 552 5.3.4 although SIZE advertises Microsoft's
 * 157286400).
 * <p>
 * Thread-safe: all methods may be called from any thread while connections are served.
 * The server's threads are daemon threads, but a started server must still be closed.
 */
public final class LabServer implements AutoCloseable {

    /** Idle time after which the lab closes a connection. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final int MAX_CONNECTIONS = 64;
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    private final SelfSignedCertificate certificate;
    private final String demoToken;
    private final LabContext context;
    private final SMTPServer smtp;
    private final ExecutorService sessions;
    private final Optional<LabOAuth> oauth;
    private final Optional<JWKSource<SecurityContext>> entraKeys;
    private final MicrosoftCloud cloud;
    private final Clock clock;
    private final Optional<LabGraph> graph;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LabServer(SelfSignedCertificate certificate, String demoToken, LabContext context, SMTPServer smtp,
            ExecutorService sessions, Optional<LabOAuth> oauth, Optional<JWKSource<SecurityContext>> entraKeys, MicrosoftCloud cloud, Clock clock,
            Optional<LabGraph> graph) {
        this.graph = graph;
        this.certificate = certificate;
        this.demoToken = demoToken;
        this.context = context;
        this.smtp = smtp;
        this.sessions = sessions;
        this.oauth = oauth;
        this.entraKeys = entraKeys;
        this.cloud = cloud;
        this.clock = clock;
    }

    /**
     * Starts a lab on 127.0.0.1.
     *
     * @param scenario one of {@link Scenarios#all()} (matched by name; its mailbox, password
     *        and sender are honoured, except that wrong-password keeps its real password)
     * @param port the TCP port, or 0 for any free port (see {@link #port()})
     * @throws IOException if the port cannot be bound
     * @throws IllegalArgumentException if the scenario name is unknown or the port is out of range
     */
    public static LabServer start(Scenario scenario, int port) throws IOException {
        return start(scenario, port, MicrosoftCloud.GLOBAL);
    }

    /**
     * As {@link #start(Scenario, int)}, as that cloud's Exchange Online: it accepts only tokens
     * for the cloud's Exchange audience, and its certificate also names the cloud's host.
     */
    public static LabServer start(Scenario scenario, int port, MicrosoftCloud cloud) throws IOException {
        return start(scenario, port, DEFAULT_IDLE_TIMEOUT, cloud);
    }

    /**
     * As {@link #start(Scenario, int)}, with the lab's Entra running whatever the scenario, so
     * that XOAUTH2 takes its tokens throughout and {@link #switchTo} can go to any scenario
     * (a relay demo: the relay's OAuth upstream stays the same while the lab changes).
     */
    public static LabServer startWithEntra(Scenario scenario, int port) throws IOException {
        return start(scenario, port, DEFAULT_IDLE_TIMEOUT, MicrosoftCloud.GLOBAL, true, false, 0, 0);
    }

    /**
     * As {@link #startWithEntra(Scenario, int)}, with the lab's Microsoft Graph ({@link #graph()})
     * too (the graph-* scenarios always have it): for {@code tenant}, {@code check
     * --tenant-diagnostics} and a relay's {@code m365-graph://} upstream.
     */
    public static LabServer startWithGraph(Scenario scenario, int port) throws IOException {
        return startWithGraph(scenario, port, 0, 0);
    }

    /** As {@link #startWithGraph(Scenario, int)} with the Graph and Entra on given ports (0: any free one). */
    public static LabServer startWithGraph(Scenario scenario, int port, int graphPort, int entraPort) throws IOException {
        for (int p : new int[] {graphPort, entraPort}) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + p);
            }
        }
        return start(scenario, port, DEFAULT_IDLE_TIMEOUT, MicrosoftCloud.GLOBAL, true, true, graphPort, entraPort);
    }

    /** As {@link #start(Scenario, int)} with another idle timeout (tests use a short one). */
    static LabServer start(Scenario scenario, int port, Duration idleTimeout) throws IOException {
        return start(scenario, port, idleTimeout, MicrosoftCloud.GLOBAL, false, false, 0, 0);
    }

    private static LabServer start(Scenario scenario, int port, Duration idleTimeout, MicrosoftCloud cloud) throws IOException {
        return start(scenario, port, idleTimeout, cloud, false, false, 0, 0);
    }

    private static LabServer start(Scenario scenario, int port, Duration idleTimeout, MicrosoftCloud cloud, boolean withEntra,
            boolean withGraph, int graphPort, int entraPort) throws IOException {
        Objects.requireNonNull(scenario, "scenario");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || idleTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idle timeout out of range: " + idleTimeout);
        }
        Fault fault = Scenarios.definition(scenario.name()).fault();
        Clock clock = Clock.systemUTC();
        boolean graph = withGraph || fault.graph();
        Optional<LabOAuth> oauth = fault.usesEntra() || withEntra || graph
                ? Optional.of(LabOAuth.start(fault.issuance(), graph ? entraPort : 0)) : Optional.empty();
        LabDirectory directory = new LabDirectory(scenario, fault, clock);
        Optional<LabGraph> labGraph = Optional.empty();
        try {
            if (graph) {
                labGraph = Optional.of(LabGraph.start(oauth.orElseThrow(), directory, clock, graphPort));
            }
            return startSmtp(scenario, port, idleTimeout, fault, clock, oauth, cloud, directory, labGraph);
        } catch (IOException | RuntimeException e) {
            labGraph.ifPresent(LabGraph::close);
            oauth.ifPresent(LabOAuth::close);
            throw e;
        }
    }

    private static LabServer startSmtp(Scenario scenario, int port, Duration idleTimeout, Fault fault, Clock clock,
            Optional<LabOAuth> oauth, MicrosoftCloud cloud, LabDirectory directory, Optional<LabGraph> graph) throws IOException {
        Optional<JWKSource<SecurityContext>> keys = oauth.map(LabOAuth::keySource);
        Optional<ExchangeTokenValidator> entraTokens = validator(oauth, keys, scenario, fault, cloud, clock);
        List<String> names = new java.util.ArrayList<>(SelfSignedCertificate.DEFAULT_DNS_NAMES);
        if (!names.contains(cloud.smtpHost())) {
            names.add(cloud.smtpHost());
        }
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.EC_P256,
                "smtp.office365.com", names, List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})), clock);
        String token = demoToken(scenario.mailbox(), clock.instant());
        LabContext context = new LabContext(scenario, fault, token, entraTokens, clock, directory);
        ExecutorService sessions = Executors.newCachedThreadPool(daemonThreads("smtp-doctor-lab-" + scenario.name() + "-session"));

        SMTPServer.Builder builder = SMTPServer.port(port)
                .bindAddress(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}))
                .hostName(M365Replies.BANNER_HOST_NAME)
                .softwareName(M365Replies.bannerSoftwareName(clock.instant()))
                .connectionTimeout((int) idleTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .maxConnections(MAX_CONNECTIONS)
                .executorService(sessions)
                .sessionIdFactory(context::newSessionId)
                .sessionHandler(context.sessionHandler())
                .startTlsSocketFactory(new StartTlsSockets(certificate.serverContext()))
                .enableTLS(true)
                .serverThreadName("smtp-doctor-lab-" + scenario.name() + "-accept");
        if (fault == Fault.INSPECTING_FIREWALL) {
            builder.serverSocketFactory(InspectingFirewall::serverSocket);
        }
        SMTPServer smtp = builder.build();
        register(smtp.getCommandHandler(), context);
        try {
            smtp.start();
        } catch (RuntimeException e) {
            sessions.shutdownNow();
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        return new LabServer(certificate, token, context, smtp, sessions, oauth, keys, cloud, clock, graph);
    }

    private static Optional<ExchangeTokenValidator> validator(Optional<LabOAuth> oauth, Optional<JWKSource<SecurityContext>> keys, Scenario scenario,
            Fault fault, MicrosoftCloud cloud, Clock clock) {
        return oauth.map(o -> new ExchangeTokenValidator(keys.orElseThrow(), o.issuer(), scenario.mailbox(),
                fault.mailboxFullAccess(), cloud.exchangeAudiences(), clock));
    }

    /**
     * From the next command on, the lab is this scenario: its SMTP answers and, when its
     * Entra runs, the tokens it issues from now on. Open connections, the port, the
     * certificate and the Entra keys stay.
     *
     * @throws IllegalArgumentException for starttls-stripped (its firewall sits under the
     *         listening socket) or an oauth-* scenario on a lab started without Entra
     */
    public void switchTo(Scenario next) {
        Fault fault = Scenarios.definition(next.name()).fault();
        if (fault == Fault.INSPECTING_FIREWALL || context.fault() == Fault.INSPECTING_FIREWALL) {
            throw new IllegalArgumentException("the lab cannot switch to or from " + next.name()
                    + " while running (its firewall sits under the socket): start a new lab");
        }
        if (fault.usesEntra() && oauth.isEmpty()) {
            throw new IllegalArgumentException(next.name() + " needs the lab's Entra, which this lab was started without");
        }
        synchronized (context) {
            oauth.ifPresent(o -> o.issue(fault.issuance()));
            context.switchTo(next, fault, validator(oauth, entraKeys, next, fault, cloud, clock));
        }
    }

    /** The bound port (the allocated one when started with port 0). */
    public int port() {
        return smtp.getPort() == 0 ? smtp.getPortAllocated() : smtp.getPort();
    }

    /** The scenario now (see {@link #switchTo}). */
    public Scenario scenario() {
        return context.scenario();
    }

    /** The self-signed certificate presented after STARTTLS (SANs localhost, smtp.office365.com, 127.0.0.1). */
    public X509Certificate certificate() {
        return certificate.certificate();
    }

    /** {@link #certificate()} as PEM, for a client's trust store. */
    public String certificatePem() {
        return certificate.certificatePem();
    }

    /**
     * The lab's Microsoft Entra ID in the {@code oauth-*} scenarios: where a client gets an
     * access token by client credentials (any secret works) for AUTH XOAUTH2, which then
     * accepts only that server's tokens. Empty in the other scenarios, unless the lab was
     * started {@linkplain #startWithEntra with its Entra}. Closed with the lab.
     */
    public Optional<LabOAuth> oauth() {
        return oauth;
    }

    /** The lab's Entra whenever it runs (the same as {@link #oauth()}): it also issues the lab's Graph tokens. */
    public Optional<LabOAuth> entra() {
        return oauth;
    }

    /**
     * The lab's Microsoft Graph, in the graph-* scenarios and when started with
     * {@link #startWithGraph}: sendMail and upload sessions for the scenario's mailbox, Security
     * Defaults, Conditional Access and the sign-in log (which AUTH LOGIN attempts on this lab add
     * to), answering only tokens from {@link #entra()}. It follows {@link #switchTo}. Closed with the lab.
     */
    public Optional<LabGraph> graph() {
        return graph;
    }

    /**
     * An access token that AUTH XOAUTH2 accepts for the scenario's mailbox (in the
     * scenarios that allow OAuth, but not the {@code oauth-*} ones, see {@link #oauth()}).
     * JWT-shaped so a client can read its claims
     * ({@code aud https://outlook.office365.com}, {@code scp SMTP.Send}, {@code upn},
     * {@code exp} 24 h after start); the signature is random, not verifiable.
     */
    public String demoAccessToken() {
        return demoToken;
    }

    /** Raw messages accepted (dot-unstuffed, as received), oldest first, newest last. */
    public List<String> receivedMessages() {
        return context.messages().snapshot();
    }

    /** Stops listening and closes every connection; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                // First drop the connections at TCP level: SubEthaSMTP's stop() closes a TLS
                // session's streams, which waits for a blocked reader's lock (up to the idle timeout).
                context.closeConnections();
                smtp.stop();
            } finally {
                sessions.shutdownNow();
                graph.ifPresent(LabGraph::close);
                oauth.ifPresent(LabOAuth::close);
            }
        }
    }

    @Override
    public String toString() {
        return "LabServer[" + scenario().name() + " on 127.0.0.1:" + port() + (closed.get() ? ", closed" : "") + "]";
    }

    private static void register(CommandHandler handler, LabContext context) {
        handler.addCommand(new EhloVerb(context));
        handler.addCommand(new HeloVerb(context));
        handler.addCommand(new StartTlsVerb(context));
        handler.addCommand(new AuthVerb(context));
        handler.addCommand(new MailVerb(context));
        handler.addCommand(new RcptVerb(context));
        handler.addCommand(new DataVerb(context));
        handler.addCommand(new BdatVerb(context));
        handler.addCommand(new RsetVerb(context));
        handler.addCommand(new NoopVerb(context));
        handler.addCommand(new QuitVerb(context));
        handler.addCommand(new UnrecognizedVerb(context, "VRFY"));
        handler.addCommand(new UnrecognizedVerb(context, "EXPN"));
    }

    /** A JWT-shaped opaque token: header.claims.random-signature, base64url without padding. */
    private static String demoToken(String mailbox, Instant now) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"typ\":\"JWT\",\"alg\":\"none\",\"lab\":\"smtp-doctor\"}";
        String claims = "{\"aud\":\"https://outlook.office365.com\",\"scp\":\"SMTP.Send\",\"upn\":\"" + mailbox
                + "\",\"iat\":" + now.getEpochSecond() + ",\"exp\":" + now.plus(TOKEN_LIFETIME).getEpochSecond() + "}";
        byte[] signature = new byte[32];
        new SecureRandom().nextBytes(signature);
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(signature);
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: a lab never keeps the JVM alive. */
    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
