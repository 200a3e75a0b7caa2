package org.smtpdoctor.peers;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.smtpdoctor.testing.Ports;

/**
 * A private, throw-away Postfix instance (plus a private Dovecot for SASL) on 127.0.0.1 and a
 * free port, for tests against a real SMTP server.
 *
 * <p>What it looks like from the network (defaults): banner {@code 220 lab.test ESMTP}, STARTTLS
 * with a self-signed certificate for localhost/127.0.0.1, {@code AUTH PLAIN LOGIN} offered only
 * after STARTTLS (as Microsoft 365 does), relay only after AUTH. Accepted mail goes to Postfix's
 * {@code discard} transport: <b>nothing ever leaves the machine</b> (master.cf has no smtp/lmtp/
 * local/pipe client services at all).
 *
 * <p>Everything lives in one temp dir (config, queue, data, pid files, Dovecot base_dir, logs);
 * {@link #close()} stops both daemons by their own pid files and deletes it. Needs root.
 *
 * <pre>{@code
 * try (PostfixPeer peer = PostfixPeer.start()) {
 *     // peer.host(), peer.port(), peer.user(), peer.password(), peer.certificate()
 * }
 * }</pre>
 */
public final class PostfixPeer implements AutoCloseable {

    /** The one SASL user (Dovecot passwd-file). */
    public static final String USER = "scanner@lab.test";
    /** Its password. A test secret: tests may assert it never shows up in logs/reports. */
    public static final String PASSWORD = "Lab-Secret-7f3a9c";
    /** {@code myhostname}; the banner is {@code 220 lab.test ESMTP}. */
    public static final String HOSTNAME = "lab.test";
    public static final String HOST = "127.0.0.1";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 5;
    private static final Set<PostfixPeer> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();
    /** Certificate and key PEM, generated once per JVM with openssl (saves ~0.2 s per start). */
    private static volatile byte[][] cachedCertAndKey;

    /**
     * What the peer offers.
     *
     * @param starttls    offer STARTTLS ({@code smtpd_tls_security_level = may}) with a self-signed
     *                    cert; default true
     * @param tlsAuthOnly {@code smtpd_tls_auth_only = yes}: AUTH hidden until STARTTLS; default true;
     *                    only meaningful with starttls (ignored, i.e. AUTH in clear, without it)
     * @param sasl        AUTH PLAIN/LOGIN through a private Dovecot; default true. Without it nobody
     *                    can relay (every outside RCPT gets 554 Relay access denied)
     * @param mainCf      extra/overriding main.cf parameters, applied last (e.g.
     *                    {@code smtpd_tls_protocols}, {@code message_size_limit}, ...)
     */
    public record Options(boolean starttls, boolean tlsAuthOnly, boolean sasl, Map<String, String> mainCf) {
        public Options {
            for (Map.Entry<String, String> e : mainCf.entrySet()) {
                if (!e.getKey().matches("[a-z0-9_]+") || e.getValue().contains("\n")) {
                    throw new IllegalArgumentException("bad main.cf parameter: " + e);
                }
            }
            mainCf = Collections.unmodifiableMap(new LinkedHashMap<>(mainCf));
        }

        public static Options defaults() {
            return new Options(true, true, true, Map.of());
        }

        public Options withStarttls(boolean value) {
            return new Options(value, tlsAuthOnly, sasl, mainCf);
        }

        public Options withTlsAuthOnly(boolean value) {
            return new Options(starttls, value, sasl, mainCf);
        }

        public Options withSasl(boolean value) {
            return new Options(starttls, tlsAuthOnly, value, mainCf);
        }

        /** Adds or overrides one main.cf parameter. */
        public Options withMainCf(String name, String value) {
            Map<String, String> m = new LinkedHashMap<>(mainCf);
            m.put(name, value);
            return new Options(starttls, tlsAuthOnly, sasl, m);
        }
    }

    private final Options options;
    private final Path dir;
    private final AtomicBoolean closed = new AtomicBoolean();
    private int port;
    private ProcessHandle postfixMaster;
    private ProcessHandle dovecotMaster;
    private Duration startupTime = Duration.ZERO;
    private volatile boolean keepDir = Boolean.getBoolean("smtpdoctor.peers.keep");

