package org.smtpdoctor.relay.device;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.smtpdoctor.net.DelegatingSocket;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.config.DeviceRule;

/**
 * The front end of a plain or STARTTLS listener: a connection whose device has not spoken yet
 * holds no thread. One thread per listener and a selector (NIO) accept each connection, apply
 * the connection limits ({@link DeviceListener#admit}: counted here, refused here with
 * {@code 421 4.7.0}), say the banner, and watch the connection; when the device's first bytes
 * arrive, the connection is handed to SubEthaSMTP's session machinery, which gives it a thread
 * ({@link SessionThreads}) for the rest of its life. A printer that connects and waits, a
 * monitoring probe that only reads the banner, a client that never speaks: each costs a file
 * descriptor and a few hundred bytes while it waits, instead of a thread and a session.
 * <p>
 * This is the server socket SubEthaSMTP's accept loop is given: {@link #accept()} returns the
 * connections whose device has spoken, as {@link DeviceSocket}s that carry what happened here
 * ({@link Greeted}): the session's id and device match, the first bytes (read here, handed back
 * to the session's reader), and how much of the banner was said, which the socket then drops
 * from the session's own banner, so the device hears it once. The banner is SubEthaSMTP's,
 * byte for byte ({@link DeviceListener#banner}).
 * <p>
 * While a connection waits here, the listener's idle timeout runs from the banner as it would in
 * a session: past it, the device gets SubEthaSMTP's {@code 421 Timeout waiting for data from
 * client.} and the connection is closed; its first command line's deadline also counts from the
 * banner ({@link DeviceInputStream#waitingSince}). A device that closes or resets while waiting is
 * cleaned up here ({@code connection.closed}). {@link #stopWaiting()} (the listener's shutdown)
 * answers every waiting connection {@code 421 4.3.2} at once and closes it; new connections are
 * refused with it from then on.
 * <p>
 * Everything here runs on the selector's one thread, the events it logs included (accepted,
 * refused, closed): a log sink that blocks (a full pipe) holds up this listener's new connections
 * until it drains. Out of file descriptors, accepting pauses for a second at a time
 * ({@link #ACCEPT_PAUSE_NANOS}) rather than retrying at once.
 * <p>
 * Not for implicit-TLS listeners: their handshake runs at the banner, in the session's thread
 * (DeviceListener's {@code ImplicitTlsServerSocket}), so their connections have a thread from
 * the start.
 * <p>
 * Lifecycle: {@link #bind} (SubEthaSMTP's start) opens the channel and starts the thread;
 * {@link #close} (SubEthaSMTP's stop) stops it, closes what still waits with {@code 421 4.3.2},
 * and makes {@link #accept()} throw. Thread-safety: the waiting connections belong to the
 * selector's thread; {@link #accept()} is called by SubEthaSMTP's accept thread,
 * {@link #stopWaiting()}, {@link #waiting()} and {@link #close()} by any.
 */
final class DeviceFrontEnd extends ServerSocket {

    /**
     * What the front end did with a connection before handing it on.
     *
     * @param id     the session id it was accepted (and logged) under
     * @param device the device its address matched when it was accepted
     * @param banner the banner, as SubEthaSMTP's session will write it again
     * @param said   how many of its bytes were written (all of them but for a full send buffer)
     * @param first  the device's first bytes, read here
     * @param since  when the banner was said ({@link System#nanoTime()}): the first line's wait began
     */
    record Greeted(String id, Optional<DeviceRule> device, byte[] banner, int said, byte[] first, long since) {
    }

    /** A connection waiting for its device's first bytes. Selector thread only. */
    private static final class Waiting {
        final SocketChannel channel;
        final String id;
        final InetAddress client;
        final Optional<DeviceRule> device;
        final long since;
        int said;
        byte[] first;

        Waiting(SocketChannel channel, String id, InetAddress client, Optional<DeviceRule> device, long since) {
            this.channel = channel;
            this.id = id;
            this.client = client;
            this.device = device;
            this.since = since;
        }
    }

