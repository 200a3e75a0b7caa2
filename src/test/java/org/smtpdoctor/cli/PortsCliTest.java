package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.testing.FakeSmtpServer;
import org.smtpdoctor.testing.Ports;

class PortsCliTest {

    @Test
    void jsonListsEveryPortWithItsStateAndService() throws Exception {
        int closed = Ports.free();
        try (FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.reply("220 mx.test ESMTP"), FakeSmtpServer.plainServer())) {
            // --timeout 6: the greeting may take up to 3 s (half of it) to arrive, on a loaded machine too; it is read at once.
            Cli.Run run = Cli.run("ports", "127.0.0.1", "--ports", smtp.port() + "," + closed, "--timeout", "6", "--json");
            assertThat(run.exit()).isZero();
            JsonNode doc = new ObjectMapper().readTree(run.out());
            assertThat(doc.get("address").asText()).isEqualTo("127.0.0.1");
            JsonNode open = doc.get("ports").get(0);
            assertThat(open.get("port").asInt()).isEqualTo(smtp.port());
            assertThat(open.get("state").asText()).isEqualTo("open");
            assertThat(open.get("service").asText()).isEqualTo("smtp");
            assertThat(open.get("rtt_ms").isNumber()).isTrue();
            assertThat(open.get("banner").asText()).isEqualTo("220 mx.test ESMTP");
            JsonNode refused = doc.get("ports").get(1);
            assertThat(refused.get("state").asText()).isEqualTo("refused");
            assertThat(refused.get("service").isNull()).isTrue();
        }
    }

    @Test
    void aSilentPortTakesAboutOneTimeoutAndStaysOpenWithNothingSpeaking() throws Exception {
        // Listening but never accepting: the kernel completes the handshake, then nothing is ever said.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            Cli.Run run = Cli.run("ports", "127.0.0.1", "--ports", String.valueOf(silent.getLocalPort()), "--timeout", "6", "--json");
            java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);
            assertThat(run.exit()).as(run.err()).isZero();
            JsonNode port = new ObjectMapper().readTree(run.out()).get("ports").get(0);
            assertThat(port.get("state").asText()).isEqualTo("open");
            assertThat(port.get("service").asText()).isEqualTo("none");
            // The help promises about one timeout (6 s) for the matrix: a greeting wait (3 s) and a TLS try share it.
            // Sharing takes about 6.1 s; a TLS try with a timeout of its own would take 9 s or more. 2.4 s of slack.
            assertThat(took).isBetween(java.time.Duration.ofMillis(5500), java.time.Duration.ofMillis(8500));
        }
    }

    @Test
    void noOpenPortIsExitOneAndABadPortIsAUsageError() throws Exception {
        int closed = Ports.free();
        assertThat(Cli.run("ports", "127.0.0.1", "--ports", String.valueOf(closed), "--timeout", "1").exit()).isEqualTo(ExitCode.FAILED);
        Cli.Run bad = Cli.run("ports", "127.0.0.1", "--ports", "0,70000");
        assertThat(bad.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("out of range");
    }
}
