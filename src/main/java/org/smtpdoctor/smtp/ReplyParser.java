package org.smtpdoctor.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Incremental SMTP reply decoder with no I/O: feed it bytes in chunks of any size,
 * take complete replies out. Accepts CRLF and bare LF line ends (many appliances
 * send LF). Bounded: a line longer than {@link #MAX_LINE_BYTES} or a reply of more
 * than {@link #MAX_LINES} lines is refused with {@link MalformedReplyException}, so
 * a hostile server cannot make the client buffer without limit.
 * Not thread-safe; one parser per connection.
 */
public final class ReplyParser {

    /** RFC 5321 section 4.5.3.1.5 allows 512 octets; we tolerate eight times that. */
    public static final int MAX_LINE_BYTES = 4096;
    /** Real multi-line replies (EHLO) have a few dozen lines at most. */
    public static final int MAX_LINES = 200;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private final List<String> pendingLines = new ArrayList<>();
    private final Deque<Reply> complete = new ArrayDeque<>();
    private int pendingCode = -1;
    private MalformedReplyException failure;

    /**
     * Feeds bytes; complete replies become available through {@link #poll()}. At the first
     * line that is not SMTP the parser stops: replies completed before it stay available,
     * and {@link #failure()} says what was wrong. The exception is thrown too, for callers
     * that parse whole inputs.
     */
    public void feed(byte[] data, int offset, int length) throws MalformedReplyException {
        if (failure != null) {
            throw failure;
        }
        try {
            for (int i = offset; i < offset + length; i++) {
                byte b = data[i];
                if (b == '\n') {
                    endLine();
                } else {
                    if (line.size() >= MAX_LINE_BYTES) {
                        throw new MalformedReplyException("reply line longer than " + MAX_LINE_BYTES + " bytes", preview());
                    }
                    line.write(b);
                }
            }
        } catch (MalformedReplyException e) {
            failure = e;
            throw e;
        }
    }

    public void feed(byte[] data) throws MalformedReplyException {
        feed(data, 0, data.length);
    }

    /** Why parsing stopped, once a line was not SMTP. */
    public Optional<MalformedReplyException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The next complete reply, if one has been read. */
    public Optional<Reply> poll() {
        return Optional.ofNullable(complete.pollFirst());
    }

    /** True when part of a reply has been read but not its last line. */
    public boolean inProgress() {
        return line.size() > 0 || !pendingLines.isEmpty();
    }

    private void endLine() throws MalformedReplyException {
        byte[] raw = line.toByteArray();
        line.reset();
        int len = raw.length;
        if (len > 0 && raw[len - 1] == '\r') {
            len--;
        }
        String text = decode(raw, len);
        if (text.isBlank() && pendingLines.isEmpty()) {
            // A stray empty line between replies (some appliances send one) carries nothing.
            return;
        }
        if (text.length() < 3 || !isDigits(text)) {
            throw new MalformedReplyException("not an SMTP reply line", sanitize(text));
        }
        int code = Integer.parseInt(text.substring(0, 3));
        if (code < 200 || code > 599) {
            throw new MalformedReplyException("reply code out of range", sanitize(text));
        }
        char sep = text.length() > 3 ? text.charAt(3) : ' ';
        if (sep != ' ' && sep != '-') {
            throw new MalformedReplyException("reply code not followed by space or hyphen", sanitize(text));
        }
        if (pendingCode == -1) {
            pendingCode = code;
        }
        // RFC 5321 4.2.1: every line of a multi-line reply carries the same code; we keep
        // the first and do not reject servers that vary it.
        pendingLines.add(text.length() > 4 ? text.substring(4) : "");
        if (pendingLines.size() > MAX_LINES) {
            throw new MalformedReplyException("reply has more than " + MAX_LINES + " lines", sanitize(text));
        }
        if (sep == ' ') {
            complete.addLast(new Reply(pendingCode,
                    EnhancedStatus.parseLeading(pendingLines.get(0)), pendingLines));
            pendingLines.clear();
            pendingCode = -1;
        }
    }

    private static boolean isDigits(String text) {
        return Character.isDigit(text.charAt(0)) && Character.isDigit(text.charAt(1)) && Character.isDigit(text.charAt(2));
    }

    /**
     * UTF-8 when valid, else ISO-8859-1 (old servers send Latin-1). Control characters
     * (C0 but tab, DEL, C1) become '?': a server's text must not drive the user's terminal.
     */
    private static String decode(byte[] raw, int len) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, 0, len)).toString();
        } catch (CharacterCodingException e) {
            text = new String(raw, 0, len, StandardCharsets.ISO_8859_1);
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && out == null) {
                out = new StringBuilder(text.substring(0, i));
            }
            if (out != null) {
                out.append(control ? '?' : c);
            }
        }
        return out == null ? text : out.toString();
    }

    private String preview() {
        byte[] raw = line.toByteArray();
        return sanitize(decode(raw, Math.min(raw.length, 80)));
    }

    /** Shortens and makes printable a line we could not parse, for evidence. */
    static String sanitize(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (text.length() > 80) {
            out.append("...");
        }
        return out.toString();
    }
}
