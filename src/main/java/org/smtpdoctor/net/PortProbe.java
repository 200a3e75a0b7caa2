package org.smtpdoctor.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.smtpdoctor.net.PortResult.Service;
import org.smtpdoctor.net.PortResult.State;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.tls.TlsClient;

/**
 * Probes TCP ports of one address in parallel: each port is opened once, classified
 * (open, refused, filtered = no answer within the connect timeout, reset, unreachable),
 * and an open port is asked what it is: an SMTP greeting in plain text, or, when it stays
 * silent, a TLS handshake (implicit TLS). Once connected, a port has one timeout for all of
 * that: the greeting wait (at most half of it) and the TLS try share it. All ports run at
 * once, so the whole matrix takes about one timeout (plus a connection's round trip), not
 * one per port nor one per question. Stateless.
 */
public final class PortProbe {

    private final Duration connectTimeout;
    private final Duration greetingWait;

    public PortProbe(Duration connectTimeout, Duration greetingWait) {
        this.connectTimeout = connectTimeout;
        this.greetingWait = greetingWait;
    }

    /** Probes every port; results come back in the order asked. */
    public List<PortResult> probeAll(InetAddress address, String hostName, List<Integer> ports) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, ports.size()), r -> {
            Thread t = new Thread(r, "port-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PortResult>> futures = new ArrayList<>();
            for (int port : ports) {
                futures.add(pool.submit(() -> probe(address, hostName, port)));
            }
            // A safety net only: each probe keeps to its own deadline (a connect, then one timeout).
            long limitMs = connectTimeout.multipliedBy(2).toMillis() + 1000;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
            List<PortResult> results = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                long left = Math.max(1, deadline - System.nanoTime());
                try {
                    results.add(futures.get(i).get(left, TimeUnit.NANOSECONDS));
                } catch (TimeoutException | ExecutionException e) {
                    futures.get(i).cancel(true);
                    results.add(new PortResult(ports.get(i), State.FILTERED, Optional.empty(), Optional.empty(), Optional.empty()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    PortResult probe(InetAddress address, String hostName, int port) {
        long start = System.nanoTime();
        Socket socket;
        try {
            socket = TcpConnector.connect(new InetSocketAddress(address, port), connectTimeout);
        } catch (TransportException e) {
            State state = switch (e.kind()) {
                case CONNECT_REFUSED -> State.REFUSED;
                case CONNECT_TIMEOUT -> State.FILTERED;
                case RESET -> State.RESET;
                default -> State.UNREACHABLE;
            };
            return new PortResult(port, state, Optional.empty(), Optional.empty(), Optional.empty());
        }
        long connected = System.nanoTime();
        long rtt = TimeUnit.NANOSECONDS.toMillis(connected - start);
        long deadline = connected + connectTimeout.toNanos();
        try (socket) {
            // Half the time at most for a greeting, so that a silent port keeps the other half for the TLS try.
            Duration greeting = min(greetingWait, connectTimeout.dividedBy(2));
            Optional<String> first = firstLine(socket, greeting);
            if (first.isPresent()) {
                String line = first.get();
                Service service = line.matches("^\\d{3}([ -].*)?$") ? Service.SMTP : Service.OTHER;
                return new PortResult(port, State.OPEN, Optional.of(service), Optional.of(rtt), Optional.of(line));
            }
            // Silent in plain text: an implicit-TLS port waits for our ClientHello.
            try {
                TlsClient.Handshake tls = TlsClient.withDefaultTrust().handshake(socket, hostName, port, left(deadline));
                Optional<String> inside = firstLine(tls.socket(), left(deadline));
                return new PortResult(port, State.OPEN, Optional.of(Service.TLS), Optional.of(rtt), inside);
            } catch (IOException e) {
                return new PortResult(port, State.OPEN, Optional.of(Service.NONE), Optional.of(rtt), Optional.empty());
            }
        } catch (IOException e) {
            boolean reset = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset");
            return new PortResult(port, reset ? State.RESET : State.OPEN, reset ? Optional.empty() : Optional.of(Service.NONE),
                    Optional.of(rtt), Optional.empty());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** What is left until the deadline; a moment at least, so that a late step still gets its answer if it is there. */
    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(50), deadline - System.nanoTime()));
    }

    /** The first line the peer sends within {@code wait}, printable, at most 200 characters. */
    private static Optional<String> firstLine(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[512];
        int n;
        try {
            n = in.read(buf);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
        if (n <= 0) {
            return Optional.empty();
        }
        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        String line = (end >= 0 ? text.substring(0, end) : text).replace("\r", "");
        StringBuilder out = new StringBuilder();
        for (char c : line.toCharArray()) {
            out.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return Optional.of(out.length() > 200 ? out.substring(0, 200) : out.toString());
    }
}
