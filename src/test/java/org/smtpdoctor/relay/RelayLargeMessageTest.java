package org.smtpdoctor.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.testing.Ports;

/**
 * Memory does not grow with the message: the relay, in a child JVM with a 64 MB heap, takes a
 * 25 MB message from a device and delivers it to Postfix's smtp-sink whole (the spool streams it
 * from its file, dot-stuffed on the fly). Holding it in memory two or three times while sending
 * it, as delivery did, needs more than that heap. Needs smtp-sink (fails with CI=true when absent).
 */
class RelayLargeMessageTest {

    private static final int LINES = 320_000; // 80-byte lines: 25.6 MB

    @TempDir
    Path dir;

    @Test
    void aTwentyFiveMegabyteMessageGoesThroughARelayWithA64MegabyteHeap() throws Exception {
        int port = Ports.free();
        int sinkPort = Ports.free();
        Path config = Files.writeString(dir.resolve("relay.yaml"), String.join("\n",
                "host-name: relay.test",
                "listeners:",
                "  - address: 127.0.0.1",
                "    port: " + port,
                "    mode: plain",
                "    max-message-size: 40MB",
                "devices:",
                "  - name: lan",
                "    networks: [127.0.0.1/32]",
                "upstream:",
                "  - \"smtp://127.0.0.1:" + sinkPort + "\"",
                "spool: " + dir.resolve("spool"),
                ""), StandardCharsets.UTF_8);
        Path log = dir.resolve("relay.log");
        try (RealRelay.Sink sink = RealRelay.Sink.start(dir.resolve("dumps"), sinkPort);
             RealRelay relay = RealRelay.start(config, log, List.of("-Xmx64m", "-XX:+CrashOnOutOfMemoryError", "-XX:ErrorFile=" + dir.resolve("hs_err.log")))) {
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            long bytes;
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(120_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
                assertThat(in.readLine()).startsWith("220");
                command(out, in, "EHLO big-scanner", "250");
                command(out, in, "MAIL FROM:<scanner@lan.test>", "250");
                command(out, in, "RCPT TO:<boss@contoso.test>", "250");
                command(out, in, "DATA", "354");
                StringBuilder head = new StringBuilder("From: scanner@lan.test\r\nTo: boss@contoso.test\r\nSubject: big scan\r\n\r\n");
                bytes = write(out, null, head.toString()); // the relay may add headers (Date, Message-ID): the body is compared
                for (int i = 0; i < LINES; i++) {
                    // Every 1000th line starts with a dot: stuffed by the device, unstuffed by the relay, stuffed again upstream.
                    String line = (i % 1000 == 0 ? "." : "L") + String.format("%09d", i) + "x".repeat(68) + "\r\n";
                    bytes += write(out, sent, line);
                }
                out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply = readReply(in);
                assertThat(reply).as("the 250 comes after the message is on disk").startsWith("250");
                command(out, in, "QUIT", "221");
            }
            assertThat(bytes).isGreaterThan(25L * 1000 * 1000);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            RealRelay.Dump dump = null;
            while (System.nanoTime() < deadline && relay.process.isAlive()) {
                List<Path> files = sink.files();
                if (!files.isEmpty()) {
                    RealRelay.Dump d = RealRelay.Dump.read(files.get(0));
                    if (d.complete()) {
                        dump = d;
                        break;
                    }
                }
                Thread.sleep(200);
            }
            String relayLog = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertThat(relay.process.isAlive()).as("the relay survived: " + tail(relayLog)).isTrue();
            assertThat(relayLog).doesNotContain("OutOfMemoryError");
            assertThat(dump).as("delivered to the sink within 180 s: " + tail(relayLog)).isNotNull();
            // smtp-sink writes LF line ends; the body is what the device sent, byte for byte otherwise.
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            String all = Files.readString(dump.file(), StandardCharsets.ISO_8859_1);
            int subject = all.indexOf("Subject: big scan\n");
            assertThat(subject).isPositive();
            int body = all.indexOf("\n\n", subject) + 2;
            String message = all.substring(body, all.length() - 1).replace("\n", "\r\n");
            assertThat(message).startsWith("." + String.format("%09d", 0));
            got.update(message.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(HexFormat.of().formatHex(got.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
            assertThat(relayLog).contains("event=delivered");
        }
    }

    private static long write(OutputStream out, MessageDigest digest, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        if (digest != null) {
            digest.update(b);
        }
        // The device dot-stuffs (RFC 5321 section 4.5.2): a line starting with a dot gets another.
        if (b.length > 0 && b[0] == '.') {
            out.write('.');
        }
        out.write(b);
        return b.length;
    }

    private static void command(OutputStream out, BufferedReader in, String line, String expect) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(readReply(in)).as(line).startsWith(expect);
    }

    private static String readReply(BufferedReader in) throws Exception {
        String line;
        StringBuilder all = new StringBuilder();
        do {
            line = in.readLine();
            if (line == null) {
                return all + "(connection closed)";
            }
            all.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return all.toString();
    }

    private static String tail(String log) {
        return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
    }
}
