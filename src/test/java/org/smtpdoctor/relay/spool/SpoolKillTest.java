package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kill -9: a child JVM accepts messages in a loop and prints each id after accept()
 * returned; the test sends SIGKILL mid-stream, reopens the spool and checks that every
 * printed id is there with its whole content, and that nothing partial is visible.
 */
class SpoolKillTest {

    @Test
    void everyAcknowledgedMessageSurvivesKillMinus9AndNothingPartialIsVisible(@TempDir Path dir) throws Exception {
        Path spoolDir = dir.resolve("spool");
        Map<String, String> acknowledged = new HashMap<>();
        for (int round = 1; round <= 3; round++) {
            acknowledged.putAll(runAndKill(spoolDir, "r" + round, 100 + ThreadLocalRandom.current().nextInt(200)));
            try (Spool spool = Spool.open(spoolDir, Spool.Options.defaults().withMinFreeBytes(0))) {
                assertThat(spoolDir.resolve("tmp")).isEmptyDirectory();
                assertThat(spool.recovery().quarantined()).isEmpty();
                Map<String, QueuedMessage> present = new HashMap<>();
                spool.list().forEach(m -> present.put(m.id(), m));
                assertThat(present.keySet()).containsAll(acknowledged.keySet());
                for (Map.Entry<String, String> a : acknowledged.entrySet()) {
                    assertThat(present.get(a.getKey()).envelope().sender()).isEqualTo(a.getValue() + "@lan.test");
                }
                // Every visible message, acknowledged or caught between commit and print, is whole.
                for (QueuedMessage m : present.values()) {
                    String tag = m.envelope().sender().replace("@lan.test", "");
                    assertThat(TestMessages.read(spool.content(m.id()))).as(m.id()).isEqualTo(SpoolKillChild.content(tag));
                }
                assertThat(present.size() - acknowledged.size()).as("committed but not yet printed: at most one per thread")
                        .isBetween(0, 4 * round);
            }
        }
        assertThat(acknowledged).hasSizeGreaterThan(300);
    }

    /** Starts the child, waits until it acknowledged {@code atLeast} messages, kills it; returns id -> tag printed. */
    private static Map<String, String> runAndKill(Path spoolDir, String run, int atLeast) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SpoolKillChild.class.getName(), spoolDir.toString(), "4", run);
        // A file, not a pipe: Process.destroyForcibly closes the pipe, and we want every line
        // the child completed before it died.
        Path out = Files.createTempFile("spool-kill", ".out");
        Path err = Files.createTempFile("spool-kill", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .failFast(() -> !p.isAlive())
                    .until(() -> acknowledged(out, run).size() >= atLeast);
            p.destroyForcibly(); // SIGKILL, in the middle of the stream
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("killed by SIGKILL; stderr: " + Files.readString(err)).isEqualTo(137);
            return acknowledged(out, run);
        } finally {
            p.destroyForcibly();
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** The complete "ID TAG" lines the child printed (a line cut by the kill does not count). */
    private static Map<String, String> acknowledged(Path out, String run) throws Exception {
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Map<String, String> printed = new HashMap<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 2 && QueueId.isValid(f[0]) && f[1].startsWith(run + "-")) {
                printed.put(f[0], f[1]);
            }
        }
        return printed;
    }
}
