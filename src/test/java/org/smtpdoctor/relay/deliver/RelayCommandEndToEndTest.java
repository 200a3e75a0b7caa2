package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.testing.Ports;

/**
 * The whole relay as a user starts it ({@code smtp-doctor relay ... --legacy-tls}, in a
 * child JVM), real device-side clients in front (swaks with STARTTLS, curl, Python's smtplib,
 * openssl s_client as a TLS 1.0 device) and smtp-sink behind: every message arrives at the
 * sink byte for byte after the relay's Received line.
 */
class RelayCommandEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String MESSAGE = "From: Scanner <scan@contoso.com>\r\nTo: you@contoso.com\r\nSubject: %s\r\n"
            + "Message-ID: <%s@device.example>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nPage 1 of the scan.\r\n.leading dot line\r\nend\r\n";

    @TempDir
    Path dir;

    private Process relay;

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.destroy();
            if (!relay.waitFor(10, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
    }

    private static String message(String id) {
        return String.format(MESSAGE, id, id);
    }

    private Path file(String id, String content) throws Exception {
        return Files.writeString(dir.resolve(id + ".eml"), content, StandardCharsets.US_ASCII);
    }

    @Test
    void swaksCurlPythonAndATls10DeviceGetTheirMailToSmtpSinkByteForByte() throws Exception {
        Peers.require("swaks", "curl", "python3", "openssl");
        int sinkPort = Ports.free();
        int port = Ports.free();
        try (SmtpSink sink = SmtpSink.start(dir.resolve("dumps"), sinkPort)) {
            relay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main", "relay",
                    "--listen", "127.0.0.1:" + port, "--legacy-tls", "--allow", "127.0.0.1/32",
                    "--upstream", "smtp://127.0.0.1:" + sinkPort, "--spool", dir.resolve("spool").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("relay.log").toFile()).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> listening(port) || !relay.isAlive());
            assertThat(relay.isAlive()).as(() -> read(dir.resolve("relay.log"))).isTrue();

            Map<String, String> sent = new HashMap<>();
            sent.put("swaks-starttls", message("swaks-starttls"));
            Exec.Result swaks = Exec.run(List.of("swaks", "--server", "127.0.0.1:" + port, "-tls", "--helo", "swaks-device",
                    "--from", "scan@contoso.com", "--to", "you@contoso.com", "--data",
                    // swaks ends the data with its own CRLF before the final dot.
                    "@" + file("swaks-starttls", sent.get("swaks-starttls").substring(0, sent.get("swaks-starttls").length() - 2))),
                    TIMEOUT);
            assertThat(swaks.output()).as(swaks.toString()).contains("250 2.0.0 OK queued as");

            sent.put("curl-plain", message("curl-plain"));
            Exec.Result curl = Exec.run(List.of("curl", "-sS", "--url", "smtp://127.0.0.1:" + port + "/curl-device",
                    "--mail-from", "scan@contoso.com", "--mail-rcpt", "you@contoso.com",
                    "--upload-file", file("curl-plain", sent.get("curl-plain")).toString()), TIMEOUT);
            assertThat(curl.ok()).as(curl.toString()).isTrue();

            sent.put("python-starttls", message("python-starttls"));
            String script = String.join("\n",
                    "import smtplib, ssl, sys",
                    "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='python-device', timeout=20)",
                    "s.starttls(context=ssl._create_unverified_context())",
                    "s.sendmail('scan@contoso.com', ['you@contoso.com'], open(sys.argv[2], 'rb').read())",
                    "s.quit()");
            Exec.Result python = Exec.run(List.of("python3", "-c", script, String.valueOf(port),
                    file("python-starttls", sent.get("python-starttls")).toString()), TIMEOUT);
            assertThat(python.ok()).as(python.toString()).isTrue();

            sent.put("openssl-tls1", message("openssl-tls1"));
            String input = "MAIL FROM:<scan@contoso.com>\nRCPT TO:<you@contoso.com>\nDATA\n"
                    + sent.get("openssl-tls1").replace("\r\n", "\n").replace("\n.", "\n..") + ".\nQUIT\n";
            Path stdin = Files.writeString(dir.resolve("stdin.txt"), input, StandardCharsets.US_ASCII);
            Exec.Result tls1 = Exec.run(List.of("sh", "-c", "exec openssl s_client -connect 127.0.0.1:" + port
                    + " -starttls smtp -tls1 -cipher 'DEFAULT@SECLEVEL=0' -crlf -quiet -nocommands -ign_eof < " + stdin), TIMEOUT);
            assertThat(tls1.output()).as(tls1.toString()).contains("250 2.0.0 OK queued as");

            await().atMost(Duration.ofSeconds(30)).until(() -> sink.files().size() >= sent.size());
            Thread.sleep(500);
            assertThat(sink.files()).hasSize(sent.size());
            Map<String, String> arrived = new HashMap<>();
            for (Path f : sink.files()) {
                String msg = SmtpSink.message(f);
                // The relay's own Received line (three lines) heads what the device sent.
                assertThat(msg).startsWith("Received: from ");
                String body = msg.substring(msg.indexOf("\nFrom: Scanner") + 1);
                String id = body.replaceAll("(?s).*\nSubject: ([a-z0-9-]+)\n.*", "$1");
                arrived.put(id, body);
            }
            for (Map.Entry<String, String> e : sent.entrySet()) {
                // smtp-sink writes LF line ends; everything else is as the device sent it.
                assertThat(arrived.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().replace("\r\n", "\n"));
            }
            assertThat(read(dir.resolve("relay.log"))).contains("event=delivered").doesNotContain("Exception");
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }
}
