package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;

/**
 * The TLS version matrix against real OpenSSL servers limited to chosen versions (TLS 1.0
 * needs OpenSSL's security level 0, as REAL-PEERS.md says). Runs smtp-doctor in a child
 * process: re-enabling TLS 1.0 must happen before the process's first TLS use.
 */
class TlsCommandTest {

    @TempDir
    Path dir;
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Process::destroyForcibly);
    }

    private int opensslServer(String... versionFlags) throws Exception {
        Peers.require("openssl");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!cert.toFile().exists()) {
            Exec.Result made = Exec.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString(),
                    "-days", "30"), Duration.ofSeconds(30));
            assertThat(made.ok()).as(made.output()).isTrue();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
                "-key", key.toString(), "-quiet", "-cipher", "DEFAULT:@SECLEVEL=0"));
        cmd.addAll(List.of(versionFlags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("s_server-" + port + ".log").toFile()).start();
        servers.add(p);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return port;
            } catch (IOException notYet) {
                assertThat(System.nanoTime()).as("openssl s_server did not start").isLessThan(until);
                Thread.sleep(50);
            }
        }
    }

    private JsonNode matrix(int port) throws Exception {
        ProcessTest.Result r = ProcessTest.run(Map.of(), "tls", "127.0.0.1:" + port, "--security", "tls", "--json",
                "--timeout", "5", "--trust-cert", dir.resolve("cert.pem").toString());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void aTls12OnlyServerAcceptsExactlyTls12() throws Exception {
        int port = opensslServer("-no_tls1", "-no_tls1_1", "-no_tls1_3");
        JsonNode doc = matrix(port);
        assertThat(doc.get("protocols").toString())
                .isEqualTo("{\"TLSv1\":\"refused\",\"TLSv1.1\":\"refused\",\"TLSv1.2\":\"accepted\",\"TLSv1.3\":\"refused\"}");
        assertThat(doc.get("ciphers").get("TLSv1.2").asText()).startsWith("TLS_");
        assertThat(doc.get("certificate").get("names").toString()).contains("localhost");
        assertThat(doc.get("certificate").get("trust").asText()).isEqualTo("trusted");
    }

    @Test
    void aTls10OnlyDeviceClassServerIsSeenAsTls10() throws Exception {
        int port = opensslServer("-tls1");
        JsonNode doc = matrix(port);
        assertThat(doc.get("protocols").get("TLSv1").asText()).isEqualTo("accepted");
        assertThat(doc.get("protocols").get("TLSv1.2").asText()).isEqualTo("refused");
        assertThat(doc.get("protocols").get("TLSv1.3").asText()).isEqualTo("refused");
    }
}
