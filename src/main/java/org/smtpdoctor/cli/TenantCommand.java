package org.smtpdoctor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.graph.Bearer;
import org.smtpdoctor.graph.GraphEndpoint;
import org.smtpdoctor.graph.GraphHttp;
import org.smtpdoctor.graph.TenantChecks;
import org.smtpdoctor.graph.TenantReader;
import org.smtpdoctor.graph.TenantReport;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.oauth.TokenSource;
import org.smtpdoctor.report.TenantText;
import org.smtpdoctor.report.TerminalStyle;
import org.smtpdoctor.smtp.Redactor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smtp-doctor tenant}: read-only checks of a tenant through Microsoft Graph (graph.TenantChecks). */
@Command(name = "tenant", header = "Ask Microsoft Graph why SMTP AUTH fails: Security Defaults, Conditional Access, the sign-in log.",
        mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
            "Reads, never writes: Security Defaults and Conditional Access (Policy.Read.All), the mailbox's sign-ins with",
            "client app 'Authenticated SMTP' (AuditLog.Read.All, Entra ID P1/P2), optionally an app's token requests;",
            "each check says the permission it needs and is skipped without it. The latest SMTP sign-in's error code is",
            "Microsoft's own verdict on the device's attempt: it names the cause with high confidence. What Graph cannot",
            "read (the SMTP AUTH switches, AllowLegacyTLSClients, RejectDirectSend) is shown as Exchange PowerShell.",
            "",
            "Examples:",
            "  smtp-doctor tenant --lab security-defaults",
            "  smtp-doctor tenant --tenant contoso.onmicrosoft.com --client-id ID --client-secret-env SECRET \\",
            "      --user scanner@contoso.com",
            "  smtp-doctor tenant --tenant contoso.onmicrosoft.com --client-id ID --device-code --user scanner@contoso.com",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing blocks SMTP AUTH (warnings allowed)", "1:something blocks it (the diagnosis says what)",
            "2:usage error"})
public final class TenantCommand implements Callable<Integer> {

    /** What an admin signing in by device code is asked for (delegated Graph permissions). */
    static final String DELEGATED = "Policy.Read.All AuditLog.Read.All";

    @Spec
    CommandSpec spec;

    @Mixin
    OAuthOptions oauth = new OAuthOptions();

    @Option(names = "--user", paramLabel = "MAILBOX", description = "The mailbox (UPN) whose SMTP sign-ins to read.")
    String user;

    @Option(names = "--app-id", paramLabel = "ID", description = "Also read this app's token requests (service principal sign-ins, Graph beta).")
    String appId;

    @Option(names = "--days", paramLabel = "N", defaultValue = "7", description = "How far back to read sign-ins (default ${DEFAULT-VALUE}, at most 30).")
    int days;

    @Option(names = "--graph", paramLabel = "URL", description = "Microsoft Graph instead of the cloud's own (the lab's on 127.0.0.1).")
    String graph;

    @Option(names = "--lab", paramLabel = "NAME", description = "Run against the embedded lab's Graph in this scenario (see smtp-doctor lab --list).")
    String lab;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20", description = "Connect and read timeout per request (default ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--json", description = "One JSON document on standard output (docs/json.md).")
    boolean json;

    @Option(names = "--no-color", description = "No colour or Unicode marks, even on a terminal.")
    boolean noColor;

    @Override
    public Integer call() throws IOException {
        oauth.refuseContradictions(spec.commandLine().getParseResult()::hasMatchedOption);
        if (days < 1 || days > 30) {
            throw new UsageException("--days must be 1 to 30 (Entra keeps sign-ins 30 days)");
        }
        if (timeout < 1 || timeout > 300) {
            throw new UsageException("--timeout must be 1 to 300 seconds");
        }
        PrintWriter out = spec.commandLine().getOut();
        Duration t = Duration.ofSeconds(timeout);
        if (lab != null) {
            Scenario scenario = Scenarios.byName(lab).orElseThrow(() -> new UsageException(
                    "unknown lab scenario '" + lab + "'; see smtp-doctor lab --list"));
            if (oauth.requested() || graph != null) {
                throw new UsageException("--lab brings its own tenant, app and Graph; leave out --tenant, --client-id, --graph");
            }
            try (LabServer server = LabServer.startWithGraph(scenario, 0)) {
                LabOAuth entra = server.entra().orElseThrow();
                String mailbox = user != null ? user : scenario.mailbox();
                TokenSource source = OAuthOptions.labSource(entra, t, MicrosoftCloud.GLOBAL.graphScope());
                return run(out, source, GraphEndpoint.of(server.graph().orElseThrow().url()), entra.tenant(), mailbox,
                        "lab scenario " + scenario.name(), t);
            }
        }
        if (!oauth.requested()) {
            throw new UsageException("tenant needs an app (or an admin's sign-in) to read Graph: --tenant T --client-id ID with"
                    + " --client-secret-env VAR, --client-cert FILE or --device-code; or try it with --lab NAME");
        }
        MicrosoftCloud cloud = oauth.cloud(MicrosoftCloud.GLOBAL);
        GraphEndpoint endpoint;
        try {
            endpoint = GraphEndpoint.of(graph != null ? graph : cloud.graph().toString());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--graph: " + e.getMessage());
        }
        TokenSource source = oauth.graphSource(t, spec.commandLine().getErr(), cloud, graphResource(endpoint, cloud), DELEGATED);
        return run(out, source, endpoint, oauth.tenant, user, null, t);
    }

    /** The resource to ask tokens for: the cloud's Graph, or for a Graph given by URL the worldwide one (the lab's Entra issues it). */
    private static String graphResource(GraphEndpoint endpoint, MicrosoftCloud cloud) {
        for (MicrosoftCloud c : MicrosoftCloud.values()) {
            if (c.graph().equals(endpoint.base())) {
                return c.graph().toString();
            }
        }
        return cloud.graph().toString();
    }

    private int run(PrintWriter out, TokenSource source, GraphEndpoint endpoint, String tenant, String mailbox, String label,
                    Duration t) {
        Redactor redactor = new Redactor();
        GraphHttp http = new GraphHttp(t, t, java.util.List.of(), redactor);
        Bearer bearer = Bearer.of(source);
        TenantReport report = new TenantChecks(new TenantReader(http, endpoint, bearer), KnowledgeBase.bundled(), Clock.systemUTC())
                .run(tenant, Optional.ofNullable(mailbox), Optional.ofNullable(appId), days);
        if (json) {
            out.println(TenantText.json(report, Version.get()));
        } else {
            TerminalStyle style = noColor ? TerminalStyle.PLAIN : TerminalStyle.detect();
            TenantText.print(out, style, report, "smtp-doctor tenant " + tenant + " through " + endpoint
                    + (label == null ? "" : ", " + label) + (mailbox == null ? "" : ", mailbox " + mailbox));
        }
        out.flush();
        return report.verdict() == Status.FAIL ? ExitCode.FAILED : ExitCode.OK;
    }
}
