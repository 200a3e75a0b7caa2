package org.smtpdoctor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.config.AdminConfig;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenAddress;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.NetworkGuard;
import org.smtpdoctor.relay.config.Quantities;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.config.RelayConfigExample;
import org.smtpdoctor.relay.config.RelayConfigReader;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.service.RelayService;
import org.smtpdoctor.relay.service.StartCheck;
import org.smtpdoctor.relay.service.StartException;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.web.RelayMonitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smtp-doctor relay}: the LAN relay for devices that cannot meet Microsoft 365's bar. */
@Command(name = "relay", header = "Run a durable SMTP relay on the LAN for printers, scanners and old apps.",
        mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        subcommands = {RelayHashPasswordCommand.class, RelayStatusCommand.class, RelayInstallServiceCommand.class},
        description = {
            "Accept mail from allowed devices (plain SMTP, STARTTLS or implicit TLS, TLS 1.0 where configured),",
            "store it on disk before answering 250, and deliver it upstream (Microsoft 365 with OAuth, any",
            "smarthost, or the domain's MX). Never an open relay: only listed networks and device accounts send.",
            "",
            "Quick start, no file (listens on 127.0.0.1:2525 unless --listen says otherwise):",
            "  smtp-doctor relay --listen 0.0.0.0:2525 --allow 192.168.1.0/24 --spool /var/spool/smtp-doctor \\",
            "      --upstream 'm365-oauth://relay@contoso.com?tenant=contoso.onmicrosoft.com&client-id=ID&client-secret-env=SECRET'",
            "",
            "Upstream URLs (--upstream, repeatable, in order of preference):",
            "  m365-oauth://MAILBOX?tenant=T&client-id=C[&client-secret-env=VAR][&cloud=gcc-high|dod|china]   XOAUTH2, port 587",
            "  smtp+starttls://USER@HOST[:587]?password-env=VAR",
            "  smtps://HOST[:465]",
            "  smtp://HOST[:25]",
            "  mx://DOMAIN   port 25 to the domain's MX: Direct Send or an inbound connector",
            "A password inside the URL is refused: use password-env or password-file.",
            "",
            "With a file:",
            "  smtp-doctor relay --init relay.yaml   # writes a commented example: edit it",
            "  smtp-doctor relay hash-password       # a device account's password hash for the file",
            "  smtp-doctor relay --config relay.yaml --check-config",
            "  smtp-doctor relay --config relay.yaml",
            "",
            "Flags given with --config override the file: --listen, --upstream and --spool replace its values,",
            "--allow adds a device for that network.",
            "",
            "Running: SIGTERM or Ctrl-C stops it in order (devices in the middle of a command or of DATA get",
            "421 4.3.2; a message whose final dot arrived is stored and answered first) and exits 0. SIGHUP reads",
            "--config again and applies its devices and recipient-domains; anything else needs a restart.",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally (SIGTERM or Ctrl-C), or --init / --check-config done",
            "2:configuration or usage error, or something the start needs is missing (one line each): nothing was started"})
