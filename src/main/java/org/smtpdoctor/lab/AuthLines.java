package org.smtpdoctor.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.subethamail.smtp.internal.io.CRLFTerminatedReader;
import org.subethamail.smtp.server.Session;

/**
 * Lets AUTH lines be as long as RFC 4954 §4 allows (12288 octets) although SubEthaSMTP
 * reads every command line with a fixed limit of 998 characters and drops the connection
 * beyond it. Access tokens make such lines: an Entra token is 1.5 to 3 KB, and
 * {@code AUTH XOAUTH2} carries it base64-encoded again; Exchange Online takes them.
 * <p>
 * Sits between the connection's raw input and SubEthaSMTP's command reader. Command lines
 * pass through unchanged, byte by byte and never past their LF (DATA and BDAT read the raw
 * input after a command); an {@code AUTH <mechanism> <initial response>} line longer than
 * {@value #MAX_COMMAND_LINE} octets reaches SubEthaSMTP as {@code AUTH <mechanism> }
 * {@value #PARKED}, and
 * {@link AuthVerb} takes the parked response with {@link #initialResponse}. Responses to
 * a 334 challenge are read by {@link #readResponse()}, not by SubEthaSMTP.
 * <p>
 * Installed by {@link #install} for each connection and again after STARTTLS, which gives
 * the session a new reader. Used by the session's one thread; not thread-safe.
 */
final class AuthLines extends InputStream {

    /**
     * AUTH lines longer than an ordinary command line (RFC 5321 §4.5.3.1.4: 512 octets with
     * CRLF) are parked, well below SubEthaSMTP's limit of 998 characters (CRLFTerminatedReader).
     */
    static final int MAX_COMMAND_LINE = 512;
    /** RFC 4954 §4: the AUTH command line and each response line may be this long (with CRLF). */
    static final int MAX_AUTH_LINE = 12288;
    /** Stands in for a parked initial response; not base64, so no client can send it by chance as a valid one. */
    static final String PARKED = "*parked*";

    private final InputStream raw;
    private byte[] pending = new byte[0];
    private int position;
    private String parked;

    AuthLines(InputStream raw) {
        this.raw = raw;
    }

    /**
     * Puts a new AuthLines under the session's command reader. Reaches into SubEthaSMTP's
     * private {@code Session.reader} (its class is final and its limit a constant); a
     * SubEthaSMTP upgrade that renames the field fails here, at every connection.
     */
    static AuthLines install(Session smtp) {
        AuthLines lines = new AuthLines(smtp.getRawInput());
        try {
            Field reader = Session.class.getDeclaredField("reader");
            reader.setAccessible(true);
            reader.set(smtp, new CRLFTerminatedReader(lines));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot install the AUTH line reader in SubEthaSMTP's session", e);
        }
        return lines;
    }

    /** The initial response of the AUTH command, the parked one if SubEthaSMTP saw {@link #PARKED}. */
    String initialResponse(String argument) {
        if (PARKED.equals(argument) && parked != null) {
            String response = parked;
            parked = null;
            return response;
        }
        return argument;
    }

    /** A client's response to a 334 challenge, without CRLF; empty at end of stream or beyond {@link #MAX_AUTH_LINE}. */
    Optional<String> readResponse() throws IOException {
        byte[] line = readLine();
        if (line.length == 0 || line[line.length - 1] != '\n') {
            return Optional.empty();
        }
        return Optional.of(text(line));
    }

    @Override
    public int read() throws IOException {
        if (position == pending.length) {
            byte[] line = readLine();
            if (line.length == 0) {
                return -1;
            }
            pending = park(line);
            position = 0;
        }
        return pending[position++] & 0xff;
    }

    /** Never more than one byte, so a reader never waits for bytes the client has not sent. */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int c = read();
        if (c == -1) {
            return -1;
        }
        b[off] = (byte) c;
        return 1;
    }

    /** A long, complete AUTH line becomes {@code AUTH <mechanism> *parked*}; any other line is returned as is. */
    private byte[] park(byte[] line) {
        if (line.length <= MAX_COMMAND_LINE || line[line.length - 1] != '\n') {
            return line;
        }
        String text = text(line);
        String[] words = text.split(" ", 3);
        if (words.length < 3 || !words[0].toUpperCase(Locale.ROOT).equals("AUTH")) {
            return line;
        }
        parked = words[2];
        return ("AUTH " + words[1] + " " + PARKED + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes up to and including LF, at most {@link #MAX_AUTH_LINE}; fewer at end of stream. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while (line.size() < MAX_AUTH_LINE && (c = raw.read()) != -1) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        return line.toByteArray();
    }

    private static String text(byte[] line) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
        }
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }
}