    /** How many connections one round of the selector accepts before it turns to the others. */
    private static final int ACCEPTS_PER_ROUND = 64;
    /**
     * How long accepting pauses after an accept failed (out of file descriptors): the connection
     * stays in the kernel's queue, so the listening channel would be ready again at once and this
     * thread would spin and log without end. SubEthaSMTP's own accept loop sleeps as long.
     */
    static final long ACCEPT_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DeviceListener listener;
    private final String threadName;
    private ServerSocketChannel server;
    private Selector selector;
    private Thread thread;
    /** In the order they were greeted, which is the order of their deadlines (one idle timeout per listener). */
    private final LinkedHashSet<Waiting> waiting = new LinkedHashSet<>();
    /** Connections whose device spoke during this round; handed on once their keys are deregistered. */
    private final List<Waiting> spoke = new ArrayList<>();
    /** Admitted and not yet a session or closed: waiting, or handed on and not yet taken by {@link #accept()}. */
    private final AtomicInteger held = new AtomicInteger();
    private final BlockingQueue<DeviceSocket> handedOn = new LinkedBlockingQueue<>();
    /** One command buffer's worth: what the first read takes is what the session's reader would have taken. */
    private final ByteBuffer firstRead = ByteBuffer.allocate(DeviceInputStream.COMMAND_BUFFER);
    private volatile boolean stopping;
    private volatile boolean closed;
    /** When accepting resumes after a failed accept ({@link System#nanoTime()}); 0: not paused. Selector thread only. */
    private long acceptPausedUntil;

    DeviceFrontEnd(DeviceListener listener, String threadName) throws IOException {
        super();
        this.listener = listener;
        this.threadName = threadName;
    }

    @Override
    public void bind(SocketAddress endpoint) throws IOException {
        bind(endpoint, 50);
    }

