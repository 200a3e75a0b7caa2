package org.smtpdoctor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.smtpdoctor.check.CheckRequest;
import org.smtpdoctor.check.CheckResult;
import org.smtpdoctor.check.CheckRunner;
import org.smtpdoctor.check.Preset;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.net.SystemResolver;
import org.smtpdoctor.oauth.Authority;
import org.smtpdoctor.oauth.ClientCredential;
import org.smtpdoctor.oauth.EntraTokenSource;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.oauth.TokenClient;
import org.smtpdoctor.oauth.TokenSource;
import org.smtpdoctor.report.JsonReport;
import org.smtpdoctor.report.TerminalReport;
import org.smtpdoctor.report.TerminalStyle;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.tls.LegacyTls;
import org.smtpdoctor.tls.TlsClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smtp-doctor check}: wiring only; the work is in {@link CheckRunner}. */
@Command(name = "check", header = "Diagnose the submission path layer by layer and name the cause with its fix.", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "Walk the SMTP submission path layer by layer (config, DNS, TCP, banner, EHLO, TLS, certificate, AUTH,",
            "MAIL FROM, RCPT TO, DATA) and name the cause of the first failure with its fix.",
            "When the failure's reply leaves the cause in doubt, a follow-up probe may settle it on a new",
            "connection: the same command again after 3 s, or AUTH with the other of PLAIN and LOGIN. A password",
            "is sent at most once more, and never after a reply that already names its cause (docs/json.md).",
            "",
            "Examples:",
            "  smtp-doctor check --lab security-defaults",
            "  smtp-doctor check --preset m365 -u scanner@contoso.com --password-env SMTP_PASSWORD -t you@contoso.com",
            "  smtp-doctor check --host mail.example.org --port 465 --security tls --no-auth --json",
            "  # OAuth, app-only (--device-code instead of a secret: delegated):",
            "  smtp-doctor check --preset m365 -u scanner@contoso.com -t you@contoso.com --tenant contoso.onmicrosoft.com \\",
            "      --client-id APP_ID --client-secret-env APP_SECRET",
            "  # OAuth against the lab's own Entra:",
            "  smtp-doctor check --lab oauth-healthy",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:passed (warnings allowed)", "1:a failure was diagnosed",
            "2:usage or configuration error", "3:internal error (a bug)"})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /**
     * Set instead of {@link #spec} when {@link CheckLine} read the command line: its streams and
     * the options given (every name of each).
     */
    PrintWriter out;
    PrintWriter err;
    java.util.Set<String> given;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Fill host, port and security for a known service: ${COMPLETION-CANDIDATES}. "
                    + "m365 = smtp.office365.com:587 STARTTLS.", completionCandidates = PresetNames.class)
    String preset;

    @Option(names = "--host", paramLabel = "HOST", description = "SMTP server host name or address; a port may follow "
            + "(mail.example.org:465, [2001:db8::25]:587).")
    String host;

    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "With --preset m365-direct-send or m365-connector: your accepted domain; the check connects "
                    + "to its MX (must be *.mail.protection.outlook.com) and checks its SPF record.")
    String domain;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default 587, or the preset's).")
    Integer port;

    @Option(names = "--security", paramLabel = "MODE",
            description = "starttls (default), tls (implicit, port 465 style) or none.")
    String security;

    @Option(names = "--lab", paramLabel = "SCENARIO",
            description = "Check the embedded Microsoft 365 lab running the scenario (see: smtp-doctor lab --list). "
                    + "Fills in the lab's mailbox, password, sender and recipient unless given, and sends "
                    + "the test message (the lab keeps it in memory).")
    String lab;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "User name for AUTH (Microsoft 365: the UPN).")
    String user;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from this environment variable.")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of this file.")
    Path passwordFile;

    @Option(names = "--access-token-env", paramLabel = "VAR",
            description = "Authenticate with AUTH XOAUTH2 using the OAuth access token in this environment variable.")
    String accessTokenEnv;

    @Mixin
    OAuthOptions oauth = new OAuthOptions();

    @Option(names = "--auth-mechanism", paramLabel = "MECH", description = "Force LOGIN, PLAIN or XOAUTH2 (default: chosen from what the server offers).")
    String mechanism;

    @Option(names = "--allow-plaintext-auth",
            description = "Send the password even when the session is not encrypted (refused otherwise).")
    boolean allowPlaintextAuth;

    @Option(names = {"--password", "-p"}, hidden = true, paramLabel = "IGNORED", arity = "0..1")
    String passwordOnCommandLine;

    @Option(names = "--no-auth", description = "Do not authenticate, as a device configured without credentials would.")
    boolean noAuth;

    @Option(names = {"-f", "--from"}, paramLabel = "ADDRESS", description = "Envelope sender (default: the user, when it is an address).")
    String from;

    @Option(names = {"-t", "--to"}, paramLabel = "ADDRESS", description = "Recipient to test with RCPT TO.")
    String to;

    @Option(names = "--send", description = "Really send a short test message (otherwise stop after RCPT TO and RSET).")
    boolean send;

    @Option(names = "--no-probes", description = {"Diagnose a failure from its reply alone: no follow-up probe (a second",
            "connection, or AUTH with the other of PLAIN and LOGIN) after it."})
    boolean noProbes;

    @Option(names = "--ehlo-name", paramLabel = "NAME", description = "Name to announce in EHLO (default: this machine's address literal).")
    String ehloName;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Connect and reply timeout in seconds (default ${DEFAULT-VALUE}); the whole check is bounded too.")
    int timeoutSeconds;

    @Option(names = "--device-tls", paramLabel = "VERSION",
            description = "Speak TLS as a device whose newest version is this: 1.0, 1.1, 1.2 or 1.3 (default: 1.3 and 1.2).")
    String deviceTls;

    @Option(names = "--trust-cert", paramLabel = "PEM", description = "Also trust the certificate(s) in this PEM file (self-signed servers).")
    Path trustCert;

    @Option(names = "--json", description = "Print one JSON document instead of the checklist (fields: docs/json.md).")
    boolean json;

    @Mixin
    HtmlReportOption html = new HtmlReportOption();

    @Option(names = "--transcript", description = "Print the wire transcript (secrets redacted).")
    boolean transcript;

    @Option(names = "--no-color", description = "No colour or Unicode marks, even on a terminal.")
    boolean noColor;

    @Option(names = "--tenant-diagnostics", description = "After an AUTH failure, ask Microsoft Graph why (the sign-in log, "
            + "Security Defaults, Conditional Access) with the --graph-* app, and fold its answer into the diagnosis.")
    boolean tenantDiagnostics;

    @Option(names = "--graph-client-id", paramLabel = "ID", description = "The app that reads Graph (Policy.Read.All, "
            + "AuditLog.Read.All) for --tenant-diagnostics; its tenant is --tenant, else the domain of --user.")
    String graphClientId;

    @Option(names = "--graph-client-secret-env", paramLabel = "VAR", description = "That app's client secret, from this variable.")
    String graphSecretEnv;

    @Option(names = "--graph-client-secret-file", paramLabel = "FILE", description = "That app's client secret, first line of this file.")
    Path graphSecretFile;

    @Option(names = "--graph-client-cert", paramLabel = "FILE", description = "That app's certificate and key (PEM or PKCS#12).")
    Path graphCert;

    @Option(names = "--graph", paramLabel = "URL", description = "Microsoft Graph instead of the cloud's own (tests).")
    String graphUrl;

    @Override
    public Integer call() {
        if (passwordOnCommandLine != null || given("--password")) {
            // The value is not repeated: it would land in logs and terminals' scrollback.
            throw new UsageException("passwords are never taken on the command line (they show in process lists and "
                    + "shell history): use --password-env VAR, --password-file FILE, or the prompt");
        }
        refuseContradictions();
        List<String> tlsProtocols = tlsProtocols();
        if (tlsProtocols.contains("TLSv1") || tlsProtocols.contains("TLSv1.1")) {
            // Must precede this process's first TLS use, the lab's included (see LegacyTls).
            LegacyTls.allow();
        }
        PrintWriter out = spec != null ? spec.commandLine().getOut() : this.out;
        LabServer labServer = null;
        try {
            Scenario scenario = null;
            if (lab != null) {
                scenario = Scenarios.byName(lab).orElseThrow(() -> new UsageException(
                        "unknown lab scenario '" + lab + "'; known: " + String.join(", ",
                                Scenarios.all().stream().map(Scenario::name).toList())));
                if (host != null || preset != null || port != null) {
                    throw new UsageException("--lab runs against the embedded lab; it cannot be combined with --host, --port or --preset");
                }
                try {
                    labServer = tenantDiagnostics ? LabServer.startWithGraph(scenario, 0) : LabServer.start(scenario, 0);
                } catch (IOException e) {
                    throw new UsageException("cannot start the lab on 127.0.0.1: " + e.getMessage());
                }
            }
            CheckRequest request = request(scenario, labServer, tlsProtocols);
            Optional<TenantDiagnostics.Reader> reader = tenantDiagnostics
                    ? Optional.of(TenantDiagnostics.reader(this, labServer, request)) : Optional.empty();
            TerminalStyle style = noColor ? TerminalStyle.PLAIN : TerminalStyle.detect();
            CheckRunner runner = new CheckRunner(new SystemResolver(), KnowledgeBase::bundled, transcriptLog());
            if (noProbes) {
                runner = runner.withoutProbes();
            }
            CheckResult result;
            String title = "smtp-doctor check " + request.host() + ":" + request.port() + " (" + request.security().id() + ")"
                    + (scenario != null ? ", lab scenario " + scenario.name() : "");
            if (json) {
                result = runner.run(request, org.smtpdoctor.check.CheckListener.NONE);
                if (reader.isPresent()) {
                    result = TenantDiagnostics.fold(result, reader.get(), null);
                }
                String doc = JsonReport.render(result, Version.get());
                html.write(doc, title);
                out.println(doc);
            } else {
                TerminalReport report = new TerminalReport(out, style);
                report.header(HostPort.display(request.host(), request.port()) + " (" + request.security().id() + ")"
                        + (scenario != null ? ", lab scenario " + scenario.name() : ""));
                result = runner.run(request, report);
                if (reader.isPresent()) {
                    result = TenantDiagnostics.fold(result, reader.get(), report);
                }
                report.summary(result);
                if (transcript) {
                    report.transcript(result);
                }
                if (html.wanted()) {
                    html.write(JsonReport.render(result, Version.get()), title);
                    html.announce(out);
                }
            }
            return result.verdict() == Status.FAIL ? ExitCode.FAILED : ExitCode.OK;
        } finally {
            if (labServer != null) {
                labServer.close();
            }
        }
    }

    /**
     * Options that cannot all be meant: refused before anything starts, rather than one of them
     * silently winning.
     */
    private void refuseContradictions() {
        boolean password = passwordEnv != null || passwordFile != null;
        boolean token = accessTokenEnv != null || oauth.requested();
        if (noAuth) {
            List<String> auth = new ArrayList<>(Inputs.given(this::given, "--user", "--password-env", "--password-file",
                    "--access-token-env", "--tenant", "--client-id", "--client-secret-env", "--client-secret-file", "--client-cert",
                    "--device-code", "--auth-mechanism", "--allow-plaintext-auth"));
            if (tenantDiagnostics) {
                auth.remove("--user"); // the mailbox whose sign-ins Graph is asked about
            }
            if (!auth.isEmpty()) {
                throw new UsageException("--no-auth skips AUTH, so " + String.join(", ", auth)
                        + (auth.size() == 1 ? " has" : " have") + " nothing to do: drop one or the other");
            }
        }
        if (password && token) {
            throw new UsageException("give one credential: a password (--password-env, --password-file) or a token "
                    + "(--access-token-env, or --tenant and --client-id to get one), not both");
        }
        if (mechanism != null && mechanism.equalsIgnoreCase("XOAUTH2") && password) {
            throw new UsageException("--auth-mechanism XOAUTH2 sends a token, not a password: use --access-token-env, "
                    + "or --tenant and --client-id");
        }
        if (mechanism != null && !mechanism.equalsIgnoreCase("XOAUTH2") && token) {
            throw new UsageException("--auth-mechanism " + mechanism + " sends a password; a token needs XOAUTH2");
        }
        if (send && to == null && lab == null) {
            throw new UsageException("--send needs --to: the recipient of the test message");
        }
        if (deviceTls != null && security != null && security.equalsIgnoreCase("none")) {
            throw new UsageException("--device-tls says which TLS to speak, --security none says to speak none: drop one");
        }
        oauth.refuseContradictions(this::given);
    }

    /** Whether this option (any of its names) was on the command line. */
    private boolean given(String name) {
        return spec != null ? spec.commandLine().getParseResult().hasMatchedOption(name) : given.contains(name);
    }

    private PrintWriter err() {
        return spec != null ? spec.commandLine().getErr() : err;
    }

    /**
     * The transcript as DEBUG log lines, only when SMTP_DOCTOR_LOG asks for debug or trace:
     * otherwise the logging framework is not even started (a third of a check's start-up).
     */
    private static java.util.function.Consumer<org.smtpdoctor.smtp.Transcript.Entry> transcriptLog() {
        String level = String.valueOf(System.getenv("SMTP_DOCTOR_LOG")).toLowerCase(java.util.Locale.ROOT);
        if (!level.equals("debug") && !level.equals("trace")) {
            return entry -> { };
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("org.smtpdoctor.transcript");
        return e -> log.debug("{} {}{} {}", e.tMs(), e.dir(), e.tls() ? " tls" : "", e.text());
    }

    /** The versions a device of --device-tls speaks: its newest and the older ones it falls back to. */
    private List<String> tlsProtocols() {
        if (deviceTls == null) {
            return TlsClient.MODERN;
        }
        return switch (deviceTls) {
            case "1.0", "1" -> List.of("TLSv1");
            case "1.1" -> List.of("TLSv1.1", "TLSv1");
            case "1.2" -> List.of("TLSv1.2");
            case "1.3" -> List.of("TLSv1.3", "TLSv1.2");
            default -> throw new UsageException("--device-tls must be 1.0, 1.1, 1.2 or 1.3");
        };
    }

    private CheckRequest request(Scenario scenario, LabServer labServer, List<String> tlsProtocols) {
        Inputs.noControl("--from", from);
        Inputs.noControl("--to", to);
        Inputs.noControl("--ehlo-name", ehloName);
        Inputs.noControl("--user", user);
        Inputs.noControl("--host", host);
        Inputs.noControl("--domain", domain);
        Optional<Preset> p = Optional.empty();
        if (preset != null) {
            p = Optional.of(Preset.byName(preset).orElseThrow(() ->
                    new UsageException("unknown preset '" + preset + "'; known: " + Preset.names())));
        }
        boolean mxRoute = p.map(Preset::usesMx).orElse(false);
        if (mxRoute && (domain == null || domain.isBlank())) {
            throw new UsageException("--preset " + preset + " needs --domain (your accepted domain, whose MX is checked)");
        }
        if (domain != null && !mxRoute) {
            throw new UsageException("--domain goes with --preset m365-direct-send or m365-connector");
        }
        Optional<HostPort> given = Optional.ofNullable(host).map(CheckCommand::hostPort);
        OptionalInt hostPort = given.map(HostPort::port).orElse(OptionalInt.empty());
        if (hostPort.isPresent() && port != null && hostPort.getAsInt() != port) {
            throw new UsageException("--host " + host + " names a port and --port " + port + " another: give the port once");
        }
        String h = labServer != null ? "127.0.0.1" : given.map(HostPort::host).orElse(p.map(Preset::host).orElse(null));
        if (h == null || h.isBlank()) {
            throw new UsageException("say where to connect: --host HOST, --preset NAME (e.g. m365) or --lab SCENARIO");
        }
        Security sec;
        try {
            sec = security != null ? Security.parse(security) : p.map(Preset::security).orElse(Security.STARTTLS);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int prt = labServer != null ? labServer.port() : port != null ? port : hostPort.isPresent() ? hostPort.getAsInt()
                : p.map(Preset::port).orElse(sec == Security.TLS ? 465 : 587);
        Inputs.port(prt);
        Duration timeout = Inputs.timeout(timeoutSeconds, 600);
        if (mechanism != null && !List.of("LOGIN", "PLAIN", "XOAUTH2").contains(mechanism.toUpperCase(java.util.Locale.ROOT))) {
            throw new UsageException("--auth-mechanism must be LOGIN, PLAIN or XOAUTH2");
        }
        if (passwordEnv != null && passwordFile != null) {
            throw new UsageException("give the password one way: --password-env or --password-file");
        }
        List<X509Certificate> trusted = new ArrayList<>(Inputs.certificates(trustCert));
        Optional<String> u = Optional.ofNullable(user);
        Optional<Secret> password = Secrets.fromEnv(passwordEnv, "password").or(() -> Secrets.fromFile(passwordFile, "password"));
        Optional<TokenSource> token = Secrets.fromEnv(accessTokenEnv, "access token")
                .map(t -> TokenSource.of(t, "token from $" + accessTokenEnv));
        if (oauth.requested()) {
            if (token.isPresent()) {
                throw new UsageException("--access-token-env gives a token; --tenant/--client-id get one: use one or the other");
            }
            if (labServer != null) {
                LabOAuth entra = labServer.oauth().orElseThrow(() -> new UsageException("the lab's Entra runs only in the oauth-… "
                        + "scenarios (smtp-doctor lab --list): --tenant, --client-id and client credentials go with those"));
                token = Optional.of(oauth.againstLab(entra, timeout, err()));
            } else {
                token = Optional.of(oauth.source(timeout, err(), p.flatMap(Preset::cloud).orElse(MicrosoftCloud.GLOBAL)));
            }
        }
        Optional<String> f = Optional.ofNullable(from);
        Optional<String> t = Optional.ofNullable(to);
        boolean sending = send;
        // Direct Send and connectors do not authenticate.
        boolean skipAuth = noAuth || (mxRoute && user == null);
        if (scenario != null) {
            trusted.add(labServer.certificate());
            if (!noAuth) {
                u = u.or(() -> Optional.of(scenario.mailbox()));
                if (scenario.oauth() && labServer.oauth().isPresent() && password.isEmpty() && token.isEmpty()) {
                    // The lab's own Entra issues a real token by client credentials, as a tenant's would.
                    token = Optional.of(labToken(labServer.oauth().get(), timeout));
                } else if (password.isEmpty() && token.isEmpty() && user == null) {
                    password = Optional.of(Secret.of(scenario.password()));
                }
            }
            f = f.or(() -> Optional.of(scenario.sender()));
            t = t.or(() -> Optional.of(scenario.recipient()));
            sending = true;
        }
        if (u.isPresent() && !skipAuth && password.isEmpty() && token.isEmpty()) {
            String who = u.get();
            password = Secrets.prompt("Password for " + who);
            if (password.isEmpty()) {
                throw new UsageException("no password for " + who + ": use --password-env VAR or --password-file FILE"
                        + " (or run on a terminal to be asked), or --no-auth to skip AUTH");
            }
        }
        if (mechanism != null && mechanism.equalsIgnoreCase("XOAUTH2") && token.isEmpty()) {
            throw new UsageException("--auth-mechanism XOAUTH2 needs a token: --access-token-env VAR, or --tenant and --client-id to get one");
        }
        if (token.isPresent() && u.isEmpty()) {
            throw new UsageException("OAuth needs --user: the mailbox to send as (XOAUTH2 user=)");
        }
        return new CheckRequest(h, prt, sec, p.map(Preset::name), ehloName == null ? "" : ehloName,
                u, password, token, Optional.ofNullable(mechanism), skipAuth, f, t, sending,
                timeout, trusted, scenario != null, tlsProtocols, allowPlaintextAuth,
                mxRoute ? Optional.of(domain.trim()) : Optional.empty());
    }

    /** --host as HOST, HOST:PORT or [IPv6]:PORT. */
    private static HostPort hostPort(String text) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--host: " + e.getMessage());
        }
    }

    private static TokenSource labToken(LabOAuth entra, Duration timeout) {
        TokenClient client = new TokenClient(new Authority(URI.create(entra.authority()), entra.tenant()), entra.clientId(), timeout);
        return new EntraTokenSource(client, Optional.of(new ClientCredential.ClientSecret(Secret.of(LabOAuth.CLIENT_SECRET))),
                Optional.empty(), (code, left) -> { }, Clock.systemUTC());
    }

    /** Preset names for --help. */
    static final class PresetNames extends ArrayList<String> {
        PresetNames() {
            super(Preset.ALL.stream().map(Preset::name).toList());
        }
    }
}
