package org.smtpdoctor.relay;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.smtpdoctor.peers.Peers;

/**
 * The relay as users run it, for the crash and disk-full tests: {@code smtp-doctor relay --config
 * FILE} in a child JVM (the test class path, as ProcessTest), with its stderr (the event log) in a
 * file; and Postfix's smtp-sink as the upstream. Every process is stopped by its own handle.
 */
final class RealRelay implements AutoCloseable {

    private static final Pattern QUEUED = Pattern.compile("event=message\\.queued .*?queue_id=(\\w+)");

    final Process process;
    final Path log;

    private RealRelay(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * A config file: one plain listener on 127.0.0.1:port with high connection limits (the default
     * of 10 per IP is for devices, not load generators), 127.0.0.1/32 allowed, one smtp:// upstream,
     * pacing high enough not to hold anything back, {@code connections} delivery threads.
     */
    static Path config(Path file, int port, int upstreamPort, Path spool, int connections) throws IOException {
        return Files.writeString(file, String.join("\n",
                "host-name: relay.test",
                "listeners:",
                "  - address: 127.0.0.1",
                "    port: " + port,
                "    mode: plain",
                "    max-connections: 1000",
                "    max-connections-per-ip: 1000",
                "devices:",
                "  - name: lan",
                "    networks: [127.0.0.1/32]",
                "upstream:",
                "  - \"smtp://127.0.0.1:" + upstreamPort + "\"",
                "spool: " + spool,
                "pacing:",
                "  messages-per-minute: 100000",
                "  recipients-per-day: 100000000",
                "  connections: " + connections,
                ""), StandardCharsets.UTF_8);
    }

    /** Starts {@code smtp-doctor relay --config FILE} and waits until its listener is up. */
    static RealRelay start(Path config, Path log) throws IOException, InterruptedException {
        return start(config, log, List.of());
    }

    /** {@link #start(Path, Path)} with more JVM options for the relay (a heap bound). */
    static RealRelay start(Path config, Path log, List<String> jvmOptions) throws IOException, InterruptedException {
        return start(config, log, jvmOptions, List.of());
    }

    /** {@link #start(Path, Path, List)} run through a wrapper command ({@code nohup}). */
    static RealRelay start(Path config, Path log, List<String> jvmOptions, List<String> wrapper) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main", "relay", "--config", config.toString()));
        // Files, not pipes: after a SIGKILL we want every line the relay completed.
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolveSibling(log.getFileName() + ".out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        RealRelay relay = new RealRelay(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("event=listener.started")) {
                return relay;
            }
            if (!p.isAlive()) {
                throw new IOException("the relay exited with " + p.exitValue() + ": " + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
        relay.close();
        throw new IOException("the relay did not start within 30 s: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** SIGKILL (Process.destroyForcibly on Linux); returns the exit value (137). */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the relay did not die on SIGKILL");
        }
        return process.exitValue();
    }

    /** The queue ids of every complete {@code event=message.queued} line in a relay log. */
    static Set<String> queued(Path log) {
        Set<String> ids = new LinkedHashSet<>();
        if (!Files.exists(log)) {
            return ids;
        }
        try {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            Matcher m = QUEUED.matcher(text.substring(0, text.lastIndexOf('\n') + 1));
            while (m.find()) {
                ids.add(m.group(1));
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM (the relay's shutdown hook stops it cleanly), SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Postfix's smtp-sink on 127.0.0.1:port, one dump file per message in {@code dumps}. */
    static final class Sink implements AutoCloseable {
        final Process process;
        final Path dumps;

        private Sink(Process process, Path dumps) {
            this.process = process;
            this.dumps = dumps;
        }

        static Sink start(Path dumps, int port) throws IOException, InterruptedException {
            Peers.require("smtp-sink");
            Files.createDirectories(dumps);
            // As root smtp-sink must drop privileges (-u); the user then writes the dumps.
            List<String> cmd = new ArrayList<>(List.of(Peers.findExecutable("smtp-sink").toString(),
                    "-u", System.getProperty("user.name"), "-d", dumps + "/%M.", "127.0.0.1:" + port, "1000"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dumps.resolveSibling(dumps.getFileName() + ".log").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return new Sink(p, dumps);
                } catch (IOException e) {
                    if (!p.isAlive()) {
                        throw new IOException("smtp-sink exited with " + p.exitValue() + " (port " + port + " taken?)");
                    }
                    Thread.sleep(50);
                }
            }
            stop(p);
            throw new IOException("smtp-sink did not listen on " + port);
        }

        /** The dump files (smtp-sink writes one per transaction and removes it when no final "." came). */
        List<Path> files() {
            try (Stream<Path> s = Files.list(dumps)) {
                return s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop(process);
        }
    }

    /** One dump file of smtp-sink, split: the relay's queue id (its Received line), Message-Id, body. */
    record Dump(Path file, String queueId, String messageId, String body, boolean complete) {
        private static final Pattern RELAY_RECEIVED = Pattern.compile("\tby relay\\.test \\(smtp-doctor\\) with E?SMTPS?A? id (\\w+);\n");
        private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-Id:\\s*(<[^>\\n]+>)");

        static Dump read(Path file) throws IOException {
            String all = Files.readString(file, StandardCharsets.ISO_8859_1);
            Matcher q = RELAY_RECEIVED.matcher(all);
            String id = q.find() ? q.group(1) : null;
            int bodyAt = all.indexOf("\n\n");
            Matcher mid = MESSAGE_ID.matcher(bodyAt < 0 ? all : all.substring(0, bodyAt));
            String messageId = mid.find() ? mid.group(1) : null;
            // smtp-sink ends every dump it completed with an empty line after the message.
            boolean complete = bodyAt >= 0 && all.endsWith("\n\n");
            String body = bodyAt < 0 ? "" : all.substring(bodyAt + 2, complete ? all.length() - 1 : all.length());
            return new Dump(file, id, messageId, body, complete);
        }
    }
}
