package org.smtpdoctor.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;

/**
 * A device's connection as SubEthaSMTP's session sees it: the real socket (plain, or TLS
 * over it), whose input is read through a {@link DeviceInputStream}. SubEthaSMTP builds
 * its readers from {@code Socket#getInputStream()}, and its {@code Session} is final, so
 * wrapping the socket is the one place to change how device bytes are read.
 * <p>
 * Delegates everything the session uses to {@code inner}; {@link #raw()} is the TCP
 * socket under any TLS, which {@link DeviceSession#abort()} closes from another thread.
 */
final class DeviceSocket extends Socket {

    private final Socket inner;
    private final Socket raw;
    private final DeviceInputStream input;

    DeviceSocket(Socket inner, Socket raw, DeviceInputStream.ClientHelloListener clientHello) throws IOException {
        this.inner = inner;
        this.raw = raw;
        this.input = new DeviceInputStream(inner.getInputStream(), clientHello);
    }

    Socket raw() {
        return raw;
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
    public OutputStream getOutputStream() throws IOException {
        return inner.getOutputStream();
    }

    @Override
    public synchronized void close() throws IOException {
        inner.close();
    }

    @Override
    public boolean isClosed() {
        return inner.isClosed();
    }

    @Override
    public boolean isBound() {
        return inner.isBound();
    }

    @Override
    public boolean isConnected() {
        return inner.isConnected();
    }

    @Override
    public InetAddress getInetAddress() {
        return inner.getInetAddress();
    }

    @Override
    public int getPort() {
        return inner.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return inner.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return inner.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return inner.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return inner.getLocalSocketAddress();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        inner.setSoTimeout(timeout);
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
        return inner.getSoTimeout();
    }

    @Override
    public void shutdownInput() throws IOException {
        inner.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        inner.shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return inner.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return inner.isOutputShutdown();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        inner.setTcpNoDelay(on);
    }

    @Override
    public String toString() {
        return "DeviceSocket[" + inner + "]";
    }
}
