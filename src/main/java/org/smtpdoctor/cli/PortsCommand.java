package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.net.PortProbe;
import org.smtpdoctor.net.PortResult;
import org.smtpdoctor.net.SystemResolver;
import org.smtpdoctor.smtp.TransportException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smtp-doctor ports}: which mail ports of a host answer, and what speaks there. */
@Command(name = "ports", header = "Which mail ports of a host answer, and what speaks there.", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Probe mail ports of a host in parallel: each is open, refused, filtered (no answer within the timeout),",
            "reset or unreachable; for an open port, what speaks there (an SMTP greeting, TLS on connect, something",
            "else, or nothing) and the round-trip time. The whole matrix takes about one timeout.",
            "",
            "Examples:",
            "  smtp-doctor ports smtp.office365.com",
            "  smtp-doctor ports mail.example.org --ports 25,465,587,2525,8025 --json",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:at least one port is open", "1:no port is open, or the host does not resolve",
            "2:usage error"})
public final class PortsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "Host name or address; with a port, only that "
            + "port is probed (an IPv6 address with a port in brackets: [2001:db8::25]:587).")
    String hostArgument;

    @Option(names = "--ports", paramLabel = "LIST", split = ",", defaultValue = "25,465,587,2525",
            description = "Comma-separated ports (default ${DEFAULT-VALUE}).")
    List<Integer> ports;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds each port may take (default ${DEFAULT-VALUE}): to connect (a port silent that long is "
                    + "'filtered'), then to greet or to start TLS.")
    int timeoutSeconds;

    @Option(names = "--json", description = "One JSON document: host, address, ports[] {port, state, service, rtt_ms, banner}.")
    boolean json;

    @picocli.CommandLine.Mixin
    HtmlReportOption html = new HtmlReportOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration timeout = Inputs.timeout(timeoutSeconds, 120);
        HostPort target = Inputs.hostPort(hostArgument);
        String host = target.host();
        if (target.port().isPresent()) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--ports")) {
                throw new UsageException("give the ports once: " + hostArgument + " names one, and --ports others");
            }
            ports = List.of(target.port().getAsInt());
        }
        List<Integer> list = new ArrayList<>();
        for (int p : ports) {
            if (!list.contains(Inputs.port(p))) {
                list.add(p);
            }
        }
        if (list.size() > 64) {
            throw new UsageException("at most 64 ports at once");
        }
        InetAddress address;
        try {
            address = new SystemResolver().resolve(host, timeout).get(0);
        } catch (TransportException e) {
            ObjectNode doc = JsonError.document(e.getMessage(), e.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("host", host).putNull("address");
            doc.putArray("ports");
            html.write(doc, "smtp-doctor ports " + host);
            if (json) {
                out.println(doc.toPrettyString());
            } else {
                out.println("smtp-doctor ports " + host + ": " + e.getMessage());
            }
            out.flush();
            return ExitCode.FAILED;
        }
        long start = System.nanoTime();
        List<PortResult> results = new PortProbe(timeout, Duration.ofMillis(Math.min(3000, timeout.toMillis())))
                .probeAll(address, host, list);
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        ObjectNode doc = Version.jsonDocument();
        doc.put("host", host)
                .put("address", HostPort.literal(address)).put("duration_ms", took);
        ArrayNode arr = doc.putArray("ports");
        for (PortResult r : results) {
            ObjectNode n = arr.addObject();
            n.put("port", r.port());
            n.put("state", r.state().id());
            r.service().ifPresentOrElse(s -> n.put("service", s.id()), () -> n.putNull("service"));
            r.rttMs().ifPresentOrElse(v -> n.put("rtt_ms", v), () -> n.putNull("rtt_ms"));
            r.banner().ifPresentOrElse(b -> n.put("banner", b), () -> n.putNull("banner"));
        }
        html.write(doc, "smtp-doctor ports " + host);
        if (json) {
            out.println(doc.toPrettyString());
        } else {
            out.println("smtp-doctor ports " + host + " (" + HostPort.literal(address) + "), " + took + " ms");
            out.println();
            out.printf("  %-6s %-11s %-8s %-8s %s%n", "PORT", "STATE", "SERVICE", "RTT", "BANNER");
            for (PortResult r : results) {
                out.printf("  %-6d %-11s %-8s %-8s %s%n", r.port(), r.state().id(),
                        r.service().map(PortResult.Service::id).orElse("-"),
                        r.rttMs().map(v -> v + " ms").orElse("-"), r.banner().orElse(""));
            }
            html.announce(out);
        }
        out.flush();
        return results.stream().anyMatch(r -> r.state() == PortResult.State.OPEN) ? ExitCode.OK : ExitCode.FAILED;
    }
}
