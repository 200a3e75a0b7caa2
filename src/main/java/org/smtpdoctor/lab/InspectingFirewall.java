package org.smtpdoctor.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.smtpdoctor.net.DelegatingSocket;

/**
 * A model of a firewall's SMTP/ESMTP inspection (Cisco PIX "fixup smtp"/Mailguard, ASA
 * "inspect esmtp" with its default policy map) sitting between the client and the lab.
 * <p>
 * What it does, and the sources:
 * <ul>
 *   <li>Masks the server banner: every character after {@code 220 } becomes {@code *}
 *       except the digits 2 and 0 ("changes most characters in the SMTP banner to
 *       asterisks. The exceptions to this are the '2' character, the '0' character",
 *       AppRiver KB a238 / Microsoft KB 320027 on PIX 5.1+). ASA default policy:
 *       {@code mask-banner}.</li>
 *   <li>Removes STARTTLS from the EHLO reply by overwriting the keyword in place with the
 *       same-length {@code XXXXXXXA} (ASA default {@code no allow-tls}: "The STARTTLS
 *       indication is removed", Cisco ASA Series Firewall CLI Configuration Guide,
 *       "Defaults for ESMTP Inspection"; the mangled form {@code 250-XXXXXXXA} is the one
 *       seen in the field, e.g. the 2006 transcript quoted by fefe.de/nibbler.de).</li>
 *   <li>Rewrites a client's STARTTLS command to {@code XXXXXXXX}, so the server answers
 *       "500 ... Unrecognized command" (same 2006 transcript: {@code starttls} then
 *       {@code 500 unrecognized command}). This half is modelled in {@link StartTlsVerb}
 *       (the lab answers as Exchange would to the mangled verb) rather than by rewriting
 *       the client's byte stream, which would need to track DATA/BDAT framing.</li>
 * </ul>
 * Other ASA defaults (masking unknown EHLO keywords, length limits) are not modelled.
 * <p>
 * Sockets are wrapped at accept time by {@link #serverSocket()}; the wrapper rewrites
 * the server-to-client direction line by line and passes the client's bytes untouched.
 * A wrapped socket is used by one session thread; the class itself is stateless.
 */
final class InspectingFirewall {

    /** What the inspection leaves of the EHLO keyword STARTTLS. */
    static final String MASKED_STARTTLS_KEYWORD = "XXXXXXXA";
    /** What the inspection makes of a client's STARTTLS command. */
    static final String MASKED_STARTTLS_COMMAND = "XXXXXXXX";

    private static final Pattern STARTTLS_LINE = Pattern.compile("(?i)^(250[- ])STARTTLS$");

    private InspectingFirewall() {
    }

    /** A server socket whose accepted connections pass through the inspection. */
    static ServerSocket serverSocket() throws IOException {
        return new InspectingServerSocket();
    }

    /** {@code 220 host ESMTP ...} becomes {@code 220 *****0****...}. Other lines are returned unchanged. */
    static String maskBanner(String line) {
        if (!(line.startsWith("220 ") || line.startsWith("220-"))) {
            return line;
        }
        StringBuilder masked = new StringBuilder(line.substring(0, 4));
        for (char c : line.substring(4).toCharArray()) {
            masked.append(c == '2' || c == '0' ? c : '*');
        }
        return masked.toString();
    }

    /** {@code 250-STARTTLS} becomes {@code 250-XXXXXXXA}; other lines are returned unchanged. */
    static String maskEhloLine(String line) {
        var m = STARTTLS_LINE.matcher(line);
        return m.matches() ? m.group(1) + MASKED_STARTTLS_KEYWORD : line;
    }

    private static final class InspectingServerSocket extends ServerSocket {
        InspectingServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            Socket accepted = super.accept();
            return new InspectedSocket(accepted);
        }
    }

    /** Rewrites complete server reply lines; holds a partial line until its LF arrives. */
    private static final class RewritingOutputStream extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean bannerSeen;

        RewritingOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                emitLine();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                if (line.size() > 0) {
                    out.write(line.toByteArray());
                    line.reset();
                }
            } finally {
                out.close();
            }
        }

        private void emitLine() throws IOException {
            String raw = line.toString(StandardCharsets.ISO_8859_1); // lossless for any byte
            line.reset();
            String ending = raw.endsWith("\r\n") ? "\r\n" : "\n";
            String text = raw.substring(0, raw.length() - ending.length());
            String rewritten = bannerSeen ? maskEhloLine(text) : maskBanner(text);
            bannerSeen = true;
            out.write((rewritten + ending).getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * An accepted socket seen through the inspection: the real socket with its output
     * stream rewritten.
     */
    private static final class InspectedSocket extends DelegatingSocket {
        private final OutputStream out;

        InspectedSocket(Socket inner) throws IOException {
            super(inner);
            this.out = new RewritingOutputStream(inner.getOutputStream());
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }
    }
}
