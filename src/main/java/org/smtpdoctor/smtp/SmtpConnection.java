package org.smtpdoctor.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.smtpdoctor.net.TcpConnector;
import org.smtpdoctor.smtp.TransportException.Kind;
import org.smtpdoctor.tls.TlsClient;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * One SMTP connection: writes command lines, reads replies through a
 * {@link ReplyParser}, upgrades to TLS, and records everything in the
 * {@link Transcript}. Every read is bounded by the read timeout and by the
 * session's overall deadline; a watchdog closes the socket when the deadline
 * passes, so even a blocked write cannot hang. Transport failures surface as
 * {@link TransportException}; replies of any code are returned as values.
 * Not thread-safe: one thread drives a connection.
 */
public final class SmtpConnection implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Transcript transcript;
    private final Timeouts timeouts;
    private final long deadlineNanos;
    private final AtomicBoolean deadlinePassed = new AtomicBoolean();
    private final ScheduledFuture<?> watchdog;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private ReplyParser parser = new ReplyParser();
    private boolean tls;
    private boolean broken;
    private final byte[] buffer = new byte[8192];

    public SmtpConnection(Socket socket, Timeouts timeouts, Transcript transcript) throws IOException {
        this.transcript = transcript;
        this.timeouts = timeouts;
        this.deadlineNanos = System.nanoTime() + timeouts.overall().toNanos();
        this.watchdog = WATCHDOG.schedule(() -> {
            deadlinePassed.set(true);
            closeSocketQuietly();
        }, timeouts.overall().toMillis(), TimeUnit.MILLISECONDS);
        use(socket);
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
    }

    /** This side's address of the connection (for an EHLO address literal). */
    public java.net.InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    public boolean isTls() {
        return tls;
    }

    public Transcript transcript() {
        return transcript;
    }

    /** Reads one complete reply, waiting at most the read timeout (and never past the deadline). */
    public Reply readReply() throws TransportException {
        boolean clipped = false;
        try {
            while (true) {
                Optional<Reply> ready = parser.poll();
                if (ready.isPresent()) {
                    // Redacted where captured: a server echoing a secret must not put it in any
                    // Reply, finding or diagnosis.
                    Reply reply = redacted(ready.get());
                    for (String line : reply.wireLines()) {
                        transcript.received(line, tls);
                    }
                    return reply;
                }
                parser.failure().ifPresent(e -> {
                    throw new GarbageSeen(e);
                });
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (remaining <= 0) {
                    throw fail(Kind.OVERALL_TIMEOUT, parser.inProgress() ? "in the middle of a reply" : null, null);
                }
                clipped = remaining < timeouts.read().toMillis();
                socket.setSoTimeout((int) Math.max(1, Math.min(timeouts.read().toMillis(), remaining)));
                int n = in.read(buffer);
                if (n < 0) {
                    throw fail(Kind.CLOSED, parser.inProgress() ? "in the middle of a reply" : "without a reply", null);
                }
                try {
                    parser.feed(buffer, 0, n);
                } catch (MalformedReplyException e) {
                    // Kept by the parser: replies completed before the bad line are returned first.
                }
            }
        } catch (GarbageSeen e) {
            throw fail(Kind.GARBAGE, e.reason.getMessage(), e.reason);
        } catch (SocketTimeoutException e) {
            // The read timeout is clipped to the time left, so a timeout at the deadline is the deadline's. The time left
            // is in whole milliseconds, so a clipped read ends up to one before the deadline: its timeout is the deadline's too.
            boolean deadline = clipped || deadlinePassed.get() || System.nanoTime() - deadlineNanos >= 0;
            throw fail(deadline ? Kind.OVERALL_TIMEOUT : Kind.READ_TIMEOUT,
                    (parser.inProgress() ? "in the middle of a reply, " : "") + "after "
                            + (deadline ? timeouts.overall().toMillis() + " ms in all" : timeouts.read().toMillis() + " ms"), e);
        } catch (TransportException e) {
            throw e;
        } catch (IOException e) {
            throw fail(deadlinePassed.get() ? Kind.OVERALL_TIMEOUT : TcpConnector.classify(e, "").kind(), null, e);
        }
    }

    /** Sends one command line; {@code shown} is what the transcript records (secrets already masked). */
    public void send(String line, String shown) throws TransportException {
        // One command is one line (RFC 5321 §2.3.8): a CR or LF inside would smuggle a second
        // command onto the wire. Callers validate their input; this is the last guard.
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an SMTP command must not contain CR or LF");
        }
        transcript.sent(shown, tls);
        write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void send(String line) throws TransportException {
        send(line, line);
    }

    /**
     * Writes raw bytes (part of a message body) without flushing: a message streamed in chunks
     * is flushed once, by the last {@link #write(byte[])}. The caller records what it wants shown.
     */
    public void writePart(byte[] bytes, int off, int len) throws TransportException {
        try {
            out.write(bytes, off, len);
        } catch (IOException e) {
            throw fail(deadlinePassed.get() ? Kind.OVERALL_TIMEOUT : TcpConnector.classify(e, "").kind(), "while sending", e);
        }
    }

    /** Flushes what {@link #writePart} wrote. */
    public void flush() throws TransportException {
        try {
            out.flush();
        } catch (IOException e) {
            throw fail(deadlinePassed.get() ? Kind.OVERALL_TIMEOUT : TcpConnector.classify(e, "").kind(), "while sending", e);
        }
    }

    /** Writes raw bytes (a message body); the caller records what it wants shown. */
    public void write(byte[] bytes) throws TransportException {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw fail(deadlinePassed.get() ? Kind.OVERALL_TIMEOUT : TcpConnector.classify(e, "").kind(), "while sending", e);
        }
    }

    /**
     * Upgrades this connection to TLS (after a 220 to STARTTLS, or at once for
     * implicit TLS). Bytes the server sent before the handshake are discarded, as
     * RFC 3207 section 4.2 requires of the client.
     */
    public TlsSessionInfo startTls(TlsClient client, String host, int port) throws TransportException {
        try {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            TlsClient.Handshake handshake = client.handshake(socket, host, port,
                    java.time.Duration.ofMillis(Math.max(1, Math.min(timeouts.read().toMillis(), remaining))));
            use(handshake.socket());
            parser = new ReplyParser();
            tls = true;
            TlsSessionInfo info = handshake.info();
            transcript.info("TLS started with " + info.protocol() + ", " + info.cipherSuite(), true);
            return info;
        } catch (SocketTimeoutException e) {
            throw fail(deadlinePassed.get() ? Kind.OVERALL_TIMEOUT : Kind.READ_TIMEOUT, "during the TLS handshake", e);
        } catch (javax.net.ssl.SSLException e) {
            if (deadlinePassed.get()) {
                throw fail(Kind.OVERALL_TIMEOUT, null, e);
            }
            throw fail(Kind.TLS_HANDSHAKE, describeHandshakeFailure(e), e);
        } catch (IOException e) {
            throw fail(deadlinePassed.get() ? Kind.OVERALL_TIMEOUT : TcpConnector.classify(e, "").kind(),
                    "during the TLS handshake", e);
        }
    }

    private static String describeHandshakeFailure(javax.net.ssl.SSLException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
            return "the server answered in plain text, not TLS";
        }
        if (m.contains("protocol_version") || m.contains("No appropriate protocol")) {
            return "no TLS version in common (" + m + ")";
        }
        if (m.contains("handshake_failure")) {
            return "the server refused the handshake (" + m + ")";
        }
        return m;
    }

    /** Carries a parse failure out of the lambda above. */
    private static final class GarbageSeen extends RuntimeException {
        final MalformedReplyException reason;

        GarbageSeen(MalformedReplyException reason) {
            super(null, null, false, false);
            this.reason = reason;
        }
    }

    private Reply redacted(Reply reply) {
        Redactor r = transcript.redactor();
        return new Reply(reply.code(), reply.enhanced(), reply.lines().stream().map(r::redact).toList());
    }

    /** True once the wire failed: nothing more should be sent (no RSET, no QUIT). */
    public boolean isBroken() {
        return broken;
    }

    private TransportException fail(Kind kind, String detail, Throwable cause) {
        broken = true;
        TransportException e = new TransportException(kind, detail == null ? null : transcript.redactor().redact(detail));
        if (cause != null) {
            e.initCause(cause);
        }
        transcript.error(e.getMessage(), tls);
        return e;
    }

    private void closeSocketQuietly() {
        Socket s = socket;
        if (s != null) {
            TcpConnector.closeQuietly(s);
        }
    }

    @Override
    public void close() {
        watchdog.cancel(false);
        closeSocketQuietly();
    }
}
