package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.relay.spool.TestMessages.content;
import static org.smtpdoctor.relay.spool.TestMessages.envelope;
import static org.smtpdoctor.relay.spool.TestMessages.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.Ports;

/** --json means JSON on every path: reports and errors alike, keys in snake_case (docs/json.md). */
class JsonOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One JSON object on stdout, nothing on stderr, the documented exit code. */
    private static JsonNode error(Cli.Run run, int exit, String kind) throws Exception {
        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.exit()).as(run.out()).isEqualTo(exit);
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.isObject()).isTrue();
        assertThat(doc.get("tool").asText()).isEqualTo("smtp-doctor");
        assertThat(doc.get("error").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(doc.get("error_kind").asText()).isEqualTo(kind);
        assertSnakeCase(doc, "");
        return doc;
    }

    @Test
    void usageErrorsOfEveryCommandAreJsonWithJson(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("missing").toString();
        List<String[]> usage = List.of(
                new String[] {"check", "--json", "--frobnicate"},
                new String[] {"check", "--json", "--lab", "nope"},
                new String[] {"check", "--json"},
                new String[] {"check", "--json", "--host", "127.0.0.1", "--trust-cert", missing, "--no-auth"},
                new String[] {"tls", "--json"},
                new String[] {"tls", "--json", "127.0.0.1:99999"},
                new String[] {"ports", "127.0.0.1", "--json", "--ports", "0"},
                new String[] {"ports", "--json"},
                new String[] {"token", "--json"},
                new String[] {"token", "--json", "--file", missing},
                new String[] {"explain", "--json"},
                new String[] {"explain", "--json", "--file", missing},
                new String[] {"queue", "list", "--json", "--spool", missing},
                new String[] {"queue", "show", "--json", "--spool", missing},
                new String[] {"relay", "status", "--json"},
                new String[] {"tenant", "--json", "--lab", "nope"},
                new String[] {"tenant", "--json", "--days", "99", "--lab", "healthy"},
                new String[] {"relay", "status", "--json", "--spool", missing});
        for (String[] args : usage) {
            error(Cli.run(args), ExitCode.USAGE, JsonError.USAGE);
        }
        // The same mistakes without --json: one line on stderr, nothing on stdout.
        Cli.Run plain = Cli.run("tls");
        assertThat(plain.out()).isEmpty();
        assertThat(plain.err()).startsWith("smtp-doctor: ");
    }

    @Test
    void aHostThatDoesNotResolveIsJsonForTlsAndPorts() throws Exception {
        JsonNode tls = error(Cli.run("tls", "no-such-host.invalid", "--json"), ExitCode.FAILED, "unresolved");
        assertThat(tls.get("target").get("host").asText()).isEqualTo("no-such-host.invalid");
        assertThat(tls.get("target").get("port").asInt()).isEqualTo(587);
        JsonNode ports = error(Cli.run("ports", "no-such-host.invalid", "--json"), ExitCode.FAILED, "unresolved");
        assertThat(ports.get("ports").isArray()).isTrue();
    }

    @Test
    void everyJsonReportNamesItsKeysInSnakeCase(@TempDir Path dir) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        docs.add(JSON.readTree(Cli.run("check", "--lab", "wrong-password", "--json").out()));
        docs.add(JSON.readTree(Cli.run("explain", "--json", "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.").out()));
        String token = org.smtpdoctor.oauth.TokenCheckTest.jwt("{\"aud\":\"https://graph.microsoft.com\",\"exp\":4102444800,\"scp\":\"Mail.Send\"}");
        Path tokenFile = Files.writeString(dir.resolve("token.txt"), token);
        docs.add(JSON.readTree(Cli.run("token", "--file", tokenFile.toString(), "--json").out()));
        int closed = Ports.free();
        docs.add(JSON.readTree(Cli.run("ports", "127.0.0.1", "--ports", String.valueOf(closed), "--timeout", "1", "--json").out()));
        Path spoolDir = dir.resolve("spool");
        try (Spool spool = Spool.open(spoolDir, Spool.Options.defaults().withMinFreeBytes(0))) {
            spool.accept(envelope("scanner@lan.test", "a@contoso.test"), stream(content("1")));
        }
        docs.add(JSON.readTree(Cli.run("queue", "list", "--spool", spoolDir.toString(), "--json").out()));
        docs.add(JSON.readTree(Cli.run("relay", "status", "--spool", spoolDir.toString(), "--json").out()));
        docs.add(JSON.readTree(Cli.run("tenant", "--lab", "security-defaults", "--json").out()));
        try (LabServer lab = LabServer.start(Scenarios.byName("healthy").orElseThrow(), 0)) {
            Path pem = Files.writeString(dir.resolve("lab.pem"), lab.certificatePem(), StandardCharsets.US_ASCII);
            // In a child process: TLS 1.0 must be re-enabled before the process's first TLS use.
            ProcessTest.Result tls = ProcessTest.run(Map.of(), "tls", "127.0.0.1:" + lab.port(), "--trust-cert", pem.toString(), "--json");
            docs.add(JSON.readTree(tls.out()));
        }
        for (JsonNode doc : docs) {
            assertThat(doc.isObject()).isTrue();
            assertSnakeCase(doc, "");
        }
    }

    /** The tls report's protocol maps are keyed by protocol name (TLSv1.2): data, not field names. */
    private static final Set<String> DATA_KEYED = Set.of(".protocols", ".ciphers", ".details");

    private static void assertSnakeCase(JsonNode node, String path) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path + "." + field.getKey();
                if (!DATA_KEYED.contains(path)) {
                    assertThat(field.getKey()).as(at).matches("[a-z][a-z0-9]*(_[a-z0-9]+)*");
                }
                assertSnakeCase(field.getValue(), at);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                assertSnakeCase(item, path + "[]");
            }
        }
    }
}
