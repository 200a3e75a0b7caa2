package org.smtpdoctor.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.smtpdoctor.testing.Ports;

/**
 * A private, throw-away dnsmasq (Debian package {@code dnsmasq-base}) answering on 127.0.0.1
 * and a free UDP+TCP port from a zone given as dnsmasq.conf lines, for tests against a real
 * DNS server.
 *
 * <p><b>No query ever leaves 127.0.0.1</b>: {@code no-resolv} without any {@code server=} line
 * means there is no upstream at all, and {@code local=/test/} makes every unknown name under
 * {@code .test} an authoritative NXDOMAIN. Names outside the zone get REFUSED.
 *
 * <p>Runs in the foreground ({@code --no-daemon}: no fork, no pid file, no change of user, so
 * it also works without root), logging to {@link #log()}. {@link #close()} stops it and
 * deletes its temp dir. Not thread-safe; one per test class is plenty (start takes ~50 ms).
 *
 * <pre>{@code
 * try (Dnsmasq dns = Dnsmasq.start(Dnsmasq.MAIL_ZONE)) {
 *     new MailDns(List.of(dns.address()), dns.port(), Duration.ofSeconds(2)).mx("contoso.test");
 * }
 * }</pre>
 */
public final class Dnsmasq implements AutoCloseable {

    /**
     * A zone for the Microsoft 365 relay routes (dnsmasq.conf syntax):
     * <ul>
     *   <li>{@code contoso.test}: MX {@code contoso-test.mail.protection.outlook.com} (0), SPF
     *       {@code v=spf1 include:spf.protection.outlook.com -all} and a non-SPF TXT record;</li>
     *   <li>{@code fabrikam.test}: two MX elsewhere (20 {@code mx2}, 10 {@code mx1}, listed in that
     *       order), SPF {@code v=spf1 ip4:198.51.100.0/24 mx -all} without Microsoft;</li>
     *   <li>{@code twospf.test}: MX at Microsoft and two SPF records (a permerror);</li>
     *   <li>{@code nospf.test}: MX at Microsoft, a TXT record that is not SPF, no SPF;</li>
     *   <li>{@code split.test}: one SPF record as two character-strings;</li>
     *   <li>{@code nomx.test}: an A record only (MX lookup: no data);</li>
     *   <li>anything else under {@code .test}: NXDOMAIN.</li>
     * </ul>
     */
    public static final List<String> MAIL_ZONE = List.of(
            "mx-host=contoso.test,contoso-test.mail.protection.outlook.com,0",
            "txt-record=contoso.test,\"v=spf1 include:spf.protection.outlook.com -all\"",
            "txt-record=contoso.test,\"MS=ms12345678\"",
            "mx-host=fabrikam.test,mx2.fabrikam.test,20",
            "mx-host=fabrikam.test,mx1.fabrikam.test,10",
            "txt-record=fabrikam.test,\"v=spf1 ip4:198.51.100.0/24 mx -all\"",
            "host-record=mx1.fabrikam.test,127.0.0.1",
            "host-record=mx2.fabrikam.test,127.0.0.1",
            "mx-host=twospf.test,twospf-test.mail.protection.outlook.com,0",
            "txt-record=twospf.test,\"v=spf1 include:spf.protection.outlook.com -all\"",
            "txt-record=twospf.test,\"v=spf1 mx ~all\"",
            "mx-host=nospf.test,nospf-test.mail.protection.outlook.com,0",
            "txt-record=nospf.test,\"google-site-verification=abc123\"",
            "txt-record=split.test,\"v=spf1 include:spf.protection.\",\"outlook.com -all\"",
            "host-record=nomx.test,127.0.0.1");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path dir;
    private final int port;

    private Dnsmasq(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts dnsmasq with these configuration lines (besides the fixed ones that keep it on
     * 127.0.0.1 with no upstream) and waits until it accepts TCP connections.
     * Calls {@link Peers#require} first: fails under {@code CI=true}, skips otherwise.
     */
    public static Dnsmasq start(List<String> zone) {
        Peers.require("dnsmasq");
        Path dnsmasq = Peers.findExecutable("dnsmasq");
        Path dir;
        try {
            dir = Files.createTempDirectory("smtpdoctor-dnsmasq-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String lastLog = "";
        // The free port can be taken between our probe and dnsmasq's bind: try a few.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = Ports.free(); // free for UDP and TCP: DNS serves on both
            Path conf = dir.resolve("dnsmasq.conf");
            Path log = dir.resolve("dnsmasq.log");
            List<String> lines = new ArrayList<>(List.of(
                    "no-resolv", "no-hosts", "no-poll", "bind-interfaces", "listen-address=127.0.0.1",
                    "port=" + port, "local=/test/", "log-facility=-", "log-queries"));
            lines.addAll(zone);
            List<String> command = List.of(dnsmasq.toString(), "--no-daemon", "--conf-file=" + conf);
            Process p;
            try {
                Files.write(conf, lines, StandardCharsets.UTF_8);
                p = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .start();
            } catch (IOException e) {
                deleteTree(dir);
                throw new UncheckedIOException("cannot start " + command, e);
            }
            if (awaitListening(p, port)) {
                return new Dnsmasq(p, dir, port);
            }
            stop(p);
            lastLog = read(log);
        }
        deleteTree(dir);
        throw new IllegalStateException("dnsmasq did not start on 127.0.0.1:\n" + lastLog);
    }

    public InetAddress address() {
        return InetAddress.getLoopbackAddress();
    }

    public int port() {
        return port;
    }

    /** What dnsmasq logged so far (start-up lines and, with {@code log-queries}, each query). */
    public String log() {
        return read(dir.resolve("dnsmasq.log"));
    }

    @Override
    public void close() {
        stop(process);
        deleteTree(dir);
    }

    private static boolean awaitListening(Process p, int port) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return false; // e.g. "failed to create listening socket ...: Address already in use"
            }
            try (Socket s = new Socket()) {
                // TCP is bound after UDP in dnsmasq's start-up, so this means both are ready.
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return true;
            } catch (IOException notYet) {
                try {
                    p.waitFor(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static void stop(Process p) {
        p.destroy(); // SIGTERM: dnsmasq exits at once
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }
}
