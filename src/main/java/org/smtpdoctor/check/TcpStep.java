package org.smtpdoctor.check;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.net.PortProbe;
import org.smtpdoctor.net.PortResult;
import org.smtpdoctor.net.TcpConnector;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.SmtpConnection;
import org.smtpdoctor.smtp.Timeouts;
import org.smtpdoctor.smtp.TransportException;

/**
 * tcp: connects. When the name has IPv4 and IPv6 addresses, one of each is tried at once and
 * both results are reported (a device may prefer the family that fails); otherwise the
 * addresses are tried in the resolver's order, at most three, each within the timeout.
 * Needs {@code s.addresses} and {@code s.host}; sets {@code s.client} and
 * {@code s.connectedTo}. FAIL {@code tcp.refused}, {@code tcp.timeout},
 * {@code tcp.unreachable}, {@code tcp.reset} or {@code tcp.failed}, with what the other
 * mail ports do as details; WARN {@code tcp.family-failed}; PASS with each attempt as a detail.
 */
final class TcpStep implements Step {

    /** Mail ports tried when the chosen one cannot be reached: which other routes are open from here. */
    private static final List<Integer> MAIL_PORTS = List.of(25, 465, 587, 2525);

    @Override
    public Outcome run(CheckSession s) {
        int port = s.request.port();
        Duration timeout = s.request.timeout();
        Optional<InetAddress> v4 = s.addresses.stream().filter(a -> a instanceof Inet4Address).findFirst();
        Optional<InetAddress> v6 = s.addresses.stream().filter(a -> a instanceof Inet6Address).findFirst();
        List<Attempt> attempts = new ArrayList<>();
        if (v4.isPresent() && v6.isPresent()) {
            CompletableFuture<Attempt> other = CompletableFuture.supplyAsync(
                    () -> attempt(v6.get(), port, timeout), r -> {
                        Thread t = new Thread(r, "tcp-ipv6");
                        t.setDaemon(true);
                        t.start();
                    });
            Attempt four = attempt(v4.get(), port, timeout);
            Attempt six = other.join();
            boolean v6First = s.addresses.get(0) instanceof Inet6Address;
            attempts.addAll(v6First ? List.of(six, four) : List.of(four, six));
        } else {
            for (InetAddress address : s.addresses.stream().limit(3).toList()) {
                Attempt a = attempt(address, port, timeout);
                attempts.add(a);
                if (a.socket() != null) {
                    break;
                }
            }
        }
        String[] details = attempts.stream().map(a -> a.describe(port)).toArray(String[]::new);
        attempts.stream().filter(a -> a.socket() == null)
                .forEach(a -> s.transcript.error(HostPort.display(a.address(), port) + ": " + a.failure().getMessage(), false));
        Optional<Attempt> used = attempts.stream().filter(a -> a.socket() != null).findFirst();
        attempts.stream().filter(a -> a.socket() != null && a != used.orElse(null)).forEach(a -> TcpConnector.closeQuietly(a.socket()));
        if (used.isEmpty()) {
            // The most telling failure: refused or filtered say more than "no route".
            TransportException last = attempts.stream().map(Attempt::failure)
                    .min(Comparator.comparingInt(f -> f.kind() == TransportException.Kind.UNREACHABLE ? 1 : 0))
                    .orElseThrow();
            String event = switch (last.kind()) {
                case CONNECT_REFUSED -> "tcp.refused";
                case CONNECT_TIMEOUT -> "tcp.timeout";
                case UNREACHABLE -> "tcp.unreachable";
                case RESET -> "tcp.reset";
                default -> "tcp.failed";
            };
            List<String> all = new ArrayList<>(List.of(details));
            all.addAll(otherPorts(s, attempts.get(0).address(), port));
            return Outcome.fail("cannot connect to port " + port + ": " + last.kind().description(), s.event(StepId.TCP, event),
                    all.toArray(new String[0]));
        }
        Attempt ok = used.get();
        try {
            s.client = new SmtpClient(new SmtpConnection(ok.socket(), new Timeouts(timeout, timeout, timeout.multipliedBy(6)),
                    s.transcript));
        } catch (IOException e) {
            TcpConnector.closeQuietly(ok.socket());
            return Outcome.fail("connection lost at once: " + e.getMessage(), s.event(StepId.TCP, "tcp.reset"), details);
        }
        s.connectedTo = ok.address();
        s.transcript.info("connected to " + HostPort.display(ok.address(), port), false);
        String summary = "connected to " + HostPort.display(ok.address(), port) + " in " + ok.ms() + " ms";
        // A family this machine has no route for ("network unreachable") is not the path's fault.
        Optional<Attempt> failedFamily = attempts.stream()
                .filter(a -> a.socket() == null && a.failure().kind() != TransportException.Kind.UNREACHABLE).findFirst();
        if (v4.isPresent() && v6.isPresent() && failedFamily.isPresent()) {
            return Outcome.warn(summary + "; " + failedFamily.get().describe(port), s.event(StepId.TCP, "tcp.family-failed"), details);
        }
        return Outcome.pass(summary, details);
    }

    /** One connection attempt: the socket, or why there is none. */
    private record Attempt(InetAddress address, Socket socket, long ms, TransportException failure) {
        String describe(int port) {
            String family = address instanceof Inet6Address ? "IPv6 " : "IPv4 ";
            return family + HostPort.display(address, port) + ": "
                    + (socket != null ? "connected in " + ms + " ms" : failure.kind().description());
        }
    }

    private static Attempt attempt(InetAddress address, int port, Duration timeout) {
        long start = System.nanoTime();
        try {
            Socket socket = TcpConnector.connect(new InetSocketAddress(address, port), timeout);
            return new Attempt(address, socket, Duration.ofNanos(System.nanoTime() - start).toMillis(), null);
        } catch (TransportException e) {
            return new Attempt(address, null, 0, e);
        }
    }

    /**
     * What the other mail ports of the same address do, probed at once (so this costs one
     * short timeout): on Microsoft 365, port 587 open means SMTP AUTH submission is reachable,
     * port 25 open means the MX routes (Direct Send, connector) can be.
     */
    private static List<String> otherPorts(CheckSession s, InetAddress address, int failedPort) {
        List<Integer> ports = MAIL_PORTS.stream().filter(p -> p != failedPort).toList();
        Duration wait = s.request.timeout().compareTo(Duration.ofSeconds(3)) < 0 ? s.request.timeout() : Duration.ofSeconds(3);
        List<String> out = new ArrayList<>();
        for (PortResult r : new PortProbe(wait, Duration.ofMillis(Math.min(2000, wait.toMillis()))).probeAll(address, s.host, ports)) {
            out.add("port " + r.port() + " from here: " + r.state().id()
                    + r.service().map(x -> " (" + x.id() + ")").orElse(""));
        }
        return out;
    }
}
