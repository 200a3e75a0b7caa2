package org.smtpdoctor.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.smtp.TransportException.Kind;

/** Opens TCP connections and names why one could not be opened. Stateless. */
public final class TcpConnector {

    private TcpConnector() {
    }

    /**
     * Loads what the first connection of a process needs: the JDK's socket implementation, its
     * native libraries and its probes of the socket options, and the address classes. Nothing is
     * connected or sent. A one-shot {@code check} runs it beside the parsing of its command line.
     */
    public static void warmUp() {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            InetAddress.getByName("127.0.0.1");
        } catch (IOException e) {
            // only a head start: the real connection reports whatever is wrong
        }
    }

    public static Socket connect(InetSocketAddress address, Duration timeout) throws TransportException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) Math.max(1, timeout.toMillis()));
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw classify(e, HostPort.display(address.getAddress(), address.getPort()));
        }
    }

    /** Maps a socket-level exception to a transport failure kind. */
    public static TransportException classify(IOException e, String where) {
        if (e instanceof TransportException t) {
            return t;
        }
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        Kind kind;
        if (e instanceof SocketTimeoutException) {
            kind = message.contains("connect") ? Kind.CONNECT_TIMEOUT : Kind.READ_TIMEOUT;
        } else if (e instanceof NoRouteToHostException || message.contains("unreachable")) {
            kind = Kind.UNREACHABLE;
        } else if (e instanceof ConnectException) {
            kind = message.contains("timed out") ? Kind.CONNECT_TIMEOUT : Kind.CONNECT_REFUSED;
        } else if (e instanceof SocketException && (message.contains("reset") || message.contains("broken pipe"))) {
            kind = Kind.RESET;
        } else if (e instanceof java.io.EOFException || message.contains("closed")) {
            kind = Kind.CLOSED;
        } else {
            kind = Kind.IO;
        }
        return new TransportException(kind, where, e);
    }

    public static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
    }
}
