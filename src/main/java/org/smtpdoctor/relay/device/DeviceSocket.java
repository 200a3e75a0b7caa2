package org.smtpdoctor.relay.device;

import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.smtpdoctor.net.DelegatingSocket;

/**
 * A device's connection as SubEthaSMTP's session sees it: the real socket (plain, or TLS
 * over it), whose input is read through a {@link DeviceInputStream}. SubEthaSMTP builds
 * its readers from {@code Socket#getInputStream()}, and its {@code Session} is final, so
 * wrapping the socket is the one place to change how device bytes are read.
 * <p>
 * Delegates everything the session uses to {@code inner}; {@link #raw()} is the TCP
 * socket under any TLS, which {@link DeviceSession#abort()} closes from another thread.
 * <p>
 * Replies that cannot be written: some devices and scripts write the whole session (HELO to
 * QUIT, the message included) and close without reading a reply; the replies they leave unread
 * make their kernel answer with a reset, and the relay's next write fails. What the device sent
 * before the reset can still be read, and the session goes on carrying it out: a message whose
 * final "." arrived is stored (and logged as queued) though its 250 is never read. SubEthaSMTP's
 * writer already ignores write errors, and Java's {@code SSLSocket} keeps reading after one; this
 * socket makes it explicit: the first failed write is reported once ({@code unread}, which logs
 * it), and later replies are dropped instead of written to a dead connection.
 * <p>
 * A connection from the {@link DeviceFrontEnd} ({@link #greeted()}) has heard the banner and sent
 * its first bytes already: those bytes are read first, and the banner SubEthaSMTP's session
 * writes is dropped as far as the front end said it, so the device hears it once (should the
 * session's first reply not be that banner, e.g. a 421 at shutdown, it goes out unchanged).
 */
final class DeviceSocket extends DelegatingSocket {

    /** Told how an implicit-TLS handshake ended (SubEthaSMTP would only see an IOException). */
    interface HandshakeListener {
        void completed(SSLSession session);

        void failed(IOException e);
    }

    private final Socket raw;
    private final DeviceInputStream.Deadlines deadlines;
    private final Consumer<IOException> unread;
    private final DeviceFrontEnd.Greeted greeted;
    private final DeviceInputStream input;
    private final OutputStream output;

    DeviceSocket(Socket inner, Socket raw, DeviceInputStream.ClientHelloListener clientHello, DeviceInputStream.Deadlines deadlines,
                 Consumer<IOException> unread) throws IOException {
        this(inner, raw, clientHello, null, null, deadlines, unread);
    }

    /**
     * @param handshake for an implicit-TLS socket whose handshake has not run yet, else null
     * @param greeted   for a plain connection from the {@link DeviceFrontEnd}, else null
     * @param deadlines how long the device may take; applied to {@code inner}'s read timeout
     * @param unread    told once, at the first reply that could not be written
     */
    DeviceSocket(Socket inner, Socket raw, DeviceInputStream.ClientHelloListener clientHello, HandshakeListener handshake,
                 DeviceFrontEnd.Greeted greeted, DeviceInputStream.Deadlines deadlines, Consumer<IOException> unread) throws IOException {
        super(inner);
        this.raw = raw;
        this.greeted = greeted;
        this.deadlines = deadlines;
        this.unread = unread;
        InputStream in = greeted == null ? inner.getInputStream()
                : new SequenceInputStream(new ByteArrayInputStream(greeted.first()), inner.getInputStream());
        this.input = new DeviceInputStream(in, clientHello, deadlines == null ? null : deadlines.on(inner));
        if (greeted != null) {
            input.waitingSince(greeted.since());
        }
        // Under the handshake's filter: a failed handshake still ends the session; only reply writes are dropped.
        OutputStream replies = new Replies(inner.getOutputStream(), inner, unread);
        OutputStream out = greeted == null ? replies : new SaidAlready(replies, greeted.banner(), greeted.said());
        this.output = handshake == null || !(inner instanceof SSLSocket tls) ? out : new FilterOutputStream(out) {
            private boolean done;

            private void handshake() throws IOException {
                if (!done) {
                    done = true;
                    try {
                        tls.startHandshake();
                    } catch (IOException e) {
                        handshake.failed(e);
                        throw e;
                    }
                    handshake.completed(tls.getSession());
                }
            }

            @Override
            public void write(int b) throws IOException {
                handshake();
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                handshake();
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                handshake();
                out.flush();
            }
        };
    }

    Socket raw() {
        return raw;
    }

    /** What the front end did before the session got this connection; null when it came straight to the session. */
    DeviceFrontEnd.Greeted greeted() {
        return greeted;
    }

    /** Who hears of replies that cannot be written (kept when STARTTLS replaces this socket). */
    Consumer<IOException> unread() {
        return unread;
    }

    /** The deadlines this connection's reads keep (null: none). */
    DeviceInputStream.Deadlines deadlines() {
        return deadlines;
    }

    DeviceInputStream deviceInput() {
        return input;
    }

    /** The TLS session's socket, when TLS is up. */
    SSLSocket tls() {
        return inner instanceof SSLSocket s ? s : null;
    }

    @Override
    public InputStream getInputStream() {
        return input;
    }

    @Override
    public OutputStream getOutputStream() {
        return output;
    }

    /**
     * Drops the first {@code said} bytes of the banner from what the session writes first: the
     * front end wrote them. Compared byte by byte, so the banner may come in any number of writes;
     * at the first byte that differs (the session's first reply was something else), what was held
     * back goes out after all, and everything after it.
     */
    private static final class SaidAlready extends FilterOutputStream {
        private final byte[] banner;
        private final int said;
        private int matched;
        private boolean done;

        SaidAlready(OutputStream out, byte[] banner, int said) {
            super(out);
            this.banner = banner;
            this.said = said;
            this.done = said == 0;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = 0;
            if (!done) {
                while (n < len && matched < said && b[off + n] == banner[matched]) {
                    n++;
                    matched++;
                }
                if (matched == said) {
                    done = true;
                } else if (n < len) {
                    done = true;
                    out.write(banner, 0, matched);
                }
            }
            if (done && n < len) {
                out.write(b, off + n, len - n);
            }
        }
    }

    /** The reply stream: after the first failed write (the device reset the connection), drops what follows. */
    private static final class Replies extends FilterOutputStream {
        private final Socket socket;
        private final Consumer<IOException> unread;
        private boolean failed;

        Replies(OutputStream out, Socket socket, Consumer<IOException> unread) {
            super(out);
            this.socket = socket;
            this.unread = unread;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!failed) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    failed(e);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (!failed) {
                try {
                    out.flush();
                } catch (IOException e) {
                    failed(e);
                }
            }
        }

        private void failed(IOException e) throws IOException {
            if (socket.isClosed()) {
                throw e; // closed here (a shutdown, a deadline): there is nothing left to read either
            }
            failed = true;
            unread.accept(e);
        }
    }
}
