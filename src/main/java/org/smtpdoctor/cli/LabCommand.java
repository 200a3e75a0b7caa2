package org.smtpdoctor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.tls.LegacyTls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smtp-doctor lab}: list the scenarios, or run one in the foreground on 127.0.0.1. */
@Command(name = "lab", header = "Run the embedded Microsoft 365 simulator with a failure scenario.", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
            "An embedded simulator of Microsoft 365 SMTP submission (smtp.office365.com:587) that reproduces",
            "one failure mode at a time. It listens on 127.0.0.1 only.",
            "",
            "Examples:",
            "  smtp-doctor lab --list",
            "  smtp-doctor lab --scenario conditional-access --port 2525",
            "  smtp-doctor lab --scenario oauth-healthy     # also prints the lab's OAuth authority, tenant and client id",
            "  smtp-doctor lab --scenario graph-throttled   # prints a relay command line with an m365-graph:// upstream",
            "  smtp-doctor check --lab conditional-access   # start, check and stop in one go",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally", "2:usage error (unknown scenario, port in use)"})
public final class LabCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--list", description = "List the scenarios and the cause each one must be diagnosed as.")
    boolean list;

    @Option(names = "--scenario", paramLabel = "NAME", description = "Run this scenario until Ctrl-C.")
    String scenario;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "2587",
            description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--graph-port", paramLabel = "PORT", defaultValue = "2588",
            description = "Port of the lab's Microsoft Graph on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int graphPort;

    @Option(names = "--entra-port", paramLabel = "PORT", defaultValue = "2589",
            description = "Port of the lab's Entra ID (sign-in) on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int entraPort;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (list && scenario != null) {
            throw new UsageException("--list lists the scenarios, --scenario runs one: give one of them");
        }
        if (scenario == null && spec.commandLine().getParseResult().hasMatchedOption("--port")) {
            throw new UsageException("--port is where --scenario listens: give --scenario NAME with it");
        }
        if (list || scenario == null) {
            out.printf("%-28s %-30s %s%n", "SCENARIO", "CAUSE", "WHAT IT SIMULATES");
            for (Scenario s : Scenarios.all()) {
                out.printf("%-28s %-30s %s%n", s.name(), s.expectedCause() == null ? "(passes)" : s.expectedCause(), s.summary());
            }
            if (!list) {
                out.println();
                out.println("Run one with: smtp-doctor lab --scenario NAME   or check one with: smtp-doctor check --lab NAME");
            }
            out.flush();
            return ExitCode.OK;
        }
        Scenario chosen = Scenarios.byName(scenario).orElseThrow(() -> new UsageException(
                "unknown lab scenario '" + scenario + "'; see smtp-doctor lab --list"));
        for (int p : new int[] {port, graphPort, entraPort}) {
            if (p < 0 || p > 65535) {
                throw new UsageException("port " + p + " is out of range (0-65535)");
            }
        }
        // Legacy devices (TLS 1.0/1.1) get Microsoft's own refusal after the handshake (421 4.7.66)
        // instead of a handshake failure; the lab still negotiates TLS 1.2+ with everyone else.
        LegacyTls.allow();
        LabServer server;
        try {
            server = LabServer.startWithGraph(chosen, port, graphPort, entraPort);
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot listen on 127.0.0.1:" + port + ", " + graphPort + " (Graph) and " + entraPort
                    + " (Entra): " + e.getMessage() + " (--port, --graph-port and --entra-port choose others)");
        }
        Path cert = Files.createTempFile("smtp-doctor-lab-", ".pem");
        Files.writeString(cert, server.certificatePem(), StandardCharsets.US_ASCII);
        cert.toFile().deleteOnExit();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        out.println("smtp-doctor lab: scenario " + chosen.name() + " - " + chosen.summary());
        out.println("  listening   127.0.0.1:" + server.port() + " (STARTTLS, TLS 1.2+)");
        out.println("  mailbox     " + chosen.mailbox());
        out.println("  password    " + chosen.password() + "   (a demo value)");
        out.println("  sender      " + chosen.sender());
        out.println("  recipient   " + chosen.recipient());
        out.println("  certificate " + cert);
        if (server.oauth().isPresent()) {
            LabOAuth entra = server.oauth().get();
            // (the same Entra issues the Graph tokens, below)
            out.println();
            out.println("OAuth (the lab's Entra ID; AUTH XOAUTH2 accepts only its tokens):");
            out.println("  authority   " + entra.authority() + "   (in place of https://login.microsoftonline.com)");
            out.println("  tenant      " + entra.tenant());
            out.println("  client id   " + entra.clientId());
            out.println("  secret      " + LabOAuth.CLIENT_SECRET + "   (the app's only secret: another gets AADSTS7000215, "
                    + "another tenant AADSTS90002, another client id AADSTS700016)");
            out.println("  scope       " + LabOAuth.EXCHANGE_SCOPE);
            out.println("  token URL   " + entra.tokenEndpoint());
            out.println();
            out.println("Try: export LAB_TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=" + entra.clientId()
                    + " -d client_secret=" + LabOAuth.CLIENT_SECRET + " --data-urlencode scope=" + LabOAuth.EXCHANGE_SCOPE
                    + " " + entra.tokenEndpoint() + " | sed -n 's/.*\"access_token\" *: *\"\\([^\"]*\\)\".*/\\1/p')");
            out.println("     smtp-doctor check --host 127.0.0.1 --port " + server.port() + " --trust-cert " + cert + " --user "
                    + chosen.mailbox() + " --access-token-env LAB_TOKEN --to " + chosen.recipient());
        } else {
            out.println();
            out.println("Try: LAB_PASSWORD='" + chosen.password() + "' smtp-doctor check --host 127.0.0.1 --port " + server.port()
                    + " --trust-cert " + cert + " --user " + chosen.mailbox() + " --password-env LAB_PASSWORD --to "
                    + chosen.recipient());
        }
        printGraph(out, server, chosen);
        out.println("Stop with Ctrl-C.");
        out.flush();
        stopped.await();
        return ExitCode.OK;
    }

    /** The lab's Graph and Entra, and the command lines that use them: a relay with m365-graph:// and tenant. */
    private static void printGraph(PrintWriter out, LabServer server, Scenario chosen) {
        if (server.graph().isEmpty() || server.entra().isEmpty()) {
            return;
        }
        LabOAuth entra = server.entra().get();
        String graph = server.graph().get().url();
        out.println();
        out.println("Microsoft Graph (the lab's; tokens from the lab's Entra, any client secret works):");
        out.println("  graph       " + graph + "   (in place of https://graph.microsoft.com)");
        out.println("  authority   " + entra.authority() + "   (in place of https://login.microsoftonline.com)");
        out.println("  tenant      " + entra.tenant());
        out.println("  client id   " + entra.clientId());
        out.println("  mailbox     " + chosen.mailbox());
        out.println();
        out.println("Relay to it: LAB_SECRET=" + LabOAuth.CLIENT_SECRET + " smtp-doctor relay --listen 127.0.0.1:2525 --allow 127.0.0.1/32"
                + " --spool /tmp/smtp-doctor-lab-spool --upstream '" + graphUpstream(entra, graph, chosen.mailbox()) + "'");
        out.println("Read it:     LAB_SECRET=" + LabOAuth.CLIENT_SECRET + " smtp-doctor tenant --tenant " + entra.tenant()
                + " --client-id " + entra.clientId() + " --client-secret-env LAB_SECRET --authority " + entra.authority()
                + " --graph " + graph + " --user " + chosen.mailbox());
    }

    /** The m365-graph:// URL of a relay that sends through the lab's Graph as the mailbox. */
    static String graphUpstream(LabOAuth entra, String graph, String mailbox) {
        return "m365-graph://" + mailbox + "?tenant=" + entra.tenant() + "&client-id=" + entra.clientId()
                + "&client-secret-env=LAB_SECRET&authority=" + entra.authority() + "&graph=" + graph;
    }
}
