package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.relay.deliver.ScriptedSmtp;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.testing.Ports;

/**
 * The relay as systemd runs it: a child JVM with $NOTIFY_SOCKET pointing at a datagram socket
 * (a Python stand-in for PID 1 that reads the messages and closes systemd-notify's barrier fd,
 * as systemd does), the real systemd-notify on PATH, and --log-format json. READY=1 comes only
 * once a device can connect; SIGTERM sends STOPPING=1 and the relay exits 0.
 */
class RelayServiceTest {

    @TempDir
    Path dir;

    private static final String RECEIVER = String.join("\n",
            "import array, os, socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind(sys.argv[1])",
            "print('BOUND', flush=True)",
            "while True:",
            "    msg, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(64))",
            "    for level, kind, data in anc:",
            "        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:",
            "            fds = array.array('i')",
            "            fds.frombytes(data[:len(data) - len(data) % fds.itemsize])",
            "            for fd in fds:",
            "                os.close(fd)",
            "    print(msg.decode().replace('\\n', ' | '), flush=True)",
            "");

    @Test
    void systemd_hears_ready_once_devices_can_connect_and_stopping_on_sigterm_and_the_log_is_json() throws Exception {
        Peers.require("systemd-notify", "python3");
        Path socket = dir.resolve("notify.sock");
        Process receiver = new ProcessBuilder("/usr/bin/python3", "-c", RECEIVER, socket.toString()).redirectErrorStream(true).start();
        List<String> notes = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    notes.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the receiver was stopped
            }
        });
        reader.start();
        Process relay = null;
        try (ScriptedSmtp upstream = new ScriptedSmtp((line, n) -> null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> notes.contains("BOUND"));
            int port = Ports.free();
            Path log = dir.resolve("relay.log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main", "relay", "--listen", "127.0.0.1:" + port,
                    "--allow", "127.0.0.1/32", "--spool", dir.resolve("spool").toString(), "--upstream", "smtp://127.0.0.1:" + upstream.port(),
                    "--admin", "127.0.0.1:0", "--log-format", "json")
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("relay.out").toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("NOTIFY_SOCKET", socket.toString());
            pb.environment().put("PATH", "/usr/bin:/bin");
            relay = pb.start();
            Process running = relay;
            await().atMost(Duration.ofSeconds(60)).until(() -> notes.stream().anyMatch(n -> n.contains("READY=1")) || !running.isAlive());
            assertThat(relay.isAlive()).as(Files.readString(log)).isTrue();
            String ready = notes.stream().filter(n -> n.contains("READY=1")).findFirst().orElseThrow();
            assertThat(ready).contains("STATUS=relaying: listening on 127.0.0.1:" + port, "; console http://127.0.0.1:");
            try (DeviceClient device = new DeviceClient(port)) {
                assertThat(device.reply()).startsWith("220 ");
                device.send("HELO printer");
                device.send("MAIL FROM:<scan@lan.test>");
                device.send("RCPT TO:<bob@contoso.test>");
                device.send("DATA");
                assertThat(device.send("Subject: json\r\n\r\nhi\r\n.")).startsWith("250 2.0.0 OK queued as ");
                device.send("QUIT");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> upstream.messages.size() == 1);

            relay.destroy(); // SIGTERM
            assertThat(relay.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(relay.exitValue()).as("an orderly stop").isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> notes.stream().anyMatch(n -> n.contains("STOPPING=1")));

            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                lines.add(json.readTree(line)); // every line is one JSON object
            }
            assertThat(lines).allSatisfy(l -> assertThat(l.has("time") && l.has("level") && l.has("logger") && l.has("message")).isTrue());
            JsonNode started = lines.stream().filter(l -> l.path("event").asText().equals("listener.started")).findFirst().orElseThrow();
            assertThat(started.path("port").asInt()).isEqualTo(port);
            assertThat(started.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}([+-]\\d\\d:\\d\\d|Z)");
            JsonNode delivered = lines.stream().filter(l -> l.path("event").asText().equals("delivered")).findFirst().orElseThrow();
            assertThat(delivered.path("rcpt").isArray()).isTrue();
            assertThat(delivered.path("rcpt").get(0).asText()).isEqualTo("bob@contoso.test");
            assertThat(delivered.path("message").asText()).startsWith("event=delivered ");
        } finally {
            if (relay != null) {
                relay.destroyForcibly();
            }
            receiver.destroy();
            receiver.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigterm_loses_nothing_a_device_got_250_for_and_a_transaction_cut_short_is_never_acknowledged() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean accept = new java.util.concurrent.atomic.AtomicBoolean(false);
        try (ScriptedSmtp upstream = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") && !accept.get() ? "451 4.3.0 Try later" : null)) {
            int port = Ports.free();
            Path spool = dir.resolve("spool");
            Process relay = startRelay(port, spool, upstream.port(), dir.resolve("first.log"));
            try {
                List<String> acknowledged = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    acknowledged.add(send(port, "kept " + i));
                }
                // A device in the middle of DATA when the relay is told to stop.
                DeviceClient cut = new DeviceClient(port);
                cut.reply();
                cut.send("HELO printer");
                cut.send("MAIL FROM:<scan@lan.test>");
                cut.send("RCPT TO:<bob@contoso.test>");
                cut.send("DATA");
                cut.raw("Subject: cut short\r\n\r\nhalf a page");
                relay.destroy(); // SIGTERM
                assertThat(relay.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String after = cut.rest();
                assertThat(after).doesNotContain("250 ").contains("421 4.3.2");
                cut.close();
                accept.set(true);
                Process again = startRelay(port, spool, upstream.port(), dir.resolve("second.log"));
                try {
                    // They were deferred before the stop (next try in about a minute): the admin says now.
                    Cli.Run retry = Cli.run("queue", "retry", "--all", "--spool", spool.toString());
                    assertThat(retry.exit()).as(retry.err()).isZero();
                    await().atMost(Duration.ofSeconds(30)).until(() -> upstream.messages.size() == 3);
                    assertThat(upstream.messages).extracting(m -> m.text()).allSatisfy(t -> assertThat(t).contains("kept "));
                    assertThat(upstream.messages).noneMatch(m -> m.text().contains("cut short"));
                } finally {
                    again.destroy();
                    again.waitFor(60, TimeUnit.SECONDS);
                }
                assertThat(acknowledged).hasSize(3);
            } finally {
                relay.destroyForcibly();
            }
        }
    }

    private Process startRelay(int port, Path spool, int upstreamPort, Path log) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main", "relay", "--listen", "127.0.0.1:" + port,
                "--allow", "127.0.0.1/32", "--spool", spool.toString(), "--upstream", "smtp://127.0.0.1:" + upstreamPort)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive() || Files.exists(log) && Files.readString(log).contains("listener.started"));
        assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
        return p;
    }

    private static String send(int port, String subject) throws Exception {
        try (DeviceClient device = new DeviceClient(port)) {
            device.reply();
            device.send("HELO printer");
            device.send("MAIL FROM:<scan@lan.test>");
            device.send("RCPT TO:<bob@contoso.test>");
            device.send("DATA");
            String reply = device.send("Subject: " + subject + "\r\n\r\npage\r\n.");
            assertThat(reply).startsWith("250 2.0.0 OK queued as ");
            device.send("QUIT");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }
}
