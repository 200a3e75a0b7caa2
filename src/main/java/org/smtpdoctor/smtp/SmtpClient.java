package org.smtpdoctor.smtp;

import java.io.IOException;
import java.io.InputStream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.tls.TlsClient;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * The SMTP client verbs over one {@link SmtpConnection}: greeting, EHLO/HELO,
 * STARTTLS, AUTH (LOGIN, PLAIN, XOAUTH2), MAIL, RCPT, DATA, RSET, QUIT. Every verb
 * returns the server's {@link Reply}; only a broken wire throws. The client keeps
 * an explicit {@link State} and refuses verbs out of order (a programming error,
 * {@link IllegalStateException}). Secrets are put on the wire here and nowhere else;
 * the transcript receives masked text. Not thread-safe.
 */
public final class SmtpClient implements AutoCloseable {

    /** Where the session is. Transitions are guarded in each verb. */
    public enum State { CONNECTED, GREETED, READY, AUTHENTICATED, IN_MAIL, IN_RCPT, CLOSED }

    private final SmtpConnection connection;
    private State state = State.CONNECTED;
    private Capabilities capabilities = Capabilities.none("");
    private boolean ehloWorked;
    /**
     * DATA's read buffer and dot-stuffed output, kept for the next message on this connection:
     * 48 KB a message was the largest allocation of the relay's delivery (bench/RESULTS.md).
     */
    private byte[] dataChunk;
    private byte[] dataOut;

    public SmtpClient(SmtpConnection connection) {
        this.connection = connection;
    }

    public State state() {
        return state;
    }

