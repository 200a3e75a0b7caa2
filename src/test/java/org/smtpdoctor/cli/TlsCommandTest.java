package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
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
import org.smtpdoctor.testing.Ports;

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
        int port = Ports.free();
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

    /** testssl.sh's verdict for each version: offered = accepted, not offered = refused. */
    private Map<String, String> testssl(int port) throws Exception {
        Peers.require("testssl");
        Path json = dir.resolve("testssl-" + port + ".json");
        Exec.Result r = Exec.run(List.of(Peers.findExecutable("testssl").toString(), "--protocols", "--quiet", "--color", "0",
                "--warnings", "off", "--jsonfile", json.toString(), "127.0.0.1:" + port), Duration.ofSeconds(120));
        assertThat(json).as(r.output()).exists();
        Map<String, String> ids = Map.of("TLS1", "TLSv1", "TLS1_1", "TLSv1.1", "TLS1_2", "TLSv1.2", "TLS1_3", "TLSv1.3");
        Map<String, String> out = new java.util.TreeMap<>();
        for (JsonNode n : new ObjectMapper().readTree(json.toFile())) {
            String version = ids.get(n.path("id").asText());
            if (version != null) {
                String finding = n.path("finding").asText();
                out.put(version, finding.contains("not offered") ? "refused" : finding.startsWith("offered") ? "accepted" : finding);
            }
        }
        return out;
    }

    private static Map<String, String> ours(JsonNode doc) {
        Map<String, String> out = new java.util.TreeMap<>();
        doc.get("protocols").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    @Test
    void ourVerdictsEqualTestsslsOnTheSameServers() throws Exception {
        int modern = opensslServer("-no_tls1", "-no_tls1_1", "-no_tls1_3");
        assertThat(ours(matrix(modern))).isEqualTo(testssl(modern));
        int legacy = opensslServer("-tls1");
        assertThat(ours(matrix(legacy))).isEqualTo(testssl(legacy));
    }

    @Test
    void starttlsProbingSeesExactlyWhatPostfixAllows() throws Exception {
        Peers.require("postfix", "dovecot");
        try (org.smtpdoctor.peers.PostfixPeer postfix = org.smtpdoctor.peers.PostfixPeer.start(
                org.smtpdoctor.peers.PostfixPeer.Options.defaults()
                        .withMainCf("smtpd_tls_protocols", "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3")
                        .withMainCf("smtpd_tls_mandatory_protocols", "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3"))) {
            ProcessTest.Result r = ProcessTest.run(Map.of(), "tls", "127.0.0.1:" + postfix.port(), "--json", "--timeout", "5",
                    "--trust-cert", postfix.certificatePath().toString());
            JsonNode doc = new ObjectMapper().readTree(r.out());
            assertThat(doc.get("target").get("security").asText()).isEqualTo("starttls");
            assertThat(ours(doc)).isEqualTo(Map.of("TLSv1", "refused", "TLSv1.1", "refused", "TLSv1.2", "accepted",
                    "TLSv1.3", "refused"));
            assertThat(r.exit()).isZero();
        }
    }
}
