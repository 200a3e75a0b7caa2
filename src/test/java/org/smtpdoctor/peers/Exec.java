package org.smtpdoctor.peers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external command with a hard timeout; stdout and stderr are merged. */
public final class Exec {

    /**
     * Outcome of a command.
     *
     * @param exitCode the exit code, or -1 when it was killed on timeout
     * @param output   stdout and stderr, interleaved as written
     * @param timedOut true when the timeout expired and the process (tree) was killed
     * @param elapsed  wall time
     */
    public record Result(int exitCode, String output, boolean timedOut, Duration elapsed) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        @Override
        public String toString() {
            return "exit=" + exitCode + (timedOut ? " (TIMED OUT)" : "") + " in " + elapsed.toMillis()
                    + " ms\n" + output;
        }
    }

    private Exec() {
    }

    public static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, null, Map.of());
    }

    public static Result run(List<String> command, Duration timeout, Path workDir, Map<String, String> env) {
        // Output goes to a file, not a pipe: commands that start daemons (postfix start, dovecot)
        // leave children that may inherit the pipe and keep a reader waiting.
        Path out;
        try {
            out = Files.createTempFile("smtpdoctor-exec-", ".out");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
            boolean finished;
            try {
                finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            if (!finished) {
                // Kill by pid: the process we started and whatever it forked.
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            String text = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
            return new Result(finished ? p.exitValue() : -1, text, !finished, elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
