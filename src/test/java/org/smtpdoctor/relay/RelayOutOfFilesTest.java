package org.smtpdoctor.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.testing.Ports;

/**
 * The relay out of file descriptors: more devices connect than its process may open files
 * ({@code ulimit -n}), which parked connections (no thread, only a descriptor) make easy to reach.
 * The front end's accept fails with "Too many open files" while the connection stays in the
 * kernel's queue; it must pause accepting (one log line a pause), not spin a core and write a
 * warning a try, and accept again once descriptors are free.
 */
class RelayOutOfFilesTest {

    /** Descriptors the relay's process may open: its JVM and class path take about half. */
    private static final int RELAY_FILES = 384;
    private static final int CONNECTIONS = 500;

    @TempDir
    Path dir;

    @Test
    void outOfDescriptorsTheFrontEndPausesAcceptingInsteadOfSpinningAndRecoversOnceTheyAreFree() throws Exception {
        int port = Ports.free();
        Path config = RealRelay.config(dir.resolve("relay.yaml"), port, Ports.free(), dir.resolve("spool"), 1);
        List<String> limited = List.of("bash", "-c", "ulimit -n " + RELAY_FILES + " && exec \"$@\"", "bash");
        try (RealRelay relay = RealRelay.start(config, dir.resolve("relay.log"), List.of(), limited)) {
            // A relay that has served before: a session and a connection that leaves unspoken. Out of
            // descriptors no class can be loaded from this test's class path of directories (from the
            // runnable jar, already open, it can), so what the front end needs is loaded first.
            try (DeviceClient c = new DeviceClient(port)) {
                assertThat(c.reply()).startsWith("220");
                assertThat(c.send("EHLO printer")).startsWith("250");
                assertThat(c.send("QUIT")).startsWith("221");
            }
            try (DeviceClient c = new DeviceClient(port)) {
                assertThat(c.reply()).startsWith("220");
            }
            Thread.sleep(500);
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000); // completed by the kernel's queue
                    sockets.add(s);
                }
                Thread.sleep(1_000); // the front end meets the limit
                long windowStart = System.nanoTime();
                long cpuBefore = cpuTicks(relay.process.pid());
                int failuresBefore = count(relay.log, "event=connection.accept-failed ");
                Thread.sleep(3_000);
                long cpu = cpuTicks(relay.process.pid()) - cpuBefore;
                int failures = count(relay.log, "event=connection.accept-failed ");
                // The window as it was, not as meant: a loaded machine may wake this thread seconds late.
                double seconds = (System.nanoTime() - windowStart) / 1e9;

                assertThat(failures).as("the limit was met").isPositive();
                assertThat(failures - failuresBefore).as("one warning a pause of 1 s, not one a try, in %.1f s", seconds)
                        .isLessThanOrEqualTo((int) Math.ceil(2 * seconds));
                assertThat(cpu).as("CPU ticks (1/100 s) in %.1f s: pausing, not spinning", seconds).isLessThan((long) (33 * seconds));
                assertThat(Files.readString(relay.log, StandardCharsets.UTF_8)).contains("action=\"accepting pauses for 1 s\"");
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            // Descriptors free again: a device is greeted and served.
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (true) {
                try (DeviceClient c = new DeviceClient(port)) {
                    String greeting = c.reply();
                    if (greeting.startsWith("220")) {
                        assertThat(c.send("EHLO printer")).startsWith("250");
                        break;
                    }
                } catch (IOException e) {
                    // still freeing up
                }
                if (System.nanoTime() > deadline) {
                    String log = Files.readString(relay.log, StandardCharsets.UTF_8);
                    StringBuilder events = new StringBuilder();
                    for (String line : log.split("\n")) {
                        if (line.contains("front-end") || line.contains("accept-failed") || line.contains("Exception")) {
                            events.append(line, 0, Math.min(line.length(), 300)).append('\n');
                        }
                    }
                    throw new AssertionError("not greeted again within 15 s; closed " + count(relay.log, "event=connection.closed ")
                            + " accepted " + count(relay.log, "event=connection.accepted ") + "; the relay's log says:\n" + events);
                }
                Thread.sleep(200);
            }
        }
    }

    private static int count(Path log, String what) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** User and system CPU time of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
