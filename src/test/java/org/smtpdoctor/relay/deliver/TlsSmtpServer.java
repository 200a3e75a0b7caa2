package org.smtpdoctor.relay.deliver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.smtpdoctor.tls.SelfSignedCertificate;

/**
 * A submission endpoint shaped like smtp.office365.com:587 for the m365-oauth upstream:
 * STARTTLS (a fresh self-signed certificate for localhost), AUTH offered only after TLS
 * ({@code LOGIN XOAUTH2}), and the XOAUTH2 answer chosen by the test for each attempt.
 * Records the (user, token) of every XOAUTH2 attempt and the messages accepted. FakeSmtpServer
 * speaks plain text only, hence this one. Thread per connection; close() ends everything.
 */
final class TlsSmtpServer implements AutoCloseable {

    record Auth(String user, String token, boolean tls) {}

    record Message(String sender, List<String> recipients, String text) {}

    /** The reply to the n-th XOAUTH2 attempt (from 1, across sessions). */
    interface AuthPolicy {
        String reply(int n, Auth auth);
    }

    final SelfSignedCertificate certificate = SelfSignedCertificate.generate();
    final List<Auth> auths = new CopyOnWriteArrayList<>();
    final List<Message> messages = new CopyOnWriteArrayList<>();
    final AtomicInteger sessions = new AtomicInteger();
    private final AuthPolicy policy;
    private final ServerSocket server;
    private final SSLContext tls;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private final boolean implicit;

    TlsSmtpServer(AuthPolicy policy) throws Exception {
        this(policy, false);
    }

    /** @param implicit TLS from the first byte (port 465 style), with AUTH PLAIN as well */
    TlsSmtpServer(AuthPolicy policy, boolean implicit) throws Exception {
        this.policy = policy;
        this.implicit = implicit;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", certificate.privateKey(), "x".toCharArray(), new Certificate[] {certificate.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tls-smtp");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "tls-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket plain) {
        sessions.incrementAndGet();
        Socket socket = plain;
        boolean secure = false;
        boolean authed = false;
        String sender = null;
        List<String> rcpts = new ArrayList<>();
        try {
            if (implicit) {
                SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
                s.setUseClientMode(false);
                s.startHandshake();
                socket = s;
                open.add(s);
                secure = true;
            }
            BufferedReader in = reader(socket);
            OutputStream out = socket.getOutputStream();
            write(out, "220 localhost Microsoft ESMTP MAIL Service ready");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.split(" ")[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> write(out, secure
                            ? "250-localhost Hello\r\n250-SIZE 157286400\r\n250-8BITMIME\r\n250-AUTH LOGIN XOAUTH2" + (implicit ? " PLAIN" : "")
                                    + "\r\n250 SMTPUTF8"
                            : "250-localhost Hello\r\n250-SIZE 157286400\r\n250-STARTTLS\r\n250 SMTPUTF8");
                    case "STARTTLS" -> {
                        write(out, "220 2.0.0 SMTP server ready");
                        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
                        s.setUseClientMode(false);
                        s.startHandshake();
                        socket = s;
                        open.add(s);
                        secure = true;
                        in = reader(socket);
                        out = socket.getOutputStream();
                    }
                    case "AUTH" -> {
                        String[] p = line.split(" ");
                        if (implicit && p.length == 3 && p[1].equalsIgnoreCase("PLAIN")) {
                            String[] creds = new String(Base64.getDecoder().decode(p[2]), StandardCharsets.UTF_8).split("\u0000", -1);
                            Auth a = new Auth(creds[1], creds[2], secure);
                            auths.add(a);
                            String r = policy.reply(auths.size(), a);
                            authed = r.startsWith("235");
                            write(out, r);
                            continue;
                        }
                        if (!secure || p.length < 3 || !p[1].equalsIgnoreCase("XOAUTH2")) {
                            write(out, "504 5.7.4 Unrecognized authentication type");
                            continue;
                        }
                        String sasl = new String(Base64.getDecoder().decode(p[2]), StandardCharsets.UTF_8);
                        String user = sasl.replaceAll("(?s)^user=([^\u0001]*)\u0001.*", "$1");
                        String token = sasl.replaceAll("(?s).*auth=Bearer ([^\u0001]*)\u0001.*", "$1");
                        Auth a = new Auth(user, token, secure);
                        auths.add(a);
                        String r = policy.reply(auths.size(), a);
                        authed = r.startsWith("235");
                        write(out, r);
                    }
                    case "MAIL" -> {
                        if (!authed) {
                            write(out, "530 5.7.57 Client not authenticated to send mail");
                            continue;
                        }
                        sender = line.replaceAll("(?i)^MAIL FROM:<([^>]*)>.*", "$1");
                        rcpts = new ArrayList<>();
                        write(out, "250 2.1.0 Sender OK");
                    }
                    case "RCPT" -> {
                        rcpts.add(line.replaceAll("(?i)^RCPT TO:<([^>]*)>.*", "$1"));
                        write(out, "250 2.1.5 Recipient OK");
                    }
                    case "DATA" -> {
                        write(out, "354 Start mail input; end with <CRLF>.<CRLF>");
                        StringBuilder text = new StringBuilder();
                        String l;
                        while ((l = in.readLine()) != null && !l.equals(".")) {
                            text.append(l.startsWith("..") ? l.substring(1) : l).append('\n');
                        }
                        messages.add(new Message(sender, List.copyOf(rcpts), text.toString()));
                        write(out, "250 2.0.0 OK <id@localhost> [Hostname=LAB.prod.outlook.com]");
                    }
                    case "QUIT" -> {
                        write(out, "221 2.0.0 Service closing transmission channel");
                        return;
                    }
                    default -> write(out, "250 2.0.0 OK");
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
