package org.smtpdoctor.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.net.PortResult.Service;
import org.smtpdoctor.net.PortResult.State;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.testing.FakeSmtpServer;
import org.smtpdoctor.testing.Ports;
import org.smtpdoctor.tls.SelfSignedCertificate;

class PortProbeTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    /** A connect timeout of 3 s, and 1.5 s for a greeting: a loaded machine's servers still greet in time. */
    private final PortProbe probe = new PortProbe(Duration.ofSeconds(3), Duration.ofMillis(1500));

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** A server that accepts and then writes this greeting (or nothing), on its own thread. */
    private int server(ServerSocket server, String greeting) {
        toClose.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    toClose.add(s);
                    if (greeting != null) {
                        OutputStream out = s.getOutputStream();
                        out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    @Test
    void eachPortIsClassifiedByWhatAnswers() throws Exception {
        FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.reply("220 mx.test ESMTP ready"), FakeSmtpServer.plainServer());
        toClose.add(smtp);
        int silent = server(new ServerSocket(0, 5, LOOPBACK), null);
        int http = server(new ServerSocket(0, 5, LOOPBACK), "HTTP/1.0 400 Bad Request\r\n\r\n");
        SSLServerSocket tlsSocket = (SSLServerSocket) SelfSignedCertificate.generate().serverContext()
                .getServerSocketFactory().createServerSocket(0, 5, LOOPBACK);
        int tls = server(tlsSocket, "220 smtps.test ESMTP\r\n");
        int closed = Ports.free();

        List<PortResult> results = probe.probeAll(LOOPBACK, "localhost", List.of(smtp.port(), silent, http, tls, closed));

        assertThat(results).extracting(PortResult::port).containsExactly(smtp.port(), silent, http, tls, closed);
        assertThat(results.get(0).state()).isEqualTo(State.OPEN);
        assertThat(results.get(0).service()).contains(Service.SMTP);
        assertThat(results.get(0).banner()).contains("220 mx.test ESMTP ready");
        assertThat(results.get(0).rttMs()).isPresent();
        assertThat(results.get(1).service()).contains(Service.NONE);
        assertThat(results.get(2).service()).contains(Service.OTHER);
        assertThat(results.get(2).banner()).contains("HTTP/1.0 400 Bad Request");
        assertThat(results.get(3).service()).contains(Service.TLS);
        assertThat(results.get(3).banner()).contains("220 smtps.test ESMTP");
        assertThat(results.get(4).state()).isEqualTo(State.REFUSED);
        assertThat(results.get(4).service()).isEmpty();
    }

    @Test
    void aFilteredPortTakesOneTimeoutForTheWholeMatrix() throws Exception {
        Peers.require("iptables");
        int dropped = server(new ServerSocket(0, 5, LOOPBACK), "220 never seen\r\n");
        FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.reply("220 mx.test ESMTP"), FakeSmtpServer.plainServer());
        toClose.add(smtp);
        List<String> rule = List.of("INPUT", "-p", "tcp", "-s", "127.0.0.1", "-d", "127.0.0.1", "--dport",
                String.valueOf(dropped), "-j", "DROP");
        Exec.Result add = Exec.run(concat("-I", rule), Duration.ofSeconds(10));
        assertThat(add.ok()).as("iptables -I: " + add.output() + " (this test needs root)").isTrue();
        try {
            long start = System.nanoTime();
            List<PortResult> results = probe.probeAll(LOOPBACK, "localhost", List.of(dropped, smtp.port(), Ports.free()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(results.get(0).state()).isEqualTo(State.FILTERED);
            assertThat(results.get(1).service()).contains(Service.SMTP);
            assertThat(results.get(2).state()).isEqualTo(State.REFUSED);
            // One connect timeout (3 s) for the whole matrix, not one per port, nor probeAll's safety net (2 x 3 s + 1 s).
            assertThat(took).isBetween(Duration.ofMillis(2900), Duration.ofMillis(5500));
        } finally {
            Exec.run(concat("-D", rule), Duration.ofSeconds(10));
        }
    }

    private static List<String> concat(String op, List<String> rule) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Peers.findExecutable("iptables").toString(), op));
        cmd.addAll(rule);
        return cmd;
    }
}
