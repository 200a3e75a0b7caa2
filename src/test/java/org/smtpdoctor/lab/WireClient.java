package org.smtpdoctor.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A deliberately tiny SMTP client for the lab's tests: send a line, read a (multi-line)
 * reply, upgrade to TLS trusting one certificate. Blocking, one thread, 5 s read timeout
 * so a broken server fails a test instead of hanging it.
 */
final class WireClient implements AutoCloseable {

    private static final int READ_TIMEOUT_MS = 5_000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private WireClient(Socket socket) throws IOException {
        use(socket);
    }

    static WireClient connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        return new WireClient(socket);
    }

    /** Connects, reads the banner, sends EHLO, STARTTLS, EHLO; returns the client ready for AUTH. */
    static WireClient connectOverTls(LabServer lab) throws IOException {
        WireClient client = connect(lab.port());
        client.readReply();
        client.send("EHLO client.example");
        client.expect("STARTTLS", "220 ");
        client.startTls(lab.certificate(), "localhost");
        client.expect("EHLO client.example", "250");
        return client;
    }

    /** Sends a command and returns the whole reply (lines joined with \n). */
    String send(String line) throws IOException {
        write(line + "\r\n");
        return readReply();
    }

    /** Sends a command and fails unless the reply starts with {@code prefix}. */
    String expect(String line, String prefix) throws IOException {
        String reply = send(line);
        if (!reply.startsWith(prefix)) {
            throw new AssertionError("'" + line + "' got '" + reply + "', expected '" + prefix + "...'");
        }
        return reply;
    }

    void write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one reply: lines until one whose fourth character is a space (RFC 5321 §4.2.1). */
    String readReply() throws IOException {
        return String.join("\n", readReplyLines());
    }

    List<String> readReplyLines() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed after " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
    }

    /** True if the server closed the connection (end of stream or reset) before sending anything more. */
    boolean serverClosed() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Upgrades to TLS, trusting only {@code trusted}, checking the name like HTTPS does. */
    SSLSession startTls(X509Certificate trusted, String hostName, String... protocols) throws IOException {
        SSLSocket tls = (SSLSocket) trusting(trusted).getSocketFactory()
                .createSocket(socket, hostName, socket.getPort(), true);
        tls.setUseClientMode(true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        use(tls);
        return tls.getSession();
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String xoauth2(String user, String token) {
        return base64("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private static SSLContext trusting(X509Certificate certificate) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("lab", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
