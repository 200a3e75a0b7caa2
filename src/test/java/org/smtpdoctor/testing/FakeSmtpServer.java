package org.smtpdoctor.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted SMTP server on 127.0.0.1, port 0, with a fault policy, for testing how
 * the client classifies what servers do. The script maps each received line to an
 * {@link Action}: reply text (raw, CRLFs included), close, stall, or send garbage.
 * Plain text only (TLS paths are tested against the lab and real peers).
 * Thread-safe; one thread per connection; close() ends everything.
 */
public final class FakeSmtpServer implements AutoCloseable {

    /** What the server does at one point of the session. */
    public sealed interface Action permits Send, Close, Stall, Trickle, Reset {}

    /** Sends these bytes (use CRLF yourself) and goes on. */
    public record Send(String raw) implements Action {}

    /** Closes the connection at once. */
    public record Close() implements Action {}

    /** Says nothing in answer, keeps the connection open (the client must time out). */
    public record Stall() implements Action {}

    /** Sends these bytes one at a time, {@code every} apart (a peer that never idles long enough to time out a read). */
    public record Trickle(String raw, java.time.Duration every) implements Action {}

    /** Resets the connection (SO_LINGER 0: an RST, not a FIN), as a crashing server or a middlebox does. */
    public record Reset() implements Action {}

    public static Action reply(String... lines) {
        StringBuilder raw = new StringBuilder();
        for (String line : lines) {
            raw.append(line).append("\r\n");
        }
        return new Send(raw.toString());
    }

    private final ServerSocket server;
    private final java.util.function.IntFunction<Action> greeting;
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final Function<String, Action> script;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public FakeSmtpServer(Action greeting, Function<String, Action> script) throws IOException {
        this(n -> greeting, script);
    }

    /** A server whose greeting depends on the connection: {@code greeting} gets its number, from 1. */
    public FakeSmtpServer(java.util.function.IntFunction<Action> greeting, Function<String, Action> script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.greeting = greeting;
        this.script = script;
        this.acceptor = new Thread(this::acceptLoop, "fake-smtp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A well-behaved plain server without STARTTLS or AUTH, for envelope tests. */
    public static Function<String, Action> plainServer() {
        return line -> {
            String verb = line.split(" ")[0].toUpperCase(java.util.Locale.ROOT);
            return switch (verb) {
                case "EHLO" -> reply("250-fake.test Hello", "250-PIPELINING", "250 8BITMIME");
                case "HELO" -> reply("250 fake.test");
                case "QUIT" -> reply("221 2.0.0 Bye");
                default -> reply("250 2.0.0 OK");
            };
        };
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<String> received() {
        return List.copyOf(received);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread t = new Thread(() -> serve(socket), "fake-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            if (!perform(greeting.apply(connections.incrementAndGet()), socket, out)) {
                return;
            }
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                if (!perform(script.apply(line), socket, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away: normal for fault tests.
        }
    }

    /** Returns false when the session should end. */
    private boolean perform(Action action, Socket socket, OutputStream out) throws IOException {
        if (action instanceof Send send) {
            out.write(send.raw().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        }
        if (action instanceof Trickle trickle) {
            for (byte b : trickle.raw().getBytes(StandardCharsets.UTF_8)) {
                out.write(b);
                out.flush();
                try {
                    Thread.sleep(trickle.every().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
        if (action instanceof Reset) {
            socket.setSoLinger(true, 0);
            return false; // serve's try-with-resources closes it: with linger 0, an RST
        }
        // A stall sends nothing and keeps reading, holding the connection open.
        return action instanceof Stall;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
