package org.smtpdoctor.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.deliver.DeliveryOptions;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.deliver.RetryPolicy;
import org.smtpdoctor.relay.service.RelayService;
import org.smtpdoctor.report.TerminalText;
import org.smtpdoctor.smtp.Reply;

/**
 * {@code relay --lab [SCENARIO]}: the whole path on one machine. The embedded Microsoft 365
 * lab runs in this process with its own Entra, and the relay's upstream is the lab's
 * submission endpoint with OAuth ({@code m365-oauth://} with the lab's tenant, app, authority,
 * port and certificate), so a newcomer watches an old device's message reach "Microsoft 365"
 * with modern auth. Retries are quick (seconds, not minutes) so a deferral and its recovery
 * can be watched; a scenario name typed on standard input switches the lab
 * ({@link LabServer#switchTo}) and makes deferred mail due at once.
 * <p>
 * Lifecycle: {@link #start} starts the lab and writes the lab's certificate and client secret
 * to a private temporary directory (also the spool unless {@code --spool} names one);
 * {@link #close} stops the lab and deletes that directory. Not thread-safe, but for the
 * watcher thread it starts.
 */
final class RelayLab implements AutoCloseable {

    static final String DEFAULT_SCENARIO = "oauth-healthy";
    /** Seconds, so a newcomer sees a deferred message go out soon after the lab is healthy again. */
    static final RetryPolicy QUICK_RETRIES = new RetryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(20), 0.2,
            Duration.ofDays(1), Duration.ofSeconds(3), Duration.ofSeconds(10));

    private final LabServer lab;
    private final Path dir;
    private final Path certificate;
    private final Path secret;

    private RelayLab(LabServer lab, Path dir, Path certificate, Path secret) {
        this.lab = lab;
        this.dir = dir;
        this.certificate = certificate;
        this.secret = secret;
    }

    static RelayLab start(String scenarioName) throws IOException {
        Scenario scenario = scenario(scenarioName);
        Path dir = Files.createTempDirectory("smtp-doctor-relay-lab-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        // The relay's listener takes TLS 1.0 devices; the lab is about to make this process's first TLS context.
        org.smtpdoctor.relay.device.RelayServer.allowLegacyTls();
        LabServer lab;
        try {
            // A graph-* scenario: the relay's upstream is the lab's Microsoft Graph (m365-graph://).
            lab = scenario.graph() ? LabServer.startWithGraph(scenario, 0) : LabServer.startWithEntra(scenario, 0);
        } catch (IOException | RuntimeException e) {
            delete(dir);
            throw e;
        }
        Path certificate = Files.writeString(dir.resolve("lab-certificate.pem"), lab.certificatePem());
        Path secret = Files.writeString(dir.resolve("lab-client-secret"), LabOAuth.CLIENT_SECRET + "\n");
        return new RelayLab(lab, dir, certificate, secret);
    }

    private static Scenario scenario(String name) {
        return Scenarios.byName(name).orElseThrow(() -> new UsageException("unknown lab scenario '" + name + "'; known: "
                + String.join(", ", Scenarios.all().stream().map(Scenario::name).toList())));
    }

    /** The relay's upstream: the lab's Exchange Online with an app-only token from the lab's Entra. */
    String upstreamUrl() {
        LabOAuth entra = lab.oauth().orElseThrow();
        if (lab.graph().isPresent()) {
            return "m365-graph://" + lab.scenario().mailbox() + "?tenant=" + entra.tenant() + "&client-id=" + entra.clientId()
                    + "&client-secret-file=" + secret + "&authority=" + entra.authority() + "&graph=" + lab.graph().get().url();
        }
        return "m365-oauth://" + lab.scenario().mailbox() + "?tenant=" + entra.tenant() + "&client-id=" + entra.clientId()
                + "&client-secret-file=" + secret + "&host=127.0.0.1&port=" + lab.port() + "&authority=" + entra.authority()
                + "&ca-file=" + certificate;
    }

    /** Where accepted mail waits when no --spool is given: removed with the lab. */
    Path spool() {
        return dir.resolve("spool");
    }

    /** The relay's delivery options with the lab's quick retries. */
    static DeliveryOptions tune(DeliveryOptions options) {
        return options.withRetry(QUICK_RETRIES);
    }

    /** What to type, as a device would, and how to switch the lab. */
    void printHowTo(PrintWriter out, ListenerConfig listener) {
        Scenario s = lab.scenario();
        String at = listener.address() + ":" + listener.port();
        out.println();
        out.println("Lab: the embedded Microsoft 365 (" + s.name() + ": " + s.summary() + ") is the upstream, "
                + lab.graph().map(g -> "through its Microsoft Graph at " + g.url()).orElse("on 127.0.0.1:" + lab.port())
                + ", with OAuth tokens from its own Entra at " + lab.oauth().orElseThrow().authority());
        out.println("Send a test message as a device would (in another terminal):");
        out.println("  swaks --server " + at + " --from " + s.sender() + " --to " + s.recipient() + " --header 'Subject: scan from the 3rd floor'");
        out.println("  python3 -c 'import smtplib; smtplib.SMTP(\"" + listener.address() + "\", " + listener.port() + ").sendmail(\""
                + s.sender() + "\", [\"" + s.recipient() + "\"], \"Subject: scan\\r\\n\\r\\nPage 1\\r\\n\")'");
        out.println("As a TLS 1.0 device:");
        out.println("  swaks --server " + at + " -tls --tls-protocol tlsv1 --tls-cipher 'DEFAULT:@SECLEVEL=0' --from " + s.sender()
                + " --to " + s.recipient());
        out.println("Type a scenario name and Enter to switch the lab (" + String.join(", ", switchable()) + ").");
        out.flush();
    }

    private static List<String> switchable() {
        return Scenarios.all().stream().map(Scenario::name).filter(n -> !n.equals("starttls-stripped")).toList();
    }

    /**
     * Prints each message that reaches the lab's mailbox, and switches the lab when a scenario
     * name is typed (then retries deferred mail at once). A daemon thread; ends with the input.
     */
    void watch(InputStream in, PrintWriter out, RelayService relay) {
        Thread mailbox = new Thread(() -> {
            int seen = 0;
            Optional<Instant> lastProblem = Optional.empty();
            String lastCause = "";
            while (!Thread.currentThread().isInterrupted()) {
                List<String> received = arrived();
                for (; seen < received.size(); seen++) {
                    out.println("lab mailbox " + lab.scenario().mailbox() + ": message " + (seen + 1) + " arrived ("
                            + subject(received.get(seen)) + ")");
                    out.flush();
                }
                RelayStatus.UpstreamStatus up = relay.status().upstreams().get(0);
                if (up.lastEvent().filter(e -> !e.startsWith("delivered")).isPresent() && !up.lastAt().equals(lastProblem)) {
                    lastProblem = up.lastAt();
                    String cause = up.lastCause().orElse("") + " " + up.lastReply().map(r -> r.split(" ", 3).length > 1
                            ? r.split(" ", 3)[0] + " " + r.split(" ", 3)[1] : r).orElse("");
                    if (cause.equals(lastCause)) {
                        out.println("relay: " + up.lastEvent().orElse("deferred") + " again (" + cause.strip() + ")");
                        out.flush();
                    } else {
                        explain(out, up);
                    }
                    lastCause = cause;
                } else if (up.lastEvent().filter(e -> e.startsWith("delivered")).isPresent()) {
                    lastCause = "";
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "relay-lab-mailbox");
        mailbox.setDaemon(true);
        mailbox.start();
        Thread commands = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String name = line.strip();
                    if (name.isEmpty()) {
                        continue;
                    }
                    try {
                        lab.switchTo(scenario(name));
                        int due = relay.retryAll();
                        out.println("lab: now " + name + (due > 0 ? "; " + due + " deferred message(s) retried now" : ""));
                    } catch (UsageException | IllegalArgumentException e) {
                        out.println("lab: " + e.getMessage());
                    } catch (IOException e) {
                        out.println("lab: switched to " + name + ", but the spool could not be retried: " + e.getMessage());
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // Standard input closed or unreadable: the relay goes on without switching.
            }
        }, "relay-lab-commands");
        commands.setDaemon(true);
        commands.start();
    }

    /** The last upstream problem in words: the reply, its cause, and the first fix, from the knowledge base. */
    private void explain(PrintWriter out, RelayStatus.UpstreamStatus up) {
        String reply = up.lastReply().orElse("");
        Optional<Cause> cause = up.lastCause().flatMap(Cause::byId);
        out.println("relay: " + up.lastEvent().orElse("") + ": " + TerminalText.safe(reply));
        if (cause.isPresent()) {
            Optional<Diagnosis> d = diagnosis(reply, cause.get());
            out.println("  cause " + cause.get().id() + d.map(x -> ": " + x.title()).orElse(""));
            List<String> fixes = d.map(Diagnosis::remedies).orElse(List.of());
            for (int i = 0; i < Math.min(3, fixes.size()); i++) {
                out.println("  fix " + (i + 1) + ": " + fixes.get(i));
            }
        }
        out.println("  (the relay keeps the message and retries; type " + (lab.graph().isPresent() ? "graph-healthy" : "oauth-healthy")
                + " to let it through)");
        out.flush();
    }

    /**
     * The knowledge base's words for a reply the relay classified as {@code cause}: the status
     * keeps the reply and the cause, not the phase, so each delivery phase is tried in turn.
     */
    private Optional<Diagnosis> diagnosis(String reply, Cause cause) {
        if (reply.startsWith("Graph HTTP ")) {
            KnowledgeBase.Decision d = KnowledgeBase.bundled().decideAmong(new Evidence("graph", Optional.empty(), Optional.empty(),
                    Optional.of(reply), false, Vendor.MICROSOFT, java.util.Map.of("mailbox", lab.scenario().mailbox())), c -> c == cause);
            return d.diagnosis().cause() == cause ? Optional.of(d.diagnosis()) : Optional.empty();
        }
        Matcher m = REPLY.matcher(reply);
        if (!m.matches()) {
            return Optional.empty();
        }
        Reply r = Reply.of(Integer.parseInt(m.group(1)), m.group(2));
        for (String phase : List.of("xoauth2", "auth", "mail-from", "rcpt-to", "data", "banner", "ehlo", "tls")) {
            KnowledgeBase.Decision d = KnowledgeBase.bundled().decideAmong(Evidence.reply(phase, r, Vendor.MICROSOFT,
                    java.util.Map.of("user", lab.scenario().mailbox(), "host", "127.0.0.1")),
                    c -> c == cause);
            if (d.diagnosis().cause() == cause) {
                return Optional.of(d.diagnosis());
            }
        }
        return Optional.empty();
    }

    private static final Pattern REPLY = Pattern.compile("(?s)([2-5]\\d\\d)[ -](.*)");

    /** What reached the lab's mailbox: through its SMTP endpoint, or through its Graph. */
    private List<String> arrived() {
        if (lab.graph().isPresent()) {
            return lab.graph().get().sent().stream().map(m -> new String(m.mime(), StandardCharsets.UTF_8)).toList();
        }
        return lab.receivedMessages();
    }

    private static String subject(String message) {
        return message.lines().takeWhile(l -> !l.isEmpty()).filter(l -> l.regionMatches(true, 0, "Subject:", 0, 8))
                .map(l -> l.substring(8).strip()).findFirst().map(s -> "Subject: " + TerminalText.safe(s)).orElse("no Subject");
    }

    @Override
    public void close() {
        lab.close();
        delete(dir);
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
