package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

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
 */
final class DeviceInputStream extends InputStream {

    /** Told when a TLS handshake arrives where plain SMTP was expected. */
    interface ClientHelloListener {
        void clientHelloOnPlainPort();
    }

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int TLS_MAJOR_VERSION = 0x03;

    private final InputStream in;
    private final ClientHelloListener clientHello;
    private final byte[] buffer = new byte[8192];
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

    /** @param clientHello null where TLS is already spoken (after STARTTLS, implicit TLS) */
    DeviceInputStream(InputStream in, ClientHelloListener clientHello) {
        this.in = in;
        this.clientHello = clientHello;
    }

    @Override
    public int read() throws IOException {
        if (pendingLf) {
            pendingLf = false;
            return '\n';
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
        int n = 0;
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

    /** Between DATA's 354 and the final ".": bytes pass unchanged (line ends excepted). */
    void content(boolean on) {
        content = on;
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

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = n;
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

    private boolean looksLikeTlsHandshake(int n) {
        return (buffer[0] & 0xFF) == TLS_HANDSHAKE_RECORD && (n < 2 || (buffer[1] & 0xFF) == TLS_MAJOR_VERSION);
    }
}