    @Override
    public synchronized void bind(SocketAddress endpoint, int backlog) throws IOException {
        if (server != null) {
            throw new SocketException("Already bound");
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        Selector s = null;
        try {
            channel.bind(endpoint, backlog);
            channel.configureBlocking(false);
            s = Selector.open();
            channel.register(s, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (s != null) {
                s.close();
            }
            throw e;
        }
        server = channel;
        selector = s;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public int getLocalPort() {
        ServerSocketChannel s = server;
        return s == null ? -1 : s.socket().getLocalPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        ServerSocketChannel s = server;
        return s == null ? null : s.socket().getLocalSocketAddress();
    }

    @Override
    public InetAddress getInetAddress() {
        ServerSocketChannel s = server;
        return s == null ? null : s.socket().getInetAddress();
    }

    @Override
    public boolean isBound() {
        return server != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * SubEthaSMTP's accept thread: the next connection whose device has spoken. Throws once the
     * front end is closed, or when that thread is interrupted (SubEthaSMTP's stop does both).
     */
    @Override
    public Socket accept() throws IOException {
        while (true) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            DeviceSocket next;
            try {
                next = handedOn.poll(1, TimeUnit.SECONDS); // the interrupt of SubEthaSMTP's stop ends the wait at once
            } catch (InterruptedException e) {
                throw new InterruptedIOException("interrupted while waiting for a connection");
            }
            if (next != null) {
                held.decrementAndGet();
                return next;
            }
        }
    }

    /** Connections admitted and not yet handed to a session (waiting, or about to be accepted). */
    int waiting() {
        return held.get();
    }

    /** The shutdown: every waiting connection gets {@code 421 4.3.2} and is closed, now and as long as this runs. */
    void stopWaiting() {
        stopping = true;
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
        }
        if (server == null) {
            return;
        }
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Handed on but not taken: SubEthaSMTP's accept loop has stopped; they hear the shutdown as if still waiting.
        for (DeviceSocket d; (d = handedOn.poll()) != null; ) {
            held.decrementAndGet();
            DeviceFrontEnd.Greeted g = d.greeted();
            try {
                d.getOutputStream().write((RelayReplies.SHUTDOWN + "\r\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the device left already
            }
            d.close();
            listener.waitEnded(g.id(), d.getInetAddress(), DeviceListener.WaitEnd.SHUTDOWN);
        }
    }

    /** The selector's thread: until closed. */
    private void run() {
        try {
            while (!closed) {
                long timeout = 0; // none waiting: until something happens
                if (!waiting.isEmpty()) {
                    long left = waiting.iterator().next().since + listener.config().idleTimeout().toNanos() - System.nanoTime();
                    timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
                if (acceptPausedUntil != 0) {
                    long pause = acceptPausedUntil - System.nanoTime();
                    if (pause <= 0) {
                        acceptPausedUntil = 0;
                        server.keyFor(selector).interestOps(SelectionKey.OP_ACCEPT);
                    } else {
                        long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(pause) + 1);
                        timeout = timeout == 0 ? ms : Math.min(timeout, ms);
                    }
                }
                selector.select(this::ready, timeout);
                handOn();
                expire(System.nanoTime());
                if (stopping) {
                    for (Waiting w : List.copyOf(waiting)) {
                        end(w, RelayReplies.SHUTDOWN, DeviceListener.WaitEnd.SHUTDOWN);
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            RelayEvents.warn("listener.front-end-failed", "listener", listener.name(), "reason", String.valueOf(e),
                    "action", "the connections waiting for their device's first command are closed; the listener accepts no more");
        } finally {
            // The port first, so that no connection is queued where nobody will greet it; then each waiting
            // connection on its own (one that fails to end does not keep the others open); the selector last.
            try {
                server.close();
            } catch (IOException | RuntimeException e) {
                // closing: nothing more to do
            }
            for (Waiting w : List.copyOf(waiting)) {
                try {
                    end(w, RelayReplies.SHUTDOWN, DeviceListener.WaitEnd.SHUTDOWN);
                } catch (RuntimeException e) {
                    closeQuietly(w.channel);
                }
            }
            try {
                selector.close();
            } catch (IOException | RuntimeException e) {
                // closing: nothing more to do
            }
        }
    }

    /**
     * A ready key: the listening channel (accept), or a waiting connection (its banner's rest, its
     * first bytes, its end). A fault in one connection's handling (a bug, an observer that throws)
     * is logged and costs that connection, not the listener.
     */
    private void ready(SelectionKey key) {
        try {
            handle(key);
        } catch (RuntimeException e) {
            RelayEvents.warn("connection.front-end-error", "listener", listener.name(), "reason", String.valueOf(e));
            if (key.attachment() instanceof Waiting w && waiting.contains(w)) {
                waiting.remove(w);
                held.decrementAndGet();
                closeQuietly(w.channel);
                listener.waitEnded(w.id, w.client, DeviceListener.WaitEnd.DEVICE_CLOSED);
            }
        }
    }

    private void handle(SelectionKey key) {
        if (key.channel() == server) {
            for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
                SocketChannel channel;
                try {
                    channel = server.accept();
                } catch (IOException e) {
                    // Out of file descriptors, or the connection was reset before it was taken: accepting pauses
                    // (ACCEPT_PAUSE_NANOS), then the next round retries; one line a pause, not one a try.
                    key.interestOps(0);
                    acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE_NANOS;
                    RelayEvents.warn("connection.accept-failed", "listener", listener.name(), "reason", e.getMessage(),
                            "action", "accepting pauses for 1 s");
                    return;
                }
                if (channel == null) {
                    return;
                }
                admit(channel);
            }
            return;
        }
        Waiting w = (Waiting) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                w.said += w.channel.write(ByteBuffer.wrap(listener.banner(), w.said, listener.banner().length - w.said));
                if (w.said == listener.banner().length) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                firstRead.clear();
                int n = w.channel.read(firstRead);
                if (n < 0) {
                    end(w, null, DeviceListener.WaitEnd.DEVICE_CLOSED);
                } else if (n > 0) {
                    w.first = Arrays.copyOf(firstRead.array(), n);
                    key.cancel();
                    spoke.add(w);
                }
            }
        } catch (IOException e) {
            end(w, null, DeviceListener.WaitEnd.DEVICE_CLOSED); // reset by the device
        }
    }

    /** A new connection: counted and refused, or counted, greeted and left to wait. */
    private void admit(SocketChannel channel) {
        Waiting w = null;
        try {
            channel.configureBlocking(false);
            InetAddress client = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
            String id = listener.newSessionId();
            Optional<DeviceRule> device = listener.policy().byAddress(client);
            String refusal = listener.admit(id, client); // counted from here: nothing may throw before it is waiting
            if (refusal != null) {
                channel.write(ByteBuffer.wrap(("421 " + refusal + "\r\n").getBytes(StandardCharsets.US_ASCII)));
                closeQuietly(channel);
                return;
            }
            w = new Waiting(channel, id, client, device, System.nanoTime());
            waiting.add(w);
            held.incrementAndGet();
            listener.opened(id, client, device);
            byte[] banner = listener.banner();
            w.said = channel.write(ByteBuffer.wrap(banner));
            channel.register(selector, w.said < banner.length ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ, w);
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuntimeException) {
                RelayEvents.warn("connection.front-end-error", "listener", listener.name(), "reason", String.valueOf(e));
            }
            // Reset before the banner (or a fault): if it was admitted, it ends like any connection that leaves while waiting.
            if (w != null) {
                end(w, null, DeviceListener.WaitEnd.DEVICE_CLOSED);
            } else {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Hands the connections whose device spoke to SubEthaSMTP. A channel must leave its selector
     * before it may block, and a cancelled key leaves at the next selection: hence the selectNow
     * first (whatever else it finds ready is handled as in any round).
     */
    private void handOn() throws IOException {
        while (!spoke.isEmpty()) {
            List<Waiting> batch = List.copyOf(spoke);
            spoke.clear();
            selector.selectNow(this::ready);
            for (Waiting w : batch) {
                waiting.remove(w);
                try {
                    w.channel.configureBlocking(true);
                    handedOn.add(listener.deviceSocket(new ChannelSocket(w.channel.socket()),
                            new Greeted(w.id, w.device, listener.banner(), w.said, w.first, w.since)));
                } catch (IOException | RuntimeException e) {
                    held.decrementAndGet();
                    closeQuietly(w.channel);
                    listener.waitEnded(w.id, w.client, DeviceListener.WaitEnd.DEVICE_CLOSED);
                }
            }
        }
    }

    /** Past the idle timeout: SubEthaSMTP's words, and closed. */
    private void expire(long now) {
        long idle = listener.config().idleTimeout().toNanos();
        while (!waiting.isEmpty()) {
            Waiting w = waiting.iterator().next();
            if (w.since + idle - now > 0) {
                return; // the others came later
            }
            end(w, RelayReplies.IDLE_TIMEOUT, DeviceListener.WaitEnd.IDLE_TIMEOUT);
        }
    }

    /** A waiting connection ends: {@code reply} (null: none) and closed, the count and the log updated. */
    private void end(Waiting w, String reply, DeviceListener.WaitEnd why) {
        if (!waiting.remove(w)) {
            return;
        }
        held.decrementAndGet();
        if (reply != null) {
            try {
                w.channel.write(ByteBuffer.wrap((reply + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                // the device left already
            }
        }
        closeQuietly(w.channel); // also cancels its key
        listener.waitEnded(w.id, w.client, why);
    }

    /** Closed as a {@code java.net.Socket} closes: see {@link ChannelSocket}. */
    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // reset or closed already
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closed already
        }
    }

    /**
     * A handed-on channel's socket, closed as a {@code java.net.Socket} is (NioSocketImpl): its
     * output shut down first (a FIN after the last reply), then closed, however the close comes
     * (the socket, either stream). A channel with no thread blocked on it is closed at once, and
     * when bytes of the device are still unread (the rest of an overlong line, a pipelined command)
     * the kernel then sends a reset, which can destroy the last reply (a 501, a 421) before the
     * device has read it.
     */
    private static final class ChannelSocket extends DelegatingSocket {

        ChannelSocket(Socket channelSocket) {
            super(channelSocket);
        }

        @Override
        public synchronized void close() throws IOException {
            if (!inner.isClosed() && !inner.isOutputShutdown()) {
                try {
                    inner.shutdownOutput();
                } catch (IOException e) {
                    // reset or closed already
                }
            }
            super.close();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(inner.getInputStream()) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    ChannelSocket.this.close();
                }
            };
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(inner.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    ChannelSocket.this.close();
                }
            };
        }
    }
}