public final class RelayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The configuration file (YAML; see --init).")
    Path config;

    @Option(names = "--init", paramLabel = "FILE", arity = "0..1", fallbackValue = "relay.yaml",
            description = {"Write a commented example configuration to FILE (default relay.yaml;",
                "- for standard output) and exit. Never overwrites. Takes no other option."})
    String init;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = {"Listen here (repeatable; STARTTLS offered with a self-signed certificate, TLS 1.2+).",
                "Default 127.0.0.1:2525: nothing on the network can reach the relay until you name an",
                "interface (e.g. 0.0.0.0:2525 or 192.168.1.10:25), and no root is needed for the port."})
    List<String> listen = new ArrayList<>();

    @Option(names = "--legacy-tls",
            description = {"Also accept TLS 1.0 and 1.1 (with their old cipher suites) on the listeners, for devices",
                "that speak nothing newer. Delivery upstream stays TLS 1.2+."})
    boolean legacyTls;

    @Option(names = "--allow", paramLabel = "CIDR",
            description = "Let devices in this network send without an account (repeatable), e.g. 192.168.1.0/24 or 192.168.1.50.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--" + NetworkGuard.OVERRIDE,
            description = {"Accept device networks wider than /8 (e.g. 0.0.0.0/0): an open relay that anyone there",
                "can use to send as you. Refused without this flag; warned about at every start even with it."})
    boolean openRelay;

    @Option(names = "--upstream", paramLabel = "URL",
            description = "Deliver here (repeatable, in order of preference): one of the upstream URLs above.")
    List<String> upstream = new ArrayList<>();

    @Option(names = "--spool", paramLabel = "DIR", description = "Where accepted mail waits for delivery (on disk before the 250).")
    Path spool;

    @Option(names = "--spool-reserve", paramLabel = "SIZE|N%",
            description = {"Keep this much of the spool's volume free: 64MB (the default), 1GB, 5%%...",
                "Below it devices get 452 4.3.1 at MAIL FROM, queued mail is still delivered,",
                "and relay status says 'refusing mail: spool low'."})
    String spoolReserve;

    @Option(names = "--check-config",
            description = {"Check the configuration and everything the start needs (upstream secrets,",
                "certificates, ports, the spool), print what it means, and exit without listening;",
                "exit 2 with one line per problem."})
    boolean checkConfig;

    @Option(names = "--lab", paramLabel = "SCENARIO", arity = "0..1", fallbackValue = RelayLab.DEFAULT_SCENARIO,
            description = {"Try the whole path on this machine: the embedded Microsoft 365 lab (default " + RelayLab.DEFAULT_SCENARIO + ")",
                "is the upstream, with OAuth through the lab's Entra; 127.0.0.0/8 may send, TLS 1.0 is allowed, retries",
                "are quick, and a scenario name typed on standard input switches the lab."})
    String lab;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = {"Serve the admin console and /metrics here, e.g. 127.0.0.1:8025 (over the file's admin: section).",
                "On loopback no login; any other address needs admin.password-hash in the file, and serves HTTPS."})
    String admin;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:" + LogFormat.ENV + ":-key-value}",
            description = {"key-value (default: one 'event=NAME key=value ...' line per event) or json (one JSON object",
                "per line with the same fields, for log shippers). Also from the environment variable " + LogFormat.ENV + "."})
    String logFormat;

    /** The environment the upstreams' secrets are read from: the process's, read in this one place. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (init != null) {
            return init(out);
        }
        RelayLab labUpstream = lab == null ? null : startLab();
        try {
            return run(out, err, labUpstream);
        } finally {
            closeLab(labUpstream); // the relay stopped, or never started: the lab goes with it
        }
    }

    private RelayLab startLab() {
        if (config != null || !upstream.isEmpty()) {
            throw new UsageException("--lab is its own upstream: it cannot be combined with --config or --upstream");
        }
        try {
            return RelayLab.start(lab);
        } catch (IOException e) {
            throw new UsageException("cannot start the lab on 127.0.0.1: " + e.getMessage());
        }
    }

    private Integer run(PrintWriter out, PrintWriter err, RelayLab labUpstream) throws InterruptedException {
        LogFormat.use(logFormat);
        RelayConfig relayConfig = configuration(labUpstream);
        warnIfOpen(relayConfig);
        if (checkConfig) {
            StartCheck.Result check = StartCheck.run(relayConfig, env, StartCheck.Purpose.CHECK_ONLY);
            describe(relayConfig, out);
            relayConfig.admin().ifPresent(a -> out.println("  console     " + (a.https() ? "https://" : "http://") + a.hostPort()
                    + (a.loginRequired() ? " (login as " + a.user() + ")" : " (no login: loopback only)")));
            check.notes().forEach(n -> out.println("  note        " + n));
            out.flush();
            if (!check.ok()) {
                check.problems().forEach(p -> err.println("smtp-doctor: " + p));
                err.flush();
                return ExitCode.USAGE;
            }
            // m365-graph:// upstreams: a token and a look at the mailbox, without sending anything.
            boolean problem = GraphChecks.print(relayConfig, out);
            out.println(problem ? "Configuration read, but an upstream has a problem (above)." : "Configuration OK.");
            out.flush();
            return problem ? ExitCode.FAILED : ExitCode.OK;
        }
        showRelayEvents();
        // Before the start, so that a signal that arrives while it starts waits in the queue and
        // stops the relay in order once it runs (not the JVM's default exit with 128+N).
        BlockingQueue<String> signals = new LinkedBlockingQueue<>();
        List<String> handled = ProcessSignals.install(List.of("TERM", "INT", "HUP"), signals);
        RelayService relay;
        // The console's device registry, activity counts and metrics hear from the listeners and workers from the start.
        RelayMonitor monitor = RelayMonitor.create(relayConfig, Clock.systemUTC(), Version.get());
        try {
            relay = RelayService.start(relayConfig, env, labUpstream == null ? o -> o : RelayLab::tune, monitor.observer());
        } catch (StartException e) {
            e.problems().forEach(p -> err.println("smtp-doctor: " + p));
            err.flush();
            return ExitCode.USAGE;
        }
        // For what has no handler (a runtime without sun.misc.Signal, System.exit elsewhere): stop in order anyway.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.stop("JVM shutdown");
            monitor.close();
            closeLab(labUpstream);
        }));
        try {
            monitor.start(relay.spool(), relay.worker()); // the console, the stuck-mail checks (after the signal handlers)
        } catch (ConfigException | IOException e) {
            relay.stop("the console could not start");
            monitor.close();
            err.println("smtp-doctor: " + e.getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
        out.println("smtp-doctor relay: started");
        describe(relay.config(), out);
        monitor.consoleUrl().ifPresent(u -> out.println("  console     " + u + "  (metrics: " + u + "/metrics)"));
        if (labUpstream != null) {
            labUpstream.printHowTo(out, relayConfig.listeners().get(0));
            labUpstream.watch(System.in, out, relay);
        }
        out.println("Stop with Ctrl-C or SIGTERM" + (handled.contains("HUP") && config != null ? "; SIGHUP re-reads " + config : "") + ".");
        out.flush();
        if (config != null && !handled.contains("HUP") && !System.getProperty("os.name", "").startsWith("Windows")) {
            // nohup (and some process managers) start a process with SIGHUP ignored, and the JVM keeps it so.
            RelayEvents.warn("signals.hup_ignored", "cause", "this process was started with SIGHUP ignored (nohup?)",
                    "action", "restart the relay to apply changes to " + config + ", or start it through ./smtp-doctor (which"
                            + " restores SIGHUP), setsid or systemd");
            err.println("smtp-doctor relay: WARNING: SIGHUP is ignored in this process (started with nohup?), so it cannot"
                    + " re-read " + config + "; restart the relay to apply changes");
            err.flush();
        }
        List<String> listening = new ArrayList<>();
        for (int i = 0; i < relay.ports().size(); i++) {
            listening.add(relay.config().listeners().get(i).address() + ":" + relay.ports().get(i));
        }
        ServiceNotifier.ready("relaying: listening on " + String.join(", ", listening) + monitor.consoleUrl().map(u -> "; console " + u).orElse(""));
        Spool.Space space = relay.space();
        if (space.refusing()) {
            err.println("smtp-doctor relay: WARNING: only " + space.describe() + ": refusing new mail (452 4.3.1) until space frees up;"
                    + " queued mail is still delivered");
            err.flush();
        }
        while (true) {
            String signal = signals.take();
            if (signal.equals("HUP")) {
                reload(relay);
                continue;
            }
            ServiceNotifier.stopping();
            relay.stop("SIG" + signal);
            monitor.close(); // after delivery stopped: the device registry keeps its last outcomes
            out.println("smtp-doctor relay: stopped (SIG" + signal + ")");
            out.flush();
            return ExitCode.OK;
        }
    }

    /** The configuration from the file and the flags (with --lab: the lab as the upstream), as at the start. */
    private RelayConfig configuration(RelayLab labUpstream) {
        try {
            Optional<RelayConfig> file = config == null ? Optional.empty() : Optional.of(RelayConfigReader.read(config));
            RelayConfig c = labUpstream == null
                    ? RelayConfig.quickStart(file, listen, upstream, allow, Optional.ofNullable(spool), openRelay)
                    : RelayConfig.quickStart(file, listen, List.of(labUpstream.upstreamUrl()),
                            allow.isEmpty() ? List.of("127.0.0.0/8", "::1") : allow,
                            Optional.of(spool != null ? spool : labUpstream.spool()), openRelay);
            if (legacyTls || labUpstream != null) {
                c = c.withListeners(c.listeners().stream().map(l -> l.withTlsVersions(ListenerConfig.KNOWN_TLS_VERSIONS)).toList());
            }
            if (admin != null) {
                c = c.withAdmin(Optional.of(adminFlag(admin, c.admin())));
            }
            if (spoolReserve != null) {
                try {
                    c = c.withSpoolReserve(Quantities.spoolReserve(spoolReserve));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--spool-reserve: " + e.getMessage());
                }
            }
            return c;
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * SIGHUP: the configuration file read again, with the same flags over it; applied when only
     * devices and recipient domains changed (docs: README, "reload"). An unreadable file changes nothing.
     */
    private void reload(RelayService relay) {
        if (config == null) {
            RelayEvents.warn("config.reload-skipped", "reason", "started without --config: nothing to read again; the running configuration stays");
            return;
        }
        RelayConfig next;
        try {
            next = configuration(null);
        } catch (UsageException e) {
            RelayEvents.warn("config.reload-failed", "file", config, "reason", e.getMessage() + "; the running configuration stays");
            return;
        }
        relay.reload(next);
    }

    /** {@code --admin HOST:PORT}: the file's console settings (login, certificate) listening there. */
    static AdminConfig adminFlag(String text, Optional<AdminConfig> file) throws ConfigException {
        try {
            ListenAddress hp = AdminConfig.parseListen(text);
            return file.map(a -> a.listening(hp.host(), hp.port()))
                    .orElseGet(() -> new AdminConfig(hp.host(), hp.port(), AdminConfig.DEFAULT_USER, Optional.empty(),
                            new CertificateSource.SelfSigned(), false));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--admin " + text + ": " + e.getMessage());
        }
    }

    private static void closeLab(RelayLab labUpstream) {
        if (labUpstream != null) {
            labUpstream.close();
        }
    }

    /** A loud line on stderr (and in the log) at every start while the open-relay override lets a wide network in. */
    private void warnIfOpen(RelayConfig c) {
        List<String> wide = c.guard().acceptedWide(c.devices()).stream().map(Object::toString).toList();
        if (!wide.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("smtp-doctor relay: WARNING: OPEN RELAY: every host in " + String.join(", ", wide)
                    + " may send mail through this relay (" + NetworkGuard.OVERRIDE + " is set)");
            err.flush();
            RelayEvents.warn("config.open-relay", "networks", wide);
        }
    }

    private Integer init(PrintWriter out) {
        // --init with --config F would write G and ignore F: a contradiction, not a wish to merge them.
        List<String> others = spec.commandLine().getParseResult().matchedOptions().stream()
                .map(o -> o.longestName()).filter(n -> !n.equals("--init")).distinct().toList();
        if (!others.isEmpty()) {
            throw new UsageException("--init writes an example configuration and exits; it takes no " + String.join(", ", others)
                    + " (write the example, edit it, then: smtp-doctor relay --config FILE)");
        }
        if (init.equals("-")) {
            out.print(RelayConfigExample.text());
            out.flush();
            return ExitCode.OK;
        }
        Path file;
        try {
            file = Path.of(init);
        } catch (InvalidPathException e) {
            throw new UsageException("--init " + init + ": not a valid file name");
        }
        try {
            Files.writeString(file, RelayConfigExample.text(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new UsageException(init + " already exists; --init never overwrites (choose another name: --init FILE)");
        } catch (IOException e) {
            throw new UsageException("cannot write " + init + " (" + org.smtpdoctor.io.TextInput.reason(e) + ")");
        }
        out.println("Wrote " + init + ": edit it, then check it with: smtp-doctor relay --config " + init + " --check-config");
        out.flush();
        return ExitCode.OK;
    }

    private static void describe(RelayConfig c, PrintWriter out) {
        for (ListenerConfig l : c.listeners()) {
            out.println("  listening   " + l + (l.allowPlaintextAuth() ? ", AUTH before TLS allowed" : ""));
        }
        for (DeviceRule d : c.devices()) {
            List<String> how = new ArrayList<>();
            if (!d.networks().isEmpty()) {
                how.add("from " + String.join(", ", d.networks().stream().map(Object::toString).toList()));
            }
            d.user().ifPresent(u -> how.add("account " + u));
            d.rewriteFrom().ifPresent(r -> how.add("sends as " + r));
            if (!d.senders().isEmpty()) {
                how.add("senders " + String.join(", ", d.senders()));
            }
            out.println("  device      " + d.name() + ": " + String.join("; ", how));
        }
        if (!c.recipientDomains().isEmpty()) {
            out.println("  recipients  only " + String.join(", ", c.recipientDomains()));
        }
        for (UpstreamUrl u : c.upstreams()) {
            out.println("  upstream    " + u);
        }
        out.println("  spool       " + c.spoolDir() + " (keeps " + c.spoolReserve() + " of its volume free)");
        out.println("  pacing      " + c.pacing().messagesPerMinute() + " messages/min, " + c.pacing().recipientsPerDay()
                + " recipients/day, " + c.pacing().connections() + " connections per mailbox; retries for up to " + age(c.retryMaxAge()));
        out.println("  bounces     " + c.bouncesTo().map(a -> "to " + a).orElse("to the original sender"));
    }

    /** The relay's events (one line each) go to stderr at INFO unless SMTP_DOCTOR_LOG chose a level. */
    private static void showRelayEvents() {
        if (System.getenv("SMTP_DOCTOR_LOG") == null && LoggerFactory.getLogger("org.smtpdoctor.relay.events") instanceof Logger events) {
            events.setLevel(Level.INFO);
        }
    }

    /** 5 days, 36 hours, 90 minutes: the largest unit that says it exactly. */
    static String age(Duration d) {
        if (d.toHours() % 24 == 0 && d.toDays() > 0 && d.toSeconds() % 3600 == 0) {
            return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        }
        if (d.toSeconds() % 3600 == 0) {
            return d.toHours() + " hours";
        }
        return d.toMinutes() + " minutes";
    }
}
