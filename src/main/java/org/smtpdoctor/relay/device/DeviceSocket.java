package org.smtpdoctor.relay.device;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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
 */
final class DeviceSocket extends DelegatingSocket {

    /** Told how an implicit-TLS handshake ended (SubEthaSMTP would only see an IOException). */
    interface HandshakeListener {
        void completed(SSLSession session);

        void failed(IOException e);
    }

    private final Socket raw;
    private final DeviceInputStream.Deadlines deadlines;
    private final DeviceInputStream input;
    private final OutputStream output;

    DeviceSocket(Socket inner, Socket raw, DeviceInputStream.ClientHelloListener clientHello, DeviceInputStream.Deadlines deadlines)
            throws IOException {
        this(inner, raw, clientHello, null, deadlines);
    }

    /**
     * @param handshake for an implicit-TLS socket whose handshake has not run yet, else null
     * @param deadlines how long the device may take; applied to {@code inner}'s read timeout
     */
    DeviceSocket(Socket inner, Socket raw, DeviceInputStream.ClientHelloListener clientHello, HandshakeListener handshake,
                 DeviceInputStream.Deadlines deadlines) throws IOException {
        super(inner);
        this.raw = raw;
        this.deadlines = deadlines;
        this.input = new DeviceInputStream(inner.getInputStream(), clientHello, deadlines == null ? null : deadlines.on(inner));
        OutputStream out = inner.getOutputStream();
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
}
