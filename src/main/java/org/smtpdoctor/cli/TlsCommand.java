package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smtpdoctor.check.TlsMatrix;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.net.SystemResolver;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.tls.LegacyTls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smtp-doctor tls}: the TLS versions a mail server accepts, and its certificate. */
@Command(name = "tls", header = "Which TLS versions a mail server accepts, and its certificate.", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Try TLS 1.0, 1.1, 1.2 and 1.3, each on its own connection (STARTTLS or implicit TLS), and show which the",
            "server accepts, the cipher for each, and its certificate (names, issuer, validity, key, trust).",
            "TLS 1.0/1.1 are re-enabled in this process for these probes only.",
            "",
            "Examples:",
            "  smtp-doctor tls smtp.office365.com",
            "  smtp-doctor tls mail.example.org:465 --json",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:a TLS 1.2 or 1.3 handshake succeeded", "1:no modern TLS, or the host did not answer",
            "2:usage error"})
public final class TlsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "The server, and its port unless it is 587 "
            + "(STARTTLS); an IPv6 address with a port in brackets: [2001:db8::25]:465.")
    String target;

    @Option(names = "--security", paramLabel = "MODE", description = "starttls or tls (default: tls for port 465, else starttls).")
    String security;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Per-connection timeout (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--trust-cert", paramLabel = "PEM", description = "Also trust the certificate(s) in this PEM file.")
    Path trustCert;

    @Option(names = "--json", description = "JSON: protocols {version: accepted|refused|error}, ciphers {version: name}, certificate {...}.")
    boolean json;

    @picocli.CommandLine.Mixin
    HtmlReportOption html = new HtmlReportOption();

    @Override
    public Integer call() throws IOException {
        // Before any other TLS use in this process (see LegacyTls).
        LegacyTls.allow();
        PrintWriter out = spec.commandLine().getOut();
        HostPort hp = Inputs.hostPort(target);
        String host = hp.host();
        int port = hp.port().orElse(587);
        Duration timeout = Inputs.timeout(timeoutSeconds, 120);
        Security sec;
        try {
            sec = security != null ? Security.parse(security) : port == 465 ? Security.TLS : Security.STARTTLS;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (sec == Security.NONE) {
            throw new UsageException("--security must be starttls or tls here");
        }
        List<java.security.cert.X509Certificate> trusted = Inputs.certificates(trustCert);
        InetAddress address;
        try {
            address = new SystemResolver().resolve(host, timeout).get(0);
        } catch (TransportException e) {
            if (json) {
                ObjectNode doc = JsonError.document(e.getMessage(), e.kind().name().toLowerCase(java.util.Locale.ROOT));
                doc.putObject("target").put("host", host).put("port", port).put("security", sec.id());
                out.println(doc.toPrettyString());
            } else {
                out.println("smtp-doctor tls " + HostPort.display(host, port) + ": " + e.getMessage());
            }
            out.flush();
            return ExitCode.FAILED;
        }
        TlsMatrix.Result result = new TlsMatrix(timeout, trusted).run(host, address, port, sec);
        html.write(render(result), "smtp-doctor tls " + host + ":" + port + " (" + sec.id() + ")");
        if (json) {
            out.println(render(result).toPrettyString());
        } else {
            print(out, result, address);
            html.announce(out);
        }
        out.flush();
        boolean modern = "accepted".equals(result.protocols().get("TLSv1.2").status())
                || "accepted".equals(result.protocols().get("TLSv1.3").status());
        return modern ? ExitCode.OK : ExitCode.FAILED;
    }

    static ObjectNode render(TlsMatrix.Result r) {
        ObjectNode doc = Version.jsonDocument();
        doc.putObject("target").put("host", r.host()).put("port", r.port()).put("security", r.security().id());
        ObjectNode protocols = doc.putObject("protocols");
        ObjectNode ciphers = doc.putObject("ciphers");
        ObjectNode details = doc.putObject("details");
        for (Map.Entry<String, TlsMatrix.Verdict> e : r.protocols().entrySet()) {
            protocols.put(e.getKey(), e.getValue().status());
            e.getValue().cipher().ifPresent(c -> ciphers.put(e.getKey(), c));
            details.put(e.getKey(), e.getValue().detail());
        }
        r.certificate().ifPresentOrElse(c -> {
            ObjectNode n = doc.putObject("certificate");
            n.put("subject", c.subject());
            c.names().forEach(n.putArray("names")::add);
            n.put("issuer", c.issuer()).put("not_before", c.notBefore().toString()).put("not_after", c.notAfter().toString())
                    .put("days_left", c.daysLeft()).put("key_type", c.keyType()).put("key_bits", c.keyBits())
                    .put("signature_algorithm", c.signatureAlgorithm()).put("hostname_matches", c.hostnameMatches())
                    .put("trust", c.verdict()).put("trust_detail", c.verdictDetail()).put("chain_length", c.chainLength());
        }, () -> doc.putNull("certificate"));
        return doc;
    }

    private static void print(PrintWriter out, TlsMatrix.Result r, InetAddress address) {
        out.println("smtp-doctor tls " + HostPort.display(r.host(), r.port()) + " (" + HostPort.literal(address) + ", "
                + r.security().id() + ")");
        out.println();
        for (Map.Entry<String, TlsMatrix.Verdict> e : r.protocols().entrySet()) {
            TlsMatrix.Verdict v = e.getValue();
            out.printf("  %-8s %-9s %s%n", e.getKey(), v.status(),
                    v.cipher().map(c -> c + ("accepted".equals(v.status()) ? "" : "  (" + v.detail() + ")")).orElse(v.detail()));
        }
        r.certificate().ifPresent(c -> {
            out.println();
            out.println("  Certificate  " + c.subject());
            out.println("    names      " + String.join(", ", c.names()));
            out.println("    issuer     " + c.issuer());
            out.println("    valid      " + c.notBefore() + " to " + c.notAfter() + " (" + c.daysLeft() + " days left)");
            out.println("    key        " + c.keyType() + " " + c.keyBits() + " bits, signed " + c.signatureAlgorithm());
            out.println("    host name  " + (c.hostnameMatches() ? "matches " : "does NOT match ") + r.host());
            out.println("    trust      " + c.verdict() + ": " + c.verdictDetail() + " (chain of " + c.chainLength() + ")");
        });
    }
}
