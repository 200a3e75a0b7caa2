package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What a device sends, with every line end made CRLF, read beneath SubEthaSMTP's session.
 * <p>
 * Why this exists: SubEthaSMTP's command reader ({@code CRLFTerminatedReader}) never ends
 * a line at a bare LF (the line waits for a CRLF that old devices never send, so the
 * session hangs), and its DATA reader only ends at CRLF.CRLF. Devices send bare LF, also
 * in the final "." line, and bare CR. So line ends are normalised here, before either
 * reader sees the bytes: CRLF stays, a bare LF becomes CRLF, and a bare CR becomes CRLF
 * too (a CR is taken as a line end at once, and an LF right after it is then dropped, so
 * a CR-only device is answered without waiting for a byte that never comes). Downstream,
 * the relay always writes CRLF and dot-stuffs, so no line-end ambiguity reaches the
 * upstream server (the "SMTP smuggling" problem of relays that pass bare LFs on).
 * <p>
 * It also notices a TLS ClientHello as the first bytes of a plain connection (a device set
 * to implicit TLS, pointed at a plain or STARTTLS port): it reports it once and then ends
 * the stream, so the session closes without feeding binary to the command parser.
 * <p>
 * Outside message content, a byte above 0x7F becomes '?': SubEthaSMTP decodes command
 * lines as UTF-8 and ends the session on anything else, but devices put Latin-1 in HELO
 * names ("Drucker-B\u00fcro"); SMTPUTF8 is not offered, so no command may carry 8-bit text
 * anyway. Message content ({@link #content(boolean)}) passes byte for byte.
 * <p>
 * Raw bytes are buffered here; {@link #takeBuffered()} hands the unread ones to the TLS
 * layer at STARTTLS. Confined to its session's thread.
 * <p>
 * Deadlines ({@link Deadlines}; slowloris): the idle timeout bounds each wait for bytes, which a
 * client sending one byte a second never trips. So a command line (also an AUTH response) must
 * arrive whole within the idle timeout of the relay starting to wait for it, and a message's
 * content within the idle timeout plus one second per {@link Deadlines#minDataRate} bytes received
 * (Postfix's {@code smtpd_per_request_deadline} and {@code smtpd_min_data_rate}). Past it, a read
 * throws {@link TooSlow}, a {@code SocketTimeoutException}: the session ends as on an idle timeout.
 * Deadlines are checked only when bytes must be waited for, and need no thread of their own.
 */
final class DeviceInputStream extends InputStream {

    /** Told when a TLS handshake arrives where plain SMTP was expected. */
    interface ClientHelloListener {
        void clientHelloOnPlainPort();
    }

    /**
     * How long a device may take, and where to set the socket's read timeout.
     *
     * @param socket       the socket whose read timeout bounds each wait (under any TLS)
     * @param line         a command line's deadline, and the allowance a message's content starts with
     * @param idle         the listener's idle timeout: the read timeout outside the last part of a deadline
     * @param minDataRate  bytes per second a message's content must keep up, on average
     * @param clock        {@link System#nanoTime} (tests pass another)
     * @param expired      told what took too long, once, when a deadline passes (the log)
     */
    record Deadlines(Socket socket, Duration line, Duration idle, long minDataRate, LongSupplier clock, Consumer<String> expired) {
        /** The same deadlines on another socket (the TLS one after STARTTLS). */
        Deadlines on(Socket s) {
            return new Deadlines(s, line, idle, minDataRate, clock, expired);
        }
    }

    /** A deadline passed: the device sent too slowly. */
    static final class TooSlow extends SocketTimeoutException {
        TooSlow(String message) {
            super(message);
        }
    }

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int TLS_MAJOR_VERSION = 0x03;

    private final InputStream in;
    private final ClientHelloListener clientHello;
    /**
     * Between messages a session mostly waits (an idle device holds its connection for the idle
     * timeout), and a command line is short: the buffer is {@link #COMMAND_BUFFER} bytes then,
     * and {@link #CONTENT_BUFFER} only while message content arrives (issue 13: 1,000 idle
     * devices in little memory).
     */
    static final int COMMAND_BUFFER = 512;
    static final int CONTENT_BUFFER = 8192;

    private byte[] buffer = new byte[COMMAND_BUFFER];
    private int position;
    private int limit;
    private boolean started;
    private boolean ended;
    /** A CR was just turned into CRLF: an LF that follows belongs to it. */
    private boolean skipLf;
    /** The LF of a CRLF still to be returned. */
    private boolean pendingLf;
    /** Reading message content (DATA) rather than command lines. */
    private boolean content;
    private final Deadlines deadlines;
    /** The next byte read begins a line. */
    private boolean atLineStart = true;
    /** When the relay began waiting for the current line, or for the current content (nanoTime). */
    private long begun;
    private long contentBytes;

    /** @param clientHello null where TLS is already spoken (after STARTTLS, implicit TLS) */
    DeviceInputStream(InputStream in, ClientHelloListener clientHello) {
        this(in, clientHello, null);
    }

    /** @param deadlines null for none (tests) */
    DeviceInputStream(InputStream in, ClientHelloListener clientHello, Deadlines deadlines) {
        this.in = in;
        this.clientHello = clientHello;
        this.deadlines = deadlines;
    }

    @Override
    public int read() throws IOException {
        if (pendingLf) {
            pendingLf = false;
            atLineStart = true;
            return '\n';
        }
        if (atLineStart) {
            atLineStart = false;
            if (deadlines != null && !content) {
                begun = deadlines.clock().getAsLong();
            }
        }
        while (true) {
            if (position == limit && !fill()) {
                return -1;
            }
            int b = buffer[position++] & 0xFF;
            if (b == '\n' && skipLf) {
                skipLf = false;
                continue;
            }
            skipLf = false;
            if (b == '\r' || b == '\n') {
                if (b == '\r') {
                    if (position < limit && buffer[position] == '\n') {
                        position++; // CRLF
                    } else {
                        skipLf = true; // a bare CR, or a CRLF split across reads
                    }
                }
                pendingLf = true;
                return '\r';
            }
            return b > 0x7F && !content ? '?' : b;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        // At most one line per call: SubEthaSMTP reads through a BufferedInputStream, and
        // bytes past "STARTTLS<CRLF>" must stay here for takeBuffered(), not sit there.
        int n = content ? copyRun(b, off, len) : 0;
        if (n == len || (n > 0 && position == limit)) {
            return n;
        }
        int c;
        do {
            c = read();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            b[off + n++] = (byte) c;
        } while (n < len && c != '\n' && (pendingLf || position < limit));
        return n;
    }

    /**
     * Message content: the buffered bytes up to the next CR or LF, in one copy (what {@link #read()}
     * would return for them one call per byte). 0 when the next byte is a line end, or none is buffered.
     */
    private int copyRun(byte[] b, int off, int len) {
        if (pendingLf) {
            return 0;
        }
        if (skipLf && position < limit) {
            skipLf = false;
            if (buffer[position] == '\n') {
                position++;
            }
        }
        int end = position;
        int max = position + Math.min(len, limit - position);
        while (end < max && buffer[end] != '\r' && buffer[end] != '\n') {
            end++;
        }
        int run = end - position;
        if (run > 0) {
            System.arraycopy(buffer, position, b, off, run);
            position = end;
            atLineStart = false;
        }
        return run;
    }

    /**
     * The first line has been waited for since {@code nanos} (the deadlines' clock), not since the
     * first read: the {@link DeviceFrontEnd} waited for the device's first bytes before this stream
     * existed. No effect without deadlines.
     */
    void waitingSince(long nanos) {
        if (deadlines != null) {
            begun = nanos;
            atLineStart = false;
        }
    }

    /** Between DATA's 354 and the final ".": bytes pass unchanged (line ends excepted). */
    void content(boolean on) {
        if (on && buffer.length < CONTENT_BUFFER) {
            byte[] larger = new byte[CONTENT_BUFFER];
            System.arraycopy(buffer, position, larger, 0, limit - position);
            limit -= position;
            position = 0;
            buffer = larger;
        }
        content = on;
        contentBytes = 0;
        if (on && deadlines != null) {
            begun = deadlines.clock().getAsLong();
        }
    }

    /**
     * Always 0: BufferedInputStream (SubEthaSMTP's, above this) keeps reading while the
     * stream below has bytes available, which would carry it past the current line, e.g.
     * past a pipelined "." into the commands after it.
     */
    @Override
    public int available() {
        return 0;
    }

    /** The raw bytes received but not yet read (for the TLS layer at STARTTLS); empties the buffer. */
    byte[] takeBuffered() {
        if (skipLf && position < limit && buffer[position] == '\n') {
            position++; // the LF of "STARTTLS<CR><LF>" split across reads
        }
        skipLf = false;
        byte[] rest = Arrays.copyOfRange(buffer, position, limit);
        position = limit;
        return rest;
    }

    /** How many bytes the buffer holds now (tests: small between messages). */
    int bufferSize() {
        return buffer.length;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        if (!content && buffer.length > COMMAND_BUFFER) {
            buffer = new byte[COMMAND_BUFFER]; // drained: the message is in; back to waiting small
        }
        int n = deadlines == null ? in.read(buffer, 0, buffer.length) : readBeforeDeadline();
        if (n <= 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = n;
        if (content) {
            contentBytes += n;
        }
        if (!started) {
            started = true;
            if (clientHello != null && looksLikeTlsHandshake(n)) {
                ended = true;
                limit = 0;
                clientHello.clientHelloOnPlainPort();
                return false;
            }
        }
        return true;
    }

    /** One read, waiting no longer than the idle timeout nor past the deadline. */
    private int readBeforeDeadline() throws IOException {
        long deadline = begun + deadlines.line().toNanos()
                + (content && deadlines.minDataRate() > 0 ? TimeUnit.SECONDS.toNanos(1) * contentBytes / deadlines.minDataRate() : 0);
        long left = deadline - deadlines.clock().getAsLong();
        if (left <= 0) {
            if (in.available() > 0) {
                return in.read(buffer, 0, buffer.length); // arrived in time, not yet read (the front end's first bytes)
            }
            throw tooSlow();
        }
        if (left >= deadlines.idle().toNanos()) {
            return in.read(buffer, 0, buffer.length); // the idle timeout comes first
        }
        Socket socket = deadlines.socket();
        int idle = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        try {
            return in.read(buffer, 0, buffer.length);
        } catch (SocketTimeoutException e) {
            throw tooSlow();
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(idle);
            }
        }
    }

    private TooSlow tooSlow() {
        String what = content
                ? "the message's content did not arrive within " + deadlines.line().toSeconds() + " s plus 1 s per "
                        + deadlines.minDataRate() + " bytes (" + contentBytes + " bytes arrived)"
                : "a command line did not arrive whole within " + deadlines.line().toSeconds() + " s";
        deadlines.expired().accept(what);
        return new TooSlow(what);
    }

    private boolean looksLikeTlsHandshake(int n) {
        return (buffer[0] & 0xFF) == TLS_HANDSHAKE_RECORD && (n < 2 || (buffer[1] & 0xFF) == TLS_MAJOR_VERSION);
    }
}
