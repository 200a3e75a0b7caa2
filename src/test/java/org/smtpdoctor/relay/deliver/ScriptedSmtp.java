package org.smtpdoctor.relay.deliver;

import static org.smtpdoctor.testing.FakeSmtpServer.reply;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.smtpdoctor.testing.FakeSmtpServer;

/**
 * A {@link FakeSmtpServer} that speaks a whole plain SMTP session: EHLO, MAIL, RCPT, DATA with
 * the message lines, ".", RSET, QUIT. A policy may answer any envelope command (and ".")
 * differently, by the command and how many times that verb came before in all sessions.
 * Messages that got a 250 after "." are kept (sender, recipients accepted, lines). Each session
 * runs on its own thread, so the DATA state is per thread. Public for the console's tests.
 */
public final class ScriptedSmtp implements AutoCloseable {

    public record Message(String sender, List<String> recipients, List<String> lines) {
        public String text() {
            return String.join("\n", lines);
        }
    }

    /**
     * Answers a command; null for the default. {@code n} counts that verb across sessions, from 1.
     * Besides a reply: {@code CLOSE} (a FIN), {@code RESET} (an RST), {@code STALL} (no answer,
     * the connection held), {@code TRICKLE <reply>} (the reply a byte every 200 ms: each read waits far less than a
     * read timeout, even on a loaded machine, yet a long reply takes many seconds).
     */
    public interface Policy extends BiFunction<String, Integer, String> {}

    private final FakeSmtpServer server;
    private final Policy policy;
    public final List<Message> messages = new CopyOnWriteArrayList<>();
    public final List<String> commands = new CopyOnWriteArrayList<>();
    final AtomicInteger sessions = new AtomicInteger();
    private final java.util.Map<String, AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<Session> session = ThreadLocal.withInitial(Session::new);

    private static final class Session {
        boolean inData;
        String sender;
        List<String> rcpts = new ArrayList<>();
        List<String> lines = new ArrayList<>();
    }

    public ScriptedSmtp(Policy policy) throws IOException {
        this.policy = policy;
        this.server = new FakeSmtpServer(reply("220 fake.test ESMTP"), this::answer);
    }

    private volatile Policy body;

    /**
     * Also asks {@code p} about each message line ({@code n} counts them across sessions): CLOSE
     * or RESET there breaks the session mid-message. Returns this.
     */
    public ScriptedSmtp onMessageLines(Policy p) {
        this.body = p;
        return this;
    }

    public int port() {
        return server.port();
    }

    int count(String verb) {
        return counts.getOrDefault(verb, new AtomicInteger()).get();
    }

    private FakeSmtpServer.Action answer(String line) {
        Session s = session.get();
        if (s.inData) {
            if (!line.equals(".")) {
                String broken = body == null ? null : body.apply(line, counts.computeIfAbsent("BODY", k -> new AtomicInteger())
                        .incrementAndGet());
                if (broken != null) {
                    s.inData = false;
                    return action(broken);
                }
                s.lines.add(line.startsWith("..") ? line.substring(1) : line);
                return new FakeSmtpServer.Send("");
            }
            s.inData = false;
            String r = custom(".", ".");
            if (r != null && !r.matches("[0-9]{3}.*")) {
                return action(r);
            }
            if (r == null) {
                r = "250 2.0.0 Ok: queued";
                messages.add(new Message(s.sender, List.copyOf(s.rcpts), List.copyOf(s.lines)));
            }
            s.rcpts = new ArrayList<>();
            s.lines = new ArrayList<>();
            return send(r);
        }
        commands.add(line);
        String verb = line.split("[ :]")[0].toUpperCase(Locale.ROOT);
        if (verb.equals("EHLO")) {
            sessions.incrementAndGet();
            s.inData = false;
            s.rcpts = new ArrayList<>();
        }
        String custom = custom(verb, line);
        if (custom != null) {
            return action(custom);
        }
        return switch (verb) {
            case "EHLO" -> reply("250-fake.test", "250-PIPELINING", "250-8BITMIME", "250 AUTH PLAIN LOGIN");
            case "HELO" -> reply("250 fake.test");
            case "MAIL" -> {
                s.sender = line.replaceAll("(?i)^MAIL FROM:<([^>]*)>.*", "$1");
                s.rcpts = new ArrayList<>();
                yield reply("250 2.1.0 Ok");
            }
            case "RCPT" -> {
                s.rcpts.add(line.replaceAll("(?i)^RCPT TO:<([^>]*)>.*", "$1"));
                yield reply("250 2.1.5 Ok");
            }
            case "DATA" -> {
                s.inData = true;
                s.lines = new ArrayList<>();
                yield reply("354 End data with <CR><LF>.<CR><LF>");
            }
            case "AUTH" -> reply("235 2.7.0 Authentication successful");
            case "QUIT" -> reply("221 2.0.0 Bye");
            default -> reply("250 2.0.0 Ok");
        };
    }

    private String custom(String verb, String line) {
        int n = counts.computeIfAbsent(verb, k -> new AtomicInteger()).incrementAndGet();
        return policy.apply(line, n);
    }

    private static FakeSmtpServer.Action action(String custom) {
        if (custom.startsWith("TRICKLE ")) {
            return new FakeSmtpServer.Trickle(custom.substring(8) + "\r\n", java.time.Duration.ofMillis(200));
        }
        return switch (custom) {
            case "CLOSE" -> new FakeSmtpServer.Close();
            case "RESET" -> new FakeSmtpServer.Reset();
            case "STALL" -> new FakeSmtpServer.Stall();
            default -> send(custom);
        };
    }

    private static FakeSmtpServer.Action send(String r) {
        return new FakeSmtpServer.Send(r.endsWith("\r\n") ? r : r + "\r\n");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
