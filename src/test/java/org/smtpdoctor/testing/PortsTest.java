package org.smtpdoctor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void portsAreDistinctBelowTheEphemeralRangeAndBindableForTcpAndUdp() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralLow = Files.exists(range) ? Integer.parseInt(Files.readAllLines(range).get(0).split("\\s+")[0]) : 32768;
        assertThat(Ports.ephemeralLow()).as("what the helper reads from " + range).isEqualTo(ephemeralLow);
        Set<Integer> seen = new HashSet<>();
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                int port = Ports.free();
                assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
                assertThat(port).isGreaterThanOrEqualTo(1024).isLessThan(ephemeralLow);
                // Bound for TCP and UDP, and held to the end, as a server given the port would bind it.
                ServerSocket tcp = new ServerSocket();
                held.add(tcp);
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress("127.0.0.1", port), 1);
                held.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", port)));
            }
        } finally {
            for (AutoCloseable c : held) {
                c.close();
            }
        }
    }
}