    private PostfixPeer(Options options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    /** Starts a peer with {@link Options#defaults()}. */
    public static PostfixPeer start() {
        return start(Options.defaults());
    }

    /**
     * Builds and starts a private instance. Fails (CI=true) or skips the calling test when
     * postfix/dovecot/openssl are missing or we are not root.
     *
     * @throws IllegalStateException with the tail of the Postfix and Dovecot logs if it cannot start
     */
    public static PostfixPeer start(Options options) {
        List<String> needed = new ArrayList<>(List.of("postfix", "postconf"));
        if (options.sasl()) {
            needed.add("dovecot");
        }
        if (options.starttls()) {
            needed.add("openssl");
        }
        Peers.require(needed.toArray(String[]::new));
        requireRoot();
        installShutdownHook();

        long t0 = System.nanoTime();
        Path dir;
        try {
            // Short prefix: Dovecot's unix sockets live below it (sun_path max 108 bytes).
            dir = Files.createTempDirectory("sdpeer-");
            // Postfix daemons (user postfix) must traverse to the Dovecot auth socket.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostfixPeer peer = new PostfixPeer(options, dir);
        LIVE.add(peer);
        try {
            peer.doStart();
            peer.startupTime = Duration.ofNanos(System.nanoTime() - t0);
            return peer;
        } catch (RuntimeException | Error e) {
            String diagnostics = peer.diagnostics();
            peer.keepDir = true; // stop the daemons, keep config and logs for a post-mortem
            peer.close();
            throw new IllegalStateException("PostfixPeer failed to start: " + e.getMessage()
                    + "\n" + diagnostics + "--- kept for inspection (daemons stopped): " + dir, e);
        }
    }

    // ------------------------------------------------------------------ accessors

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(HOST, port);
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public Options options() {
        return options;
    }

    /** The server certificate (PEM) Postfix presents after STARTTLS. */
    public String certificatePem() {
        try {
            return Files.readString(certificatePath(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path certificatePath() {
        if (!options.starttls()) {
            throw new IllegalStateException("peer started without STARTTLS: no certificate");
        }
        return dir.resolve("tls/cert.pem");
    }

    /** The server certificate, parsed (e.g. to build a trust store that trusts only this peer). */
    public X509Certificate certificate() {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            return (X509Certificate) cf.generateCertificate(
                    new ByteArrayInputStream(certificatePem().getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The instance's Postfix config_directory (main.cf, master.cf). */
    public Path configDir() {
        return dir.resolve("etc");
    }

    /** The temp dir holding everything of this instance. */
    public Path baseDir() {
        return dir;
    }

    /** Postfix's log (maillog_file). */
    public Path maillog() {
        return dir.resolve("maillog");
    }

    public Path dovecotLog() {
        return dir.resolve("dovecot/dovecot.log");
    }

    /** Last {@code lines} lines of the Postfix log (handy in assertion messages). */
    public String maillogTail(int lines) {
        return tail(maillog(), lines);
    }

    /** Time {@link #start} took (temp dir, cert, Dovecot, Postfix, banner check). */
    public Duration startupTime() {
        return startupTime;
    }

    public long postfixMasterPid() {
        return postfixMaster == null ? -1 : postfixMaster.pid();
    }

    @Override
    public String toString() {
        return "PostfixPeer[" + HOST + ":" + port + ", " + options + ", dir=" + dir + "]";
    }

    // ------------------------------------------------------------------ start

    private void doStart() {
        try {
            createLayout();
            if (options.starttls()) {
                writeCertificate();
            }
            if (options.sasl()) {
                startDovecot();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String lastProblem = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int candidate = Ports.free();
            port = candidate;
            try {
                writePostfixConfig();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Exec.Result r = postfix("start");
            if (!r.ok()) {
                String log = maillogTail(20);
                if (log.contains("port " + candidate + ": Address already in use")) {
                    lastProblem = "bind race on port " + candidate;
                    continue; // someone grabbed the port between our check and Postfix's bind
                }
                throw new IllegalStateException("postfix -c " + configDir() + " start failed: " + r);
            }
            postfixMaster = readPidFile(dir.resolve("queue/pid/master.pid"), "master")
                    .orElseThrow(() -> new IllegalStateException("postfix started but no master.pid"));
            Set<Long> foreign = foreignListeners(candidate, postfixMaster.pid());
            if (!foreign.isEmpty()) {
                // Another process listens on the same port too: not ours to talk to. Try again.
                lastProblem = "port " + candidate + " also bound by socket inode(s) " + foreign;
                stopPostfix();
                continue;
            }
            awaitBanner();
            return;
        }
        throw new IllegalStateException("no usable port after " + PORT_ATTEMPTS + " attempts: " + lastProblem);
    }

    private void createLayout() throws IOException {
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("tls"));
        Path queue = dir.resolve("queue");
        Files.createDirectories(queue.resolve("pid"));
        Files.setPosixFilePermissions(queue, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal postfixUser = lookup.lookupPrincipalByName("postfix");
        GroupPrincipal postdrop = lookup.lookupPrincipalByGroupName("postdrop");
        // What "postfix check" (post-install create-missing) would create; see postfix-files.
        for (String d : List.of("active", "bounce", "corrupt", "defer", "deferred", "flush", "hold",
                "incoming", "private", "saved", "trace")) {
            mkdir(queue.resolve(d), postfixUser, null, "rwx------");
        }
        mkdir(queue.resolve("maildrop"), postfixUser, postdrop, "rwx-wx---");
        mkdir(queue.resolve("public"), postfixUser, postdrop, "rwx--x---");
        mkdir(dir.resolve("data"), postfixUser, null, "rwx------");
        // Skip "postfix-script check-fatal/check-warn" at start (~2 s): we made the queue above.
        // (postfix-script removes this file on each start; writePostfixConfig re-creates it.)
        if (options.sasl()) {
            Files.createDirectories(dir.resolve("dovecot/run"));
            Files.createDirectories(dir.resolve("dovecot/state"));
        }
    }

    private static void mkdir(Path p, UserPrincipal owner, GroupPrincipal group, String perms) throws IOException {
        Files.createDirectories(p);
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        v.setOwner(owner);
        if (group != null) {
            v.setGroup(group);
        }
        v.setPermissions(PosixFilePermissions.fromString(perms));
    }

    private void writeCertificate() throws IOException {
        Path cert = dir.resolve("tls/cert.pem");
        Path key = dir.resolve("tls/key.pem");
        byte[][] pair = cachedCertAndKey;
        if (pair == null) {
            synchronized (PostfixPeer.class) {
                pair = cachedCertAndKey;
                if (pair == null) {
                    Exec.Result r = Exec.run(List.of(Peers.findExecutable("openssl").toString(),
                            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                            "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                            "-keyout", key.toString(), "-out", cert.toString()), COMMAND_TIMEOUT);
                    if (!r.ok()) {
                        throw new IllegalStateException("openssl req failed: " + r);
                    }
                    pair = new byte[][] {Files.readAllBytes(cert), Files.readAllBytes(key)};
                    cachedCertAndKey = pair;
                }
            }
        }
        Files.write(cert, pair[0]);
        Files.write(key, pair[1]);
        Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------")); // read as root
    }

    private void startDovecot() throws IOException {
        Path dv = dir.resolve("dovecot");
        Path users = dv.resolve("users");
        Files.writeString(users, USER + ":{PLAIN}" + PASSWORD + "\n", StandardCharsets.UTF_8);
        // Dovecot's auth process reads it; a test-only secret in a test-only dir.
        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
        Path authSocket = dir.resolve("queue/private/auth");
        String conf = String.join("\n",
                "# private Dovecot for smtp-doctor tests: SASL for Postfix only, no IMAP/POP3",
                "protocols =",
                "instance_name = " + dir.getFileName(),
                "base_dir = " + dv.resolve("run"),
                "state_dir = " + dv.resolve("state"),
                "log_path = " + dv.resolve("dovecot.log"),
                "ssl = no",
                "disable_plaintext_auth = no",
                "auth_mechanisms = plain login",
                "auth_failure_delay = 0",
                "auth_verbose = yes",
                "passdb {",
                "  driver = passwd-file",
                "  args = scheme=PLAIN username_format=%u " + users,
                "}",
                "userdb {",
                "  driver = static",
                "  args = uid=nobody gid=nogroup home=/nonexistent",
                "}",
                "# No auth penalty (Dovecot delays logins from an IP after failures, 2 s and up):",
                "service anvil {",
                "  unix_listener anvil-auth-penalty {",
                "    mode = 0",
                "  }",
                "}",
                "service auth {",
                "  unix_listener " + authSocket + " {",
                "    mode = 0660",
                "    user = postfix",
                "    group = postfix",
                "  }",
                "}",
                "");
        Path confFile = dv.resolve("dovecot.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Exec.Result r = Exec.run(List.of(Peers.findExecutable("dovecot").toString(), "-c", confFile.toString()),
                COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("dovecot -c " + confFile + " failed: " + r);
        }
        // The master creates its listeners before it daemonizes; allow a moment anyway.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<ProcessHandle> pid = Optional.empty();
        while (System.nanoTime() < deadline) {
            pid = readPidFile(dv.resolve("run/master.pid"), "dovecot");
            if (pid.isPresent() && Files.exists(authSocket, LinkOption.NOFOLLOW_LINKS)) {
                break;
            }
            sleep(20);
        }
        dovecotMaster = pid.orElseThrow(() -> new IllegalStateException("dovecot did not write master.pid"));
        if (!Files.exists(authSocket, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("dovecot auth socket not created: " + authSocket);
        }
    }

    private Map<String, String> mainCf() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("compatibility_level", "3.6");
        m.put("queue_directory", dir.resolve("queue").toString());
        m.put("data_directory", dir.resolve("data").toString());
        m.put("mail_owner", "postfix");
        m.put("maillog_file", maillog().toString());
        m.put("maillog_file_prefixes", dir.toString()); // default allows only /var and /dev/stdout
        m.put("myhostname", HOSTNAME);
        m.put("mydomain", HOSTNAME);
        m.put("myorigin", HOSTNAME);
        m.put("smtpd_banner", "$myhostname ESMTP");
        m.put("inet_interfaces", "loopback-only");
        m.put("inet_protocols", "ipv4");
        // Nothing is local, nothing is trusted by address, and no domain is ours: only AUTH relays.
        m.put("mydestination", "");
        m.put("relay_domains", "");
        m.put("mynetworks", "");
        m.put("local_recipient_maps", "");
        m.put("alias_maps", "");
        m.put("alias_database", "");
        m.put("smtpd_relay_restrictions", "permit_sasl_authenticated, reject_unauth_destination");
        // Many short sessions that end after RCPT TO would otherwise make Postfix delay each
        // RCPT by up to a second (in_flow_delay), turning tests slow and flaky.
        m.put("in_flow_delay", "0");
        m.put("smtpd_recipient_restrictions", "");
        // Accepted mail is thrown away: nothing ever leaves 127.0.0.1.
        m.put("default_transport", "discard:");
        m.put("relay_transport", "discard:");
        m.put("local_transport", "discard:");
        m.put("virtual_transport", "discard:");
        m.put("biff", "no");
        m.put("smtpd_peername_lookup", "no");
        if (options.starttls()) {
            m.put("smtpd_tls_security_level", "may");
            m.put("smtpd_tls_cert_file", dir.resolve("tls/cert.pem").toString());
            m.put("smtpd_tls_key_file", dir.resolve("tls/key.pem").toString());
            m.put("smtpd_tls_loglevel", "1");
            m.put("smtpd_tls_auth_only", options.tlsAuthOnly() ? "yes" : "no");
        } else {
            m.put("smtpd_tls_security_level", "none");
            m.put("smtpd_tls_auth_only", "no");
        }
        if (options.sasl()) {
            m.put("smtpd_sasl_auth_enable", "yes");
            m.put("smtpd_sasl_type", "dovecot");
            m.put("smtpd_sasl_path", dir.resolve("queue/private/auth").toString()); // absolute, chroot n
            m.put("smtpd_sasl_security_options", "noanonymous");
            m.put("smtpd_sasl_tls_security_options", "noanonymous");
        } else {
            m.put("smtpd_sasl_auth_enable", "no");
        }
        m.putAll(options.mainCf());
        return m;
    }

    private void writePostfixConfig() throws IOException {
        StringBuilder main = new StringBuilder("# private Postfix for smtp-doctor tests (PostfixPeer)\n");
        mainCf().forEach((k, v) -> main.append(k).append(" = ").append(v).append('\n'));
        // No smtp/lmtp/local/virtual/pipe services: this instance cannot deliver anywhere.
        String master = String.join("\n",
                "# service type private unpriv chroot wakeup maxproc command",
                HOST + ":" + port + " inet n - n - - smtpd",
                "pickup     unix  n - n 60    1 pickup",
                "cleanup    unix  n - n -     0 cleanup",
                "qmgr       unix  n - n 300   1 qmgr",
                "tlsmgr     unix  - - n 1000? 1 tlsmgr",
                "rewrite    unix  - - n -     - trivial-rewrite",
                "bounce     unix  - - n -     0 bounce",
                "defer      unix  - - n -     0 bounce",
                "trace      unix  - - n -     0 bounce",
                "verify     unix  - - n -     1 verify",
                "flush      unix  n - n 1000? 0 flush",
                "proxymap   unix  - - n -     - proxymap",
                "proxywrite unix  - - n -     1 proxymap",
                "showq      unix  n - n -     - showq",
                "error      unix  - - n -     - error",
                "retry      unix  - - n -     - error",
                "discard    unix  - - n -     - discard",
                "anvil      unix  - - n -     1 anvil",
                "scache     unix  - - n -     1 scache",
                "postlog    unix-dgram n - n - 1 postlogd",
                "");
        Path mainFile = configDir().resolve("main.cf");
        Path masterFile = configDir().resolve("master.cf");
        Files.writeString(mainFile, main, StandardCharsets.UTF_8);
        Files.writeString(masterFile, master, StandardCharsets.UTF_8);
        // Postfix sleeps ~1.5 s when main.cf changed within the last second: backdate it.
        FileTime past = FileTime.from(Instant.now().minusSeconds(10));
        Files.setLastModifiedTime(mainFile, past);
        Files.setLastModifiedTime(masterFile, past);
        Files.writeString(dir.resolve("queue/quick-start"), "");
    }

    private Exec.Result postfix(String command) {
        return Exec.run(List.of(Peers.findExecutable("postfix").toString(), "-c", configDir().toString(), command),
                COMMAND_TIMEOUT);
    }

    private void awaitBanner() {
        String expected = "220 " + HOSTNAME + " ESMTP";
        String last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 2000);
                s.setSoTimeout(5000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII));
                last = in.readLine();
                OutputStream out = s.getOutputStream();
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                in.readLine();
                if (last != null && last.startsWith(expected)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(50);
        }
        throw new IllegalStateException("no '" + expected + "' banner on " + HOST + ":" + port + ", last: " + last);
    }

    // ------------------------------------------------------------------ ports

    /**
     * Inodes of LISTEN sockets on {@code port} (any address, IPv4 or IPv6) that the process
     * {@code pid} does not hold. Empty means: our master is the only listener.
     */
    static Set<Long> foreignListeners(int port, long pid) {
        Set<Long> listeners = new HashSet<>();
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(p)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        listeners.add(Long.parseLong(f[9]));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (listeners.isEmpty()) {
            listeners.add(-1L); // nobody listening at all: certainly not ours
            return listeners;
        }
        Set<Long> ours = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        ours.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | NumberFormatException ignored) {
                    // fd closed meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        listeners.removeAll(ours);
        return listeners;
    }

    // ------------------------------------------------------------------ stop

    /** Stops Postfix and Dovecot (by their own pid files, never by name) and deletes the temp dir. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stopPostfix();
        } finally {
            try {
                stopDovecot();
            } finally {
                LIVE.remove(this);
                if (keepDir) {
                    System.err.println("PostfixPeer: keeping " + dir);
                } else {
                    deleteTree(dir);
                }
            }
        }
    }

    private void stopPostfix() {
        ProcessHandle master = postfixMaster != null ? postfixMaster
                : readPidFile(dir.resolve("queue/pid/master.pid"), "master").orElse(null);
        postfixMaster = null;
        if (master == null || !running(master)) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        master.descendants().forEach(tree::add);
        tree.add(master);
        Exec.Result r = postfix("stop"); // kill `cat queue/pid/master.pid`, then waits for the master
        if (!r.ok()) {
            System.err.println("PostfixPeer: postfix stop: " + r);
        }
        // The children (smtpd, qmgr, ...) got SIGTERM from the master and exit within milliseconds.
        awaitExit(tree, Duration.ofSeconds(2));
    }

    private void stopDovecot() {
        ProcessHandle master = dovecotMaster != null ? dovecotMaster
                : readPidFile(dir.resolve("dovecot/run/master.pid"), "dovecot").orElse(null);
        dovecotMaster = null;
        if (master == null || !running(master)) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        master.descendants().forEach(tree::add);
        tree.add(master);
        master.destroy(); // SIGTERM to the pid from run/master.pid
        // Dovecot lingers ~2.5 s on SIGTERM (log process drain + 1 s waits); nothing of value is
        // lost in a throw-away SASL instance, so it gets 300 ms and then SIGKILL (by pid).
        awaitExit(tree, Duration.ofMillis(300));
    }

    /** Waits for all processes to exit; SIGKILLs (by pid) whatever is left after the grace time. */
    private static void awaitExit(List<ProcessHandle> processes, Duration grace) {
        // Own polling: ProcessHandle.onExit() of a non-child polls only every 300+ ms.
        if (!awaitGone(processes, grace)) {
            processes.stream().filter(PostfixPeer::running).forEach(ProcessHandle::destroyForcibly);
            if (!awaitGone(processes, Duration.ofSeconds(5))) {
                System.err.println("PostfixPeer: processes survived SIGKILL: "
                        + processes.stream().filter(PostfixPeer::running).map(ProcessHandle::pid).toList());
            }
        }
    }

    private static boolean awaitGone(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(PostfixPeer::running)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(10);
        }
        return true;
    }

    /**
     * Alive and not a zombie. Our daemons are re-parented to PID 1; a container's PID 1 may reap
     * them late (seen: ~1 s), and {@link ProcessHandle#isAlive()} counts zombies as alive.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int i = stat.lastIndexOf(')');
            char state = i >= 0 && i + 2 < stat.length() ? stat.charAt(i + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException | UncheckedIOException e) {
            return false; // gone from /proc
        }
    }

    /**
     * Reads a daemon's pid file and returns its handle, only if the process is alive and is the
     * expected program (guards against a stale pid file pointing at a re-used pid).
     */
    private static Optional<ProcessHandle> readPidFile(Path pidFile, String expectedProgram) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String s = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            if (s.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(s.split("\\s+")[0]);
            return ProcessHandle.of(pid).filter(PostfixPeer::running).filter(h -> {
                String cmd = h.info().command().orElse("");
                return cmd.isEmpty() || Path.of(cmd).getFileName().toString().equals(expectedProgram);
            });
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // retried below (a daemon may still be writing as it exits)
                    }
                });
            } catch (IOException | UncheckedIOException ignored) {
                // concurrent modification: retry
            }
            if (Files.exists(root)) {
                sleep(100);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private String diagnostics() {
        StringBuilder sb = new StringBuilder();
        sb.append("--- instance dir: ").append(dir).append('\n');
        sb.append("--- Postfix log ").append(maillog()).append(" (tail):\n").append(maillogTail(40));
        if (options.sasl()) {
            sb.append("--- Dovecot log ").append(dovecotLog()).append(" (tail):\n").append(tail(dovecotLog(), 20));
        }
        // Postfix commands log only to maillog_file (via postlogd, not running yet when start fails
        // early) or to stderr *if it is a terminal*: rerun "postfix check" under a pty to see why.
        Optional<Path> script = Peers.find("script");
        if (script.isPresent() && Files.exists(configDir().resolve("main.cf"))) {
            String cmd = Peers.findExecutable("postfix") + " -c " + configDir() + " check";
            Exec.Result r = Exec.run(List.of(script.get().toString(), "-qec", cmd, "/dev/null"),
                    Duration.ofSeconds(20));
            String out = r.output().replace("\r", "").strip();
            if (!out.isEmpty()) {
                sb.append("--- postfix check (on a pty):\n").append(out).append('\n');
            }
        }
        try {
            Path postconf = Peers.findExecutable("postconf");
            Exec.Result r = Exec.run(List.of(postconf.toString(), "-c", configDir().toString(), "-n"),
                    Duration.ofSeconds(10));
            List<String> warnings = r.output().lines().filter(l -> l.contains("warning") || l.contains("fatal"))
                    .toList();
            if (!warnings.isEmpty()) {
                sb.append("--- postconf -n warnings:\n").append(String.join("\n", warnings)).append('\n');
            }
        } catch (RuntimeException ignored) {
            // best effort
        }
        return sb.toString();
    }

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file.getFileName() + ")\n";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
                sb.append(l).append('\n');
            }
            return sb.toString();
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    private static void requireRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String euid = line.substring(4).trim().split("\\s+")[1];
                    if (!euid.equals("0")) {
                        String msg = "PostfixPeer needs root (postfix -c DIR start), running as uid " + euid;
                        if (Peers.isCi()) {
                            org.junit.jupiter.api.Assertions.fail("CI=true: " + msg);
                        }
                        org.junit.jupiter.api.Assumptions.abort(msg);
                    }
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void installShutdownHook() {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (PostfixPeer p : List.copyOf(LIVE)) {
                    try {
                        p.close();
                    } catch (RuntimeException ignored) {
                        // best effort at JVM exit
                    }
                }
            }, "postfix-peer-cleanup"));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
