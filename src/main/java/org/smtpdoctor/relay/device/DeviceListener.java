package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.spool.MessageSink;
import org.smtpdoctor.relay.spool.RandomValues;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * One listening socket of the relay: SubEthaSMTP's server (a thread per session
 * ({@link SessionThreads}: virtual on Java 24+), command dispatch, the idle timeout of sessions)
 * with the relay's verbs registered over the library's, its sockets wrapped ({@link DeviceSocket})
 * so that device line ends are understood, and its connection limits enforced here (per IP and in
 * total, refused with {@code 421 4.7.0} before the banner; SubEthaSMTP's own limit, whose reply
 * has no enhanced status code, is set higher as a backstop that connections from the front end
 * never reach: they are all admitted ones).
 * <p>
 * Plain and STARTTLS listeners have a front end ({@link DeviceFrontEnd}): one thread and a
 * selector accept, apply the limits, say the banner and hold each connection until its device
 * speaks; only then does SubEthaSMTP's accept loop get it and give it a session and a thread. An
 * idle connection that has not sent its first command costs no thread (a session idle after its
 * EHLO keeps its thread, as before). Implicit-TLS listeners have no front end: their handshake runs
 * at the banner in the session's thread ({@link ImplicitTlsServerSocket}), so a connection there
 * has its thread from the start.
 * <p>
 * What is left to SubEthaSMTP as it is: the banner's words (the front end says SubEthaSMTP's
 * banner, {@link #banner()}, and the session's own is dropped), {@code 421 Timeout waiting for data
 * from client.} on idle timeout (no enhanced status code; the front end says the same words,
 * {@link RelayReplies#IDLE_TIMEOUT}), {@code 500} for unknown verbs, HELP, and {@code 501} for
 * command lines longer than 998 characters.
 * <p>
 * Abuse (each limit and its default: relay-example.yaml, {@code relay --init}): connections are counted per client address ({@link ClientBlock}: an
 * IPv6 client per /64), and a TLS listener refuses a client over its share before the handshake
 * (that costs CPU); reads keep deadlines ({@link DeviceInputStream.Deadlines}; the first command
 * line's from the banner), and a TLS handshake must finish within the idle timeout
 * ({@link #closeIfLate}); failed AUTHs are counted per address relay-wide ({@link AuthThrottle})
 * and password checks bounded ({@link PasswordChecks}), both shared by all listeners of a relay.
 * <p>
 * Lifecycle: {@link #start} binds; {@link #close} stops: new connections get
 * {@code 421 4.3.2}, connections and sessions waiting for their device get {@code 421 4.3.2} and
 * are closed, sessions at work (a command, a message whose final "." arrived) finish it, answer,
 * then get the 421; after the grace period whatever is left is cut. Thread-safe; the device policy
 * may be replaced while running ({@link #policy(DevicePolicy)}: a configuration reload).
 */
final class DeviceListener implements AutoCloseable {

    private final ListenerConfig config;
    private final String hostName;
    private volatile DevicePolicy policy;
    private final MessageSink sink;
    private final ListenerTls tls;
    private final MessagePreparer preparer;
    private final AuthThrottle authThrottle;
    private final PasswordChecks passwordChecks;
    private final RelayObserver observer;
    private final Map<Session, DeviceSession> sessions = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perIp = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    /** Notified whenever a session ends, for {@link #close(Duration)}. */
    private final Object ended = new Object();
    /** Session ids: every connection takes one, so lock-free ({@link RandomValues}). */
    private final RandomValues random = new RandomValues();
    /** Runs the sessions (a thread each, for the connection's life) and the shutdown's 421s. */
    private final ExecutorService threads;
    private final SessionThreads.Kind sessionThreads;
    /** Closes sockets whose TLS handshake overruns; one thread per listener, idle nearly always. */
    private final ScheduledExecutorService watchdog;
    private volatile boolean closing;
    private SMTPServer smtp;
    /** Holds plain and STARTTLS connections until their device speaks; null on an implicit-TLS listener. */
    private DeviceFrontEnd frontEnd;
    /** SubEthaSMTP's banner line, as its session writes it. */
    private byte[] banner;

    private DeviceListener(ListenerConfig config, String hostName, DevicePolicy policy, MessageSink sink, ListenerTls tls,
                           AuthThrottle authThrottle, PasswordChecks passwordChecks, RelayObserver observer,
                           SessionThreads.Kind sessionThreads) {
        this.observer = observer;
        this.config = config;
        this.hostName = hostName;
        this.policy = policy;
        this.sink = sink;
        this.tls = tls;
        this.preparer = new MessagePreparer(hostName);
        this.authThrottle = authThrottle;
        this.passwordChecks = passwordChecks;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-doctor-relay-" + config.port() + "-deadlines");
            t.setDaemon(true);
            return t;
        });
        this.sessionThreads = sessionThreads;
        this.threads = SessionThreads.executor(sessionThreads, "smtp-doctor-relay-" + config.port() + "-");
    }

    /**
     * @param tls null for a plain listener
     * @param authThrottle   the relay's failed-AUTH registry (shared by its listeners)
     * @param passwordChecks the relay's bound on concurrent password checks (shared)
     * @param observer       told what devices do here (the console, metrics)
     * @param sessionThreads what runs the sessions ({@link SessionThreads})
     */
    static DeviceListener start(ListenerConfig config, String hostName, DevicePolicy policy, MessageSink sink, ListenerTls tls,
                                AuthThrottle authThrottle, PasswordChecks passwordChecks, RelayObserver observer,
                                SessionThreads.Kind sessionThreads) throws IOException {
        DeviceListener listener = new DeviceListener(config, hostName, policy, sink, tls, authThrottle, passwordChecks, observer,
                sessionThreads);
        SMTPServer smtp = SMTPServer.port(config.port())
                .bindAddress(InetAddress.getByName(config.address())) // an IP literal: no lookup
                .hostName(hostName)
                .softwareName("smtp-doctor relay")
                .connectionTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()), TimeUnit.MILLISECONDS)
                .maxConnections(config.maxConnections() * 2 + 10)
                // SubEthaSMTP's default listen backlog is 50: a burst of more connections than that
                // (100 devices at once) overflows it, the kernel drops their SYNs, and each waits
                // for its 1 s SYN retransmit. Room for every connection the limit allows (the
                // kernel caps it at net.core.somaxconn).
                .backlog(Math.max(128, Math.min(config.maxConnections(), 65_535)))
                .maxMessageSize((int) Math.min(Integer.MAX_VALUE, config.maxMessageBytes()))
                .executorService(listener.threads)
                .sessionIdFactory(listener::newSessionId)
                .sessionHandler(listener.sessionHandler())
                .serverSocketFactory(() -> config.mode() == ListenerMode.TLS ? listener.new ImplicitTlsServerSocket()
                        : (listener.frontEnd = new DeviceFrontEnd(listener, "smtp-doctor-relay-" + config.port() + "-front")))
                .serverThreadName("smtp-doctor-relay-" + config.port() + "-accept")
                .build();
        listener.register(smtp.getCommandHandler());
        // Session.runCommandLoop's words, in the charset of the session's writer (SessionBuffers)
        listener.banner = ("220 " + smtp.getHostName() + " ESMTP " + smtp.getSoftwareName() + "\r\n").getBytes(Charset.defaultCharset());
        try {
            smtp.start();
        } catch (RuntimeException e) {
            listener.threads.shutdownNow();
            listener.watchdog.shutdownNow();
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        listener.smtp = smtp;
        RelayEvents.info("listener.started", "listener", listener.name(), "mode", config.mode().name().toLowerCase(java.util.Locale.ROOT),
                "tls_versions", config.mode() == ListenerMode.PLAIN ? null : config.tlsVersions(),
                "port", listener.port(), "session_threads", sessionThreads.name().toLowerCase(java.util.Locale.ROOT));
        return listener;
    }

    private void register(CommandHandler handler) {
        handler.addCommand(new HeloVerbs.Helo(this));
        handler.addCommand(new HeloVerbs.Ehlo(this));
        handler.addCommand(new StartTlsVerb(this));
        handler.addCommand(new AuthVerb(this));
        handler.addCommand(new EnvelopeVerbs.Mail(this));
        handler.addCommand(new EnvelopeVerbs.Rcpt(this));
        handler.addCommand(new DataVerb(this));
        handler.addCommand(new EnvelopeVerbs.Rset(this));
        handler.addCommand(new EnvelopeVerbs.Quit(this));
        handler.addCommand(new RelayVerb.Fixed(this, "NOOP", RelayReplies.OK));
        handler.addCommand(new RelayVerb.Fixed(this, "VRFY", "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery"));
        handler.addCommand(RelayVerb.Fixed.refused(this, "EXPN", "mailing lists are not expanded for anyone"));
        handler.addCommand(RelayVerb.Fixed.refused(this, "BDAT", "CHUNKING is not offered (RFC 3030)"));
        String trust = "never honoured: the relay decides by the connection's own address, and trusts no client to name another";
        handler.addCommand(RelayVerb.Fixed.refused(this, "XCLIENT", trust));
        handler.addCommand(RelayVerb.Fixed.refused(this, "XFORWARD", trust));
        handler.addCommand(RelayVerb.Fixed.refused(this, "ETRN", "the relay runs its queue itself (RFC 1985 is not offered)"));
        handler.addCommand(RelayVerb.Fixed.refused(this, "TURN", "role reversal is never offered (RFC 821)"));
        handler.addCommand(RelayVerb.Fixed.refused(this, "ATRN", "role reversal is never offered (RFC 2645)"));
    }

    int port() {
        return smtp == null ? config.port() : smtp.getPort() == 0 ? smtp.getPortAllocated() : smtp.getPort();
    }

    /** The listener as logs name it: its address and bound port. */
    String name() {
        return (config.address().contains(":") ? "[" + config.address() + "]" : config.address()) + ":" + port();
    }

    ListenerConfig config() {
        return config;
    }

    String hostName() {
        return hostName;
    }

    DevicePolicy policy() {
        return policy;
    }

    /**
     * Replaces the device rules and recipient domains (a reload). New connections and every
     * later command use them; a connection already matched to a device by its address keeps that
     * match until it closes.
     */
    void policy(DevicePolicy replaced) {
        policy = replaced;
    }

    MessageSink sink() {
        return sink;
    }

    ListenerTls tls() {
        return tls;
    }

    MessagePreparer preparer() {
        return preparer;
    }

    /** Told what devices do here (never null). */
    RelayObserver observer() {
        return observer;
    }

    RelayObserver.Peer peer(DeviceSession session) {
        return new RelayObserver.Peer(name(), session.id(), session.clientIp());
    }

    AuthThrottle authThrottle() {
        return authThrottle;
    }

    PasswordChecks passwordChecks() {
        return passwordChecks;
    }

    /** A socket's deadline from {@link #closeIfLate}: cancel it when the work it bounds is over. */
    static final class Deadline {
        private final java.util.concurrent.atomic.AtomicBoolean passed = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile ScheduledFuture<?> timer;

        void cancel() {
            timer.cancel(false);
        }

        /** Whether it passed and the socket was closed for it. */
        boolean passed() {
            return passed.get();
        }
    }

    /**
     * Closes {@code socket} unless the returned deadline is cancelled within the idle timeout: for
     * a TLS handshake, which reads the socket itself (a client feeding it a byte at a time never
     * trips the read timeout).
     */
    Deadline closeIfLate(Socket socket) {
        Deadline d = new Deadline();
        d.timer = watchdog.schedule(() -> {
            d.passed.set(true);
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return d;
    }

    /** Postfix's smtpd_min_data_rate default: a message's content must arrive at 500 bytes a second on average. */
    static final long MIN_DATA_RATE = 500;

    /** The read deadlines of a connection from {@code client} (see {@link DeviceInputStream}). */
    private DeviceInputStream.Deadlines deadlines(Socket socket, String client) {
        return new DeviceInputStream.Deadlines(socket, config.idleTimeout(), config.idleTimeout(), MIN_DATA_RATE, System::nanoTime,
                what -> RelayEvents.warn("connection.too-slow", "listener", name(), "client", client, "reason", what,
                        "reply", RelayReplies.IDLE_TIMEOUT));
    }

    /** AUTH is offered when there are accounts, over TLS or where plaintext AUTH is allowed. */
    boolean offersAuth(DeviceSession session) {
        return policy.hasAccounts() && (session.isTls() || config.allowPlaintextAuth());
    }

    DeviceSession session(Session smtp) {
        return sessions.computeIfAbsent(smtp, this::newDeviceSession);
    }

    @Override
    public void close() {
        close(DEFAULT_GRACE);
    }

    /** How long {@link #close()} lets sessions at work finish: long enough for a slow disk's fsync. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    /**
     * Stops (see the class comment); returns when every session has ended, at most after
     * {@code grace} plus the time to cut what is left.
     */
    void close(Duration grace) {
        closing = true;
        if (frontEnd != null) {
            frontEnd.stopWaiting(); // 421 4.3.2 at once to connections whose device has not spoken, from the front end's thread
        }
        for (Map.Entry<Session, DeviceSession> e : sessions.entrySet()) {
            if (e.getValue().shutdown()) {
                // Written from another thread, so that a device that reads nothing cannot hold up the others.
                threads.execute(() -> sayShutdown(e.getKey(), e.getValue()));
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (ended) {
            while ((!sessions.isEmpty() || (frontEnd != null && frontEnd.waiting() > 0)) && System.nanoTime() < deadline) {
                try {
                    ended.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        sessions.values().forEach(DeviceSession::abort);
        try {
            if (smtp != null) {
                smtp.stop();
            }
        } finally {
            threads.shutdownNow();
            watchdog.shutdownNow();
        }
    }

    /** {@code 421 4.3.2} and the connection closed, the shutdown named as the reason in the log. */
    void sayShutdown(Session smtp, DeviceSession session) {
        DeviceSession.Phase phase = session.phase();
        try {
            smtp.sendResponse(RelayReplies.SHUTDOWN);
        } catch (IOException | RuntimeException e) {
            // the device left already; closing is all there is to do
        }
        session.abort();
        RelayEvents.info("connection.shutdown", "listener", name(), "session", session.id(), "client", session.clientIp(),
                "phase", phase.name().toLowerCase(java.util.Locale.ROOT), "reply", RelayReplies.SHUTDOWN,
                "reason", "the relay is stopping");
    }

    /** SubEthaSMTP's banner line (CRLF included), which the front end says for it. */
    byte[] banner() {
        return banner;
    }

    /** 12 hex digits (48 random bits). */
    String newSessionId() {
        return HexFormat.of().toHexDigits(random.next()).substring(4);
    }

    private DeviceSession newDeviceSession(Session smtp) {
        InetAddress client = smtp.getRemoteAddress().getAddress();
        DeviceSocket socket = (DeviceSocket) smtp.getSocket();
        DeviceFrontEnd.Greeted greeted = socket.greeted();
        // A connection from the front end keeps the id and the device match it was accepted (and logged) with.
        return new DeviceSession(greeted == null ? smtp.getSessionId() : greeted.id(), client,
                greeted == null ? policy.byAddress(client) : greeted.device(), socket.raw(),
                config.mode() == ListenerMode.TLS ? socket.tls() : null);
    }

    /**
     * Counts a new connection from {@code client}, or refuses it: returns null when admitted,
     * else the refusal's text after {@code 421 } (counts restored, the refusal logged and
     * observed). Decided before the banner, on either path.
     */
    String admit(String id, InetAddress client) {
        int all = total.incrementAndGet();
        int fromIp = perIp.merge(ClientBlock.of(client), 1, Integer::sum);
        String reason = closing ? RelayReplies.SHUTTING_DOWN
                : all > config.maxConnections() ? RelayReplies.TOO_MANY_CONNECTIONS
                : fromIp > config.maxConnectionsPerIp() ? RelayReplies.TOO_MANY_CONNECTIONS_FROM_IP : null;
        if (reason != null) {
            release(client);
            RelayEvents.warn("connection.refused", "listener", name(), "session", id,
                    "client", client.getHostAddress(), "reason", reason.substring(6),
                    "connections", all, "from_client", fromIp);
            observer.connectionRefused(name(), client.getHostAddress(), reason.substring(6));
        }
        return reason;
    }

    /** An admitted connection ends: no longer counted. */
    private void release(InetAddress client) {
        total.decrementAndGet();
        perIp.computeIfPresent(ClientBlock.of(client), (k, n) -> n <= 1 ? null : n - 1);
    }

    /** An admitted connection is about to be greeted: logged and observed. */
    void opened(String id, InetAddress client, Optional<DeviceRule> device) {
        RelayEvents.info("connection.accepted", "listener", name(), "session", id,
                "client", client.getHostAddress(), "device", device.map(DeviceRule::name).orElse(null),
                "tls", config.mode() == ListenerMode.TLS ? "implicit" : null);
        observer.connectionOpened(new RelayObserver.Peer(name(), id, client.getHostAddress()), device.map(DeviceRule::name));
    }

    /** How a connection that never reached a session ended (the {@link DeviceFrontEnd}). */
    enum WaitEnd {
        /** It closed or reset the connection. */
        DEVICE_CLOSED,
        /** It said nothing for the idle timeout and was told {@link RelayReplies#IDLE_TIMEOUT}. */
        IDLE_TIMEOUT,
        /** The relay is stopping and told it {@link RelayReplies#SHUTDOWN}. */
        SHUTDOWN
    }

    /** A connection admitted by the front end ended before a session took it: as {@code onSessionEnd} for a session. */
    void waitEnded(String id, InetAddress client, WaitEnd why) {
        release(client);
        if (why == WaitEnd.SHUTDOWN) {
            RelayEvents.info("connection.shutdown", "listener", name(), "session", id, "client", client.getHostAddress(),
                    "phase", DeviceSession.Phase.WAITING.name().toLowerCase(java.util.Locale.ROOT), "reply", RelayReplies.SHUTDOWN,
                    "reason", "the relay is stopping");
        }
        RelayEvents.info("connection.closed", "listener", name(), "session", id, "client", client.getHostAddress(),
                "reason", why == WaitEnd.SHUTDOWN ? "the relay is stopping" : null);
        observer.connectionClosed(new RelayObserver.Peer(name(), id, client.getHostAddress()), Optional.empty());
        synchronized (ended) {
            ended.notifyAll();
        }
    }

    /** A plain connection (also on a STARTTLS listener) as its session will read and write it. */
    DeviceSocket deviceSocket(Socket raw, DeviceFrontEnd.Greeted greeted) throws IOException {
        String client = raw.getInetAddress().getHostAddress();
        return new DeviceSocket(raw, raw, () -> RelayEvents.warn("tls.clienthello_on_plain_port", "listener", name(),
                "client", client, "cause", "the device started a TLS handshake on a "
                        + config.mode().name().toLowerCase(java.util.Locale.ROOT) + " port; set it to STARTTLS (or no"
                        + " encryption) for this port, or point it at an implicit-TLS listener"),
                null, greeted, deadlines(raw, client), unread(client));
    }

    /** Logs the first reply that could not be written to {@code client} (DeviceSocket). */
    private Consumer<IOException> unread(String client) {
        return e -> RelayEvents.warn("connection.replies-unread", "listener", name(), "client", client,
                "reason", e.getMessage(), "action", "no more replies; the commands already received are carried out");
    }

    private SessionHandler sessionHandler() {
        return new SessionHandler() {
            @Override
            public SessionAcceptance accept(Session smtp) {
                SessionBuffers.slim(smtp); // before the first reply (the banner, or a 421)
                InetAddress client = smtp.getRemoteAddress().getAddress();
                DeviceFrontEnd.Greeted greeted = ((DeviceSocket) smtp.getSocket()).greeted();
                if (greeted != null) {
                    // admitted, logged and greeted by the front end; its session's banner is dropped (DeviceSocket)
                    if (closing) {
                        waitEnded(greeted.id(), client, WaitEnd.SHUTDOWN); // SubEthaSMTP calls onSessionEnd only for sessions it accepted
                        return SessionAcceptance.failure(421, RelayReplies.SHUTTING_DOWN);
                    }
                    session(smtp);
                    return SessionAcceptance.success();
                }
                String reason = admit(smtp.getSessionId(), client);
                if (reason != null) {
                    return SessionAcceptance.failure(421, reason); // SubEthaSMTP calls onSessionEnd only for sessions it accepted
                }
                DeviceSession session = session(smtp);
                opened(session.id(), client, session.device());
                return SessionAcceptance.success();
            }

            @Override
            public void onSessionEnd(Session smtp) {
                release(smtp.getRemoteAddress().getAddress());
                DeviceSession gone = sessions.remove(smtp);
                if (gone != null) {
                    RelayEvents.info("connection.closed", "listener", name(), "session", gone.id(), "client", gone.clientIp(),
                            "reason", gone.toldShutdown() ? "the relay is stopping" : null);
                    SSLSocket tls = smtp.getSocket() instanceof DeviceSocket d ? d.tls() : null;
                    observer.connectionClosed(peer(gone), tls == null ? Optional.empty()
                            : Optional.of(new RelayObserver.Tls(tls.getSession().getProtocol(), tls.getSession().getCipherSuite())));
                }
                synchronized (ended) {
                    ended.notifyAll();
                }
            }
        };
    }

    /**
     * Accepts an implicit-TLS listener's connections as {@link DeviceSocket}s, their TLS handshake
     * to run at the banner in the session's thread: such a connection has its thread from the
     * start (plain and STARTTLS listeners have the {@link DeviceFrontEnd} instead).
     */
    private final class ImplicitTlsServerSocket extends ServerSocket {

        ImplicitTlsServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            while (true) {
                Socket raw = super.accept();
                InetSocketAddress remote = (InetSocketAddress) raw.getRemoteSocketAddress();
                String client = remote.getAddress().getHostAddress();
                try {
                    int fromIp = perIp.getOrDefault(ClientBlock.of(remote.getAddress()), 0);
                    if (fromIp >= config.maxConnectionsPerIp()) {
                        // Over its share: closed before the TLS handshake, which would cost a CPU's worth of work per
                        // connection (no 421 can be said in plain text on a TLS port anyway).
                        RelayEvents.warn("connection.refused", "listener", name(), "client", client,
                                "reason", RelayReplies.TOO_MANY_CONNECTIONS_FROM_IP.substring(6), "from_client", fromIp + 1,
                                "action", "closed before the TLS handshake");
                        observer.connectionRefused(name(), client, RelayReplies.TOO_MANY_CONNECTIONS_FROM_IP.substring(6));
                        raw.close();
                        continue;
                    }
                    SSLSocket tlsSocket = tls.serverSocket(raw, new byte[0]);
                    Deadline late = closeIfLate(raw);
                    // The handshake runs on the banner's first write, in the session's thread, not here in the accept loop.
                    return new DeviceSocket(tlsSocket, raw, null, new DeviceSocket.HandshakeListener() {
                        @Override
                        public void completed(javax.net.ssl.SSLSession s) {
                            late.cancel();
                            RelayEvents.info("tls.started", "listener", name(), "client", client, "protocol", s.getProtocol(),
                                    "cipher", s.getCipherSuite());
                            observer.tlsStarted(name(), client, new RelayObserver.Tls(s.getProtocol(), s.getCipherSuite()));
                        }

                        @Override
                        public void failed(IOException e) {
                            String hint = ListenerTls.hint(config, e);
                            String reason = late.passed() ? "the handshake did not finish within the idle timeout" : e.getMessage();
                            RelayEvents.warn("tls.failed", "listener", name(), "client", client, "reason", reason, "hint", hint);
                            observer.tlsFailed(name(), client, String.valueOf(reason), Optional.ofNullable(hint));
                            late.cancel();
                        }
                    }, null, deadlines(tlsSocket, client), unread(client));
                } catch (IOException | RuntimeException e) {
                    raw.close();
                    throw e;
                }
            }
        }
    }
}
