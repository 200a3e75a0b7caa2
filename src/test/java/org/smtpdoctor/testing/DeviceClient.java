package org.smtpdoctor.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw-socket device for tests: writes exactly the bytes it is given (bare LF, pipelined
 * commands, lowercase verbs...) and reads replies. 5 s read timeout, so a hung relay fails
 * the test instead of hanging it.
 */
public final class DeviceClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public DeviceClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    /**
     * From another local address: any of 127.0.0.0/8 is this machine too, so a test can be a
     * client the relay does not know (127.0.0.2) without leaving loopback.
     */
    public DeviceClient(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        use(s);
    }

    /** Over a socket the test connected itself (and may also write to directly). */
    public DeviceClient(Socket connected) throws IOException {
        use(connected);
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(5000);
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    /** Each read from now on waits up to {@code wait} (5 s until told otherwise): for a reply that comes only after a timeout of the relay's. */
    public DeviceClient readTimeout(java.time.Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        return this;
    }

    /** Sends these bytes as they are (ISO-8859-1, so \u00e9 is one 8-bit byte). */
    public DeviceClient raw(String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Sends a line with CRLF and returns the reply. */
    public String send(String line) throws IOException {
        raw(line + "\r\n");
        return reply();
    }

    /** Reads one (possibly multi-line) reply, lines joined with \n; null at end of stream. */
    public String reply() throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                return all.length() == 0 ? null : all.toString();
            }
            all.append(all.length() == 0 ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return all.toString();
            }
        }
    }

    /** Reads to the end of the stream (the server closed). */
    public String rest() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** STARTTLS already answered 220: upgrades, trusting any certificate. */
    public SSLSocket startTls(String... protocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        if (protocols.length > 0) {
            tls.setEnabledProtocols(protocols);
        }
        tls.startHandshake();
        use(tls);
        return tls;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
