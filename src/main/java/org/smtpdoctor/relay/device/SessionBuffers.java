package org.smtpdoctor.relay.device;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Field;
import java.nio.charset.Charset;
import org.smtpdoctor.relay.RelayEvents;
import org.subethamail.smtp.internal.io.CRLFTerminatedReader;
import org.subethamail.smtp.server.Session;

/**
 * Small reply and command buffers for SubEthaSMTP's sessions (issue 13: 1,000 idle devices in
 * little memory). {@code Session.setSocket} gives every connection a {@code PrintWriter} over
 * the socket (a {@code BufferedWriter} of 8,192 chars plus, on Java 17, an encoder's 8 KB) and
 * a {@code BufferedInputStream} of 8 KB: about 40 KB of heap per connection that an idle device
 * holds for the whole idle timeout, more than the rest of its session together. Neither buffer
 * does anything here: a reply is one {@code print} and a {@code flush} (so one write either way),
 * and {@link DeviceInputStream}, beneath, buffers the socket itself and hands out one line per
 * read. So after SubEthaSMTP has made them, the session's {@code input}, {@code reader} and
 * {@code writer} are replaced ({@code Session} is final and has no other way in): an unbuffered
 * writer in the same charset, and a 512-byte input buffer.
 * <p>
 * Should a later SubEthaSMTP rename those fields, the relay logs it once and keeps the library's
 * buffers: it works as before, only with the larger footprint. {@link #active()} says which
 * (a test keeps it true for the bundled version).
 */
final class SessionBuffers {

    /** Enough for most command lines; longer ones take a few reads from DeviceInputStream's buffer. */
    static final int INPUT_BUFFER = 512;

    private static final Field INPUT;
    private static final Field READER;
    private static final Field WRITER;
    private static final Field OUTPUT;

    static {
        Field[] f = new Field[4];
        try {
            f[0] = field("input");
            f[1] = field("reader");
            f[2] = field("writer");
            f[3] = field("output");
        } catch (ReflectiveOperationException | RuntimeException e) {
            f = new Field[4];
            RelayEvents.warn("relay.session-buffers", "reason", String.valueOf(e),
                    "action", "SubEthaSMTP's own 8 KB buffers are kept: idle connections cost about 40 KB more each");
        }
        INPUT = f[0];
        READER = f[1];
        WRITER = f[2];
        OUTPUT = f[3];
    }

    private SessionBuffers() {
    }

    private static Field field(String name) throws ReflectiveOperationException {
        Field f = Session.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** Whether sessions get the small buffers (false: the library changed; see the class comment). */
    static boolean active() {
        return INPUT != null;
    }

    /**
     * Replaces what {@code Session.setSocket} made for the session's current socket; call right
     * after it (the session's creation, STARTTLS), before anything is read or written.
     */
    static void slim(Session smtp) {
        if (!active()) {
            return;
        }
        try {
            OutputStream output = (OutputStream) OUTPUT.get(smtp);
            InputStream input = new BufferedInputStream(smtp.getSocket().getInputStream(), INPUT_BUFFER);
            INPUT.set(smtp, input);
            READER.set(smtp, new CRLFTerminatedReader(input));
            // PrintWriter(OutputStream) used the default charset: the same here.
            WRITER.set(smtp, new PrintWriter(new Unbuffered(output, Charset.defaultCharset())));
        } catch (IOException | IllegalAccessException e) {
            throw new IllegalStateException("cannot set the session's buffers", e);
        }
    }

    /** A writer that encodes each write and hands it on at once: nothing held between replies. */
    private static final class Unbuffered extends Writer {
        private final OutputStream out;
        private final Charset charset;

        Unbuffered(OutputStream out, Charset charset) {
            this.out = out;
            this.charset = charset;
        }

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            out.write(new String(chars, off, len).getBytes(charset));
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            out.write(s.substring(off, off + len).getBytes(charset)); // Writer's own would copy through a 1,024-char buffer
        }

        @Override
        public void write(int c) throws IOException {
            write(String.valueOf((char) c), 0, 1);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
