package org.smtpdoctor.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Port numbers on 127.0.0.1 for a test to hand to something else (smtp-sink, a relay in a child
 * process, Postfix, openssl s_server, dnsmasq) or to use as a port where nothing listens.
 *
 * <p>Binding port 0 and closing the socket is not enough: the kernel takes port 0 from the
 * ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default), where
 * every outgoing connection of this JVM or of a peer also takes its local port, so between the
 * close and the real bind such a connection can take the port (and a connection to a closed port
 * in that range can even meet itself). The ports here lie below that range, from {@value #FIRST}
 * up to its low end: no outgoing connection ever takes one.
 *
 * <p>A port is free for TCP and UDP on 127.0.0.1 when handed out (bound with SO_REUSEADDR off, then
 * closed: DNS servers need both) and is never handed out twice in one JVM. Thread-safe. Other JVMs
 * (a surefire fork, another checkout's build) use the same range: each JVM starts at a random
 * place in it, so two rarely meet, and the bind check skips a port another one holds. Where a test
 * can keep a bound ServerSocket and pass it on, that is better still: a port bound and kept is
 * race-free.
 */
public final class Ports {

    private static final int FIRST = 20000;
    private static final int END = end();
    private static final int START = ThreadLocalRandom.current().nextInt(END - FIRST);
    /** How many ports this JVM has tried; the one mutable static, as "never twice per JVM" needs. */
    private static final AtomicInteger TRIED = new AtomicInteger();

    private Ports() {
    }

    /** A port nothing on 127.0.0.1 used a moment ago, below the ephemeral range, new to this JVM. */
    public static int free() {
        int size = END - FIRST;
        for (int n = TRIED.getAndIncrement(); n < size; n = TRIED.getAndIncrement()) {
            int port = FIRST + (START + n) % size;
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("every port from " + FIRST + " to " + (END - 1) + " was handed out or in use");
    }

    /** The low end of the kernel's ephemeral port range; 32768 (Linux's default) where it cannot be read. */
    static int ephemeralLow() {
        try {
            // Not readString: on JDK 17 it returns just the first byte of this /proc file ("3").
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768; // macOS and Windows start theirs at 49152: still above
        }
    }

    private static int end() {
        int low = ephemeralLow();
        // A machine whose ephemeral range starts below 21000 leaves no room under it: then the bind check alone guards.
        return low >= FIRST + 1000 ? low : 32768;
    }

    private static boolean bindable(int port) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(null)) {
            tcp.setReuseAddress(false);
            tcp.bind(address, 1);
            udp.setReuseAddress(false);
            udp.bind(address);
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
