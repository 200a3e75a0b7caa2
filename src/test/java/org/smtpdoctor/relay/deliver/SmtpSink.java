package org.smtpdoctor.relay.deliver;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.smtpdoctor.peers.Peers;

/**
 * Postfix's smtp-sink on 127.0.0.1, dumping each message to its own file ({@code -d DIR/%M.}):
 * smtp-sink's own X- headers and Received line, then the message as received with LF line ends
 * (dot-stuffing removed), then an empty line. Stopped by its own pid on close.
 */
final class SmtpSink implements AutoCloseable {

    final int port;
    final Path dumps;
    private final Process process;

    private SmtpSink(int port, Path dumps, Process process) {
        this.port = port;
        this.dumps = dumps;
        this.process = process;
    }

    /** @param extra more smtp-sink options, e.g. {@code -r RCPT} */
    static SmtpSink start(Path dumps, int port, String... extra) throws IOException, InterruptedException {
        Peers.require("smtp-sink");
        Files.createDirectories(dumps);
        List<String> cmd = new java.util.ArrayList<>(List.of(Peers.findExecutable("smtp-sink").toString(), "-u", "root",
                "-d", dumps + "/%M."));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("127.0.0.1:" + port, "100"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dumps.resolveSibling(dumps.getFileName() + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new SmtpSink(port, dumps, p);
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("smtp-sink exited with " + p.exitValue() + " (port " + port + " taken?)");
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("smtp-sink did not listen on " + port);
    }

    /** The dump files written so far (complete ones: smtp-sink closes a file after the final "."). */
    List<Path> files() {
        try (Stream<Path> s = Files.list(dumps)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message part of a dump: after smtp-sink's 3-line Received header, without the empty line it appends. */
    static String message(Path dump) throws IOException {
        String all = Files.readString(dump, java.nio.charset.StandardCharsets.ISO_8859_1);
        int received = all.indexOf("\nReceived: from ");
        int cut = received;
        for (int i = 0; i < 3; i++) {
            cut = all.indexOf('\n', cut + 1);
        }
        String rest = all.substring(cut + 1);
        return rest.endsWith("\n\n") ? rest.substring(0, rest.length() - 1) : rest;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
