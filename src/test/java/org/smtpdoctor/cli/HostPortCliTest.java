package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.testing.Ports;

/** HOST:PORT and [IPv6]:PORT are taken alike by check, tls and ports; IPv6 is shown in brackets when a port follows. */
class HostPortCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void checkSplitsAPortGivenWithTheHost() throws Exception {
        int port = Ports.free();
        Cli.Run run = Cli.run("check", "--host", "127.0.0.1:" + port, "--no-auth", "--timeout", "1", "--json");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.FAILED);
        JsonNode target = JSON.readTree(run.out()).get("target");
        assertThat(target.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(target.get("port").asInt()).isEqualTo(port);
        assertThat(JSON.readTree(run.out()).get("cause").asText()).isEqualTo("port_blocked_or_unreachable");

        Cli.Run same = Cli.run("check", "--host", "127.0.0.1:" + port, "--port", String.valueOf(port), "--no-auth", "--timeout", "1");
        assertThat(same.exit()).as("the same port twice is no contradiction").isEqualTo(ExitCode.FAILED);
        Cli.Run two = Cli.run("check", "--host", "127.0.0.1:25", "--port", "587", "--no-auth");
        assertThat(two.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(two.err()).contains("--host 127.0.0.1:25 names a port and --port 587 another: give the port once");
        Cli.Run bad = Cli.run("check", "--host", "mail.example.org:smtp", "--no-auth");
        assertThat(bad.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("--host: 'smtp' in 'mail.example.org:smtp' is not a port (1-65535)");
    }

    @Test
    void checkTakesIpv6WithAPortAndShowsItInBrackets() throws Exception {
        int port = Ports.free();
        Cli.Run run = Cli.run("check", "--host", "[::1]:" + port, "--no-auth", "--timeout", "1", "--no-color");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.FAILED);
        assertThat(run.out()).startsWith("smtp-doctor check [::1]:" + port + " (starttls)");
        Cli.Run json = Cli.run("check", "--host", "[::1]:" + port, "--no-auth", "--timeout", "1", "--json");
        assertThat(JSON.readTree(json.out()).get("target").get("host").asText()).isEqualTo("::1");
        JsonNode steps = JSON.readTree(json.out()).get("steps");
        assertThat(steps.get(0).get("summary").asText()).startsWith("[::1]:" + port + ", starttls");
        assertThat(steps.get(1).get("summary").asText()).as("an IPv6 literal is one").contains("(address literal)");
        assertThat(JSON.readTree(json.out()).get("transcript").toString()).contains("[::1]:" + port).doesNotContain("0:0:0:0:0:0:0:1");
    }

    @Test
    void tlsTakesIpv6WithAPortAndNamesItInBrackets() throws Exception {
        int port = Ports.free();
        ProcessTest.Result run = ProcessTest.run(Map.of(), "tls", "[::1]:" + port, "--timeout", "2");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.FAILED);
        assertThat(run.out()).startsWith("smtp-doctor tls [::1]:" + port + " (::1, starttls)")
                .contains("connection refused: [::1]:" + port).doesNotContain("0:0:0:0");
        ProcessTest.Result bad = ProcessTest.run(Map.of(), "tls", "[::1:587");
        assertThat(bad.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("is not [IPv6 address]:PORT");
    }

    @Test
    void portsProbesTheOnePortGivenWithTheHost() throws Exception {
        int port = Ports.free();
        for (String target : new String[] {"127.0.0.1:" + port, "[::1]:" + port}) {
            Cli.Run run = Cli.run("ports", target, "--timeout", "1", "--json");
            assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.FAILED);
            JsonNode doc = JSON.readTree(run.out());
            assertThat(doc.get("ports")).hasSize(1);
            assertThat(doc.get("ports").get(0).get("port").asInt()).isEqualTo(port);
            assertThat(doc.get("ports").get(0).get("state").asText()).isEqualTo("refused");
        }
        assertThat(JSON.readTree(Cli.run("ports", "::1", "--ports", String.valueOf(port), "--timeout", "1", "--json").out())
                .get("address").asText()).isEqualTo("::1");
        Cli.Run twice = Cli.run("ports", "127.0.0.1:25", "--ports", "25,587");
        assertThat(twice.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(twice.err()).contains("give the ports once: 127.0.0.1:25 names one, and --ports others");
    }
}