    /** True once the wire failed: the session cannot go on. */
    public boolean isBroken() {
        return connection.isBroken();
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    /** This side's address of the connection. */
    public java.net.InetAddress localAddress() {
        return connection.localAddress();
    }

    public boolean isTls() {
        return connection.isTls();
    }

    public Transcript transcript() {
        return connection.transcript();
    }

    /** Reads the server's greeting (RFC 5321 section 4.3.1: 220, or 554 for "no service"). */
    public Reply greeting() throws TransportException {
        require(State.CONNECTED);
        Reply reply = connection.readReply();
        state = reply.code() == 220 ? State.GREETED : State.CLOSED;
        return reply;
    }

    /**
     * EHLO, falling back to HELO when the server does not know EHLO (500/502, RFC 5321
     * section 4.1.4). The returned reply is the one that decided; capabilities are kept.
     */
    public Reply hello(String clientName) throws TransportException {
        require(State.GREETED, State.READY);
        Reply ehlo = command("EHLO " + clientName);
        if (ehlo.isPositive()) {
            capabilities = Capabilities.fromEhlo(ehlo);
            ehloWorked = true;
            state = State.READY;
            return ehlo;
        }
        if (ehlo.code() == 500 || ehlo.code() == 502 || ehlo.code() == 501 || ehlo.code() == 504) {
            Reply helo = command("HELO " + clientName);
            if (helo.isPositive()) {
                capabilities = Capabilities.none(helo.text());
                ehloWorked = false;
                state = State.READY;
            }
            return helo;
        }
        return ehlo;
    }

    /** True when the last greeting was EHLO (capabilities known), false after HELO fallback. */
    public boolean extended() {
        return ehloWorked;
    }

    /** Sends STARTTLS; on 220 performs the handshake. The caller must say EHLO again (RFC 3207 section 4.2). */
    public StartTlsResult startTls(TlsClient tlsClient, String host, int port) throws TransportException {
        require(State.READY);
        Reply reply = command("STARTTLS");
        if (reply.code() != 220) {
            return new StartTlsResult(reply, Optional.empty());
        }
        TlsSessionInfo info = connection.startTls(tlsClient, host, port);
        capabilities = Capabilities.none("");
        state = State.GREETED;
        return new StartTlsResult(reply, Optional.of(info));
    }

    /** The reply to STARTTLS and, when it was 220, the completed handshake. */
    public record StartTlsResult(Reply reply, Optional<TlsSessionInfo> session) {}

    /** Implicit TLS (RFC 8314): the handshake comes before the greeting. */
    public TlsSessionInfo implicitTls(TlsClient tlsClient, String host, int port) throws TransportException {
        require(State.CONNECTED);
        return connection.startTls(tlsClient, host, port);
    }

    /** AUTH LOGIN (draft-murchison-sasl-login): user name and password each as a base64 line. */
    public Reply authLogin(String user, Secret password) throws TransportException {
        require(State.READY);
        Reply first = command("AUTH LOGIN");
        if (first.code() != 334) {
            return first;
        }
        noteChallenge(first);
        connection.send(b64(user), "<user name, base64>");
        Reply second = connection.readReply();
        if (second.code() != 334) {
            return done(second);
        }
        noteChallenge(second);
        connection.send(b64(password.reveal()), "<password, base64, redacted>");
        return done(connection.readReply());
    }

    /** AUTH PLAIN (RFC 4616) with the initial response on the command line (RFC 4954 section 4). */
    public Reply authPlain(String user, Secret password) throws TransportException {
        require(State.READY);
        String payload = b64("\0" + user + "\0" + password.reveal());
        connection.transcript().redactor().registerExact(payload);
        connection.send("AUTH PLAIN " + payload, "AUTH PLAIN <credentials, base64, redacted>");
        Reply reply = connection.readReply();
        if (reply.code() == 334) {
            // A server that ignores initial responses asks again; answer with the same payload.
            connection.send(payload, "<credentials, base64, redacted>");
            reply = connection.readReply();
        }
        return done(reply);
    }

    /**
     * AUTH XOAUTH2 as Google and Microsoft define it. A 334 carries a base64 JSON
     * error; the client answers with an empty line and receives the final reply.
     */
    public Reply authXoauth2(String user, Secret accessToken) throws TransportException {
        require(State.READY);
        String payload = b64("user=" + user + "\u0001auth=Bearer " + accessToken.reveal() + "\u0001\u0001");
        connection.transcript().redactor().registerExact(payload);
        connection.send("AUTH XOAUTH2 " + payload, "AUTH XOAUTH2 <user and bearer token, base64, redacted>");
        Reply reply = connection.readReply();
        if (reply.code() == 334) {
            noteChallenge(reply);
            connection.send("", "");
            reply = connection.readReply();
        }
        return done(reply);
    }

    private Reply done(Reply authReply) throws TransportException {
        if (authReply.code() == 235) {
            state = State.AUTHENTICATED;
        } else if (authReply.code() == 334) {
            // The server still expects a response: cancel the exchange (RFC 4954 section 4).
            connection.send("*");
            connection.readReply();
        }
        return authReply;
    }

    private void noteChallenge(Reply challenge) {
        try {
            String decoded = new String(Base64.getDecoder().decode(challenge.text().trim()), StandardCharsets.UTF_8);
            connection.transcript().info("challenge decodes to \"" + printable(decoded) + "\"", connection.isTls());
        } catch (IllegalArgumentException e) {
            connection.transcript().info("challenge is not base64", connection.isTls());
        }
    }

    public Reply mailFrom(String sender) throws TransportException {
        return mailFrom(sender, List.of());
    }

    /** MAIL FROM with ESMTP parameters such as {@code BODY=8BITMIME} (RFC 6152) or {@code SIZE=n} (RFC 1870). */
    public Reply mailFrom(String sender, List<String> parameters) throws TransportException {
        require(State.READY, State.AUTHENTICATED);
        Reply reply = command("MAIL FROM:<" + sender + ">" + (parameters.isEmpty() ? "" : " " + String.join(" ", parameters)));
        if (reply.isPositive()) {
            state = State.IN_MAIL;
        }
        return reply;
    }

    public Reply rcptTo(String recipient) throws TransportException {
        require(State.IN_MAIL, State.IN_RCPT);
        Reply reply = command("RCPT TO:<" + recipient + ">");
        if (reply.isPositive()) {
            state = State.IN_RCPT;
        }
        return reply;
    }

    /**
     * DATA and the message: line ends normalised to CRLF, lines starting with a dot
     * doubled (RFC 5321 section 4.5.2), then the final dot. Returns the 354 when it
     * was not given, else the reply to the message.
     */
    public Reply data(byte[] message) throws TransportException {
        try {
            return data(new java.io.ByteArrayInputStream(message));
        } catch (TransportException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading an array cannot fail", e);
        }
    }

    /**
     * {@link #data(byte[])} for a message read from {@code message} while it is sent: dot-stuffed
     * on the fly, in chunks, so memory does not grow with the message. When reading
     * {@code message} fails, the connection is closed before the final dot (the server then
     * discards what it got, RFC 5321 section 4.1.1.4) and that failure is thrown.
     *
     * @throws TransportException when the wire breaks
     * @throws IOException        (any other) when {@code message} cannot be read
     */
    public Reply data(InputStream message) throws IOException {
        require(State.IN_RCPT);
        Reply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        if (dataChunk == null) {
            dataChunk = new byte[DotStuffer.CHUNK];
            dataOut = DotStuffer.buffer();
        }
        byte[] chunk = dataChunk;
        DotStuffer stuffer = new DotStuffer(connection::writePart, dataOut, connection.transcript(), connection.isTls());
        int n;
        while (true) {
            try {
                n = message.read(chunk);
            } catch (IOException e) {
                close(); // no final dot: the server must not take a message cut short
                throw e;
            }
            if (n < 0) {
                break;
            }
            stuffer.write(chunk, n);
        }
        stuffer.finish(true);
        connection.flush();
        Reply reply = connection.readReply();
        // After the final reply, whatever it was, a new transaction may start (RFC 5321 section 4.1.1.4).
        state = State.READY;
        return reply;
    }

    /**
     * Dot-stuffing and CRLF normalisation of a message written in chunks (the same wire bytes as
     * {@link #dotStuff}), and the transcript's view of it: the first 40 lines, then how many more.
     * Only those lines are decoded: decoding and splitting the whole message was most of the
     * relay's delivery CPU (bench/RESULTS.md). Bytes reach the wire when the buffer is full and at
     * {@link #finish}: a message of up to 32 KB is one write, its final dot included.
     */
    static final class DotStuffer {
        /** Where the wire bytes go (the connection, unflushed). */
        interface Wire {
            void write(byte[] bytes, int off, int len) throws TransportException;
        }

        /** Read and written in pieces of this size: small enough not to cost a 10 KB message more than it is. */
        static final int CHUNK = 16 * 1024;
        private static final int SHOWN_LINES = 40;
        private static final int SHOWN_LINE_MAX = 64 * 1024;
        private final Wire wire;
        private final Transcript transcript;
        private final boolean tls;
        /** Wire bytes not written yet; its content before {@link #n} does not matter (a buffer reused from the last message). */
        private final byte[] out;
        private int n;
        private boolean lineStart = true;
        /** The last byte written was a CR (written as CRLF): an LF right after it is that same line end. */
        private boolean afterCr;
        private long lines;
        /** The line being shown so far (a plain array: ByteArrayOutputStream locks on every byte). */
        private byte[] shown = new byte[256];
        private int shownLength;
        /** Whether the transcript records: a discarding one is shown nothing (no copy, no decoding). */
        private final boolean shows;
        private static final byte[] DOT = {'.'};

        /** An {@code out} buffer for {@link #DotStuffer}: a message of up to 32 KB is one write. */
        static byte[] buffer() {
            return new byte[CHUNK * 2 + 8];
        }

        /** @param out from {@link #buffer()}, not used by anyone else meanwhile */
        DotStuffer(Wire wire, byte[] out, Transcript transcript, boolean tls) {
            this.wire = wire;
            this.out = out;
            this.transcript = transcript;
            this.tls = tls;
            this.shows = transcript.recording();
        }

        void write(byte[] chunk, int len) throws TransportException {
            int i = 0;
            while (i < len) {
                byte b = chunk[i];
                if (afterCr) {
                    afterCr = false;
                    if (b == '\n') {
                        i++;
                        continue;
                    }
                }
                if (b == '\r' || b == '\n') {
                    room(2);
                    out[n++] = '\r';
                    out[n++] = '\n';
                    afterCr = b == '\r';
                    lineStart = true;
                    endLine();
                    i++;
                    continue;
                }
                if (lineStart && b == '.') {
                    room(1);
                    out[n++] = '.';
                    show(DOT, 0, 1);
                }
                // the rest of the line (or of the chunk) as it is: one copy, not a step per byte
                int end = i + 1;
                while (end < len && chunk[end] != '\r' && chunk[end] != '\n') {
                    end++;
                }
                show(chunk, i, end - i);
                while (i < end) {
                    room(1);
                    int k = Math.min(end - i, out.length - n);
                    System.arraycopy(chunk, i, out, n, k);
                    n += k;
                    i += k;
                }
                lineStart = false;
            }
            // not written yet: the next chunk, or finish, fills the rest of out (fewer writes, the final dot included)
        }

        void finish() throws TransportException {
            finish(false);
        }

        /** Ends the last line; with {@code dot}, the final "." line follows in the same write (one system call, one segment). */
        void finish(boolean dot) throws TransportException {
            if (!lineStart) {
                room(2);
                out[n++] = '\r';
                out[n++] = '\n';
                endLine();
            }
            if (dot) {
                room(3);
                out[n++] = '.';
                out[n++] = '\r';
                out[n++] = '\n';
            }
            flushPart();
            if (shows && lines > SHOWN_LINES) {
                transcript.info((lines - SHOWN_LINES) + " more message lines not shown", tls);
            }
            if (dot) {
                transcript.sent(".", tls);
            }
        }

        private void show(byte[] bytes, int off, int len) {
            if (shows && lines < SHOWN_LINES && shownLength < SHOWN_LINE_MAX) {
                int k = Math.min(len, SHOWN_LINE_MAX - shownLength);
                if (shown.length - shownLength < k) {
                    shown = java.util.Arrays.copyOf(shown, Math.min(Math.max(shown.length * 2, shownLength + k), SHOWN_LINE_MAX));
                }
                System.arraycopy(bytes, off, shown, shownLength, k);
                shownLength += k;
            }
        }

        /** Makes room for {@code k} more bytes (at most 3) in {@link #out}. */
        private void room(int k) throws TransportException {
            if (out.length - n < k) {
                flushPart();
            }
        }

        private void endLine() {
            if (shows && lines < SHOWN_LINES) {
                transcript.sent(new String(shown, 0, shownLength, StandardCharsets.UTF_8), tls);
                shownLength = 0;
            }
            lines++;
        }

        private void flushPart() throws TransportException {
            if (n > 0) {
                wire.write(out, 0, n);
                n = 0;
            }
        }
    }

    public Reply rset() throws TransportException {
        Reply reply = command("RSET");
        if (reply.isPositive() && state != State.CLOSED) {
            state = State.READY;
        }
        return reply;
    }

    /** QUIT and close; a failure to say goodbye is not an error worth reporting. */
    public void quit() {
        if (state != State.CLOSED && !connection.isBroken()) {
            try {
                command("QUIT");
            } catch (TransportException ignored) {
                // The server may already have closed; we are leaving anyway.
            }
        }
        close();
    }

    /** Sends one command and reads its reply. */
    public Reply command(String line) throws TransportException {
        connection.send(line);
        return connection.readReply();
    }

    /** Normalises line ends to CRLF and dot-stuffs; the result always ends with CRLF. */
    static byte[] dotStuff(byte[] message) {
        // A plain array, not a ByteArrayOutputStream (whose write(int) is synchronized): this
        // runs over every byte of every message the relay delivers.
        byte[] out = new byte[message.length + (message.length >> 5) + 64];
        int n = 0;
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            if (out.length - n < 3) {
                out = java.util.Arrays.copyOf(out, out.length + (out.length >> 1) + 64);
            }
            byte b = message[i];
            if (b == '\r') {
                if (i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                out[n++] = '\r';
                out[n++] = '\n';
                lineStart = true;
                continue;
            }
            if (b == '\n') {
                out[n++] = '\r';
                out[n++] = '\n';
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out[n++] = '.';
            }
            out[n++] = b;
            lineStart = false;
        }
        if (!lineStart) {
            if (out.length - n < 2) {
                out = java.util.Arrays.copyOf(out, n + 2);
            }
            out[n++] = '\r';
            out[n++] = '\n';
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    private void require(State... allowed) {
        for (State s : allowed) {
            if (state == s) {
                return;
            }
        }
        throw new IllegalStateException("cannot do that in state " + state);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c < 0x20 ? '.' : c);
        }
        return out.length() > 200 ? out.substring(0, 200) + "..." : out.toString();
    }

    @Override
    public void close() {
        state = State.CLOSED;
        connection.close();
    }
}
