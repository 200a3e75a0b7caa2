package org.smtpdoctor.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Text the user hands over (a password file, a token, a configuration, standard input), read
 * with a bound so that {@code /dev/zero} or a wrong file cannot exhaust memory, and decoded
 * as Windows tools write it too: UTF-8 with or without a byte order mark, and UTF-16 with
 * one (PowerShell 5's {@code >} writes UTF-16LE). Every failure is an {@link InputException}
 * whose message says in words what is wrong ("no such file", "permission denied", "is a
 * directory", "not UTF-8 text", "larger than 64 KB"). Stateless.
 */
public final class TextInput {

    /** A password, client secret or token file. */
    public static final int SECRET_BYTES = 64 * 1024;
    /** A configuration file. */
    public static final int CONFIG_BYTES = 1024 * 1024;

    private TextInput() {
    }

    /** The whole file as text, at most {@code maxBytes} of it (or an error saying it is larger). */
    public static String file(Path file, int maxBytes) throws InputException {
        return decode(bytes(file, maxBytes), file.toString());
    }

    /** The whole file, at most {@code maxBytes} of it (a certificate, a key store). */
    public static byte[] bytes(Path file, int maxBytes) throws InputException {
        if (Files.isDirectory(file)) {
            throw new InputException(file + ": is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new InputException(file + ": larger than " + size(maxBytes) + " (is it the right file?)");
            }
            return bytes;
        } catch (IOException e) {
            throw new InputException(file + ": " + reason(e));
        }
    }

    /** The first line of the file, without its line end. */
    public static String firstLine(Path file, int maxBytes) throws InputException {
        return file(file, maxBytes).lines().findFirst().orElse("");
    }

    /**
     * The first line of a stream (standard input), without its line end, reading no further
     * than its end so that a pipe left open is not waited on. A UTF-16 stream (a byte order
     * mark first) is read in two-byte units, so that its line end is found too.
     */
    public static String firstLine(InputStream in, int maxBytes, String what) throws InputException {
        byte[] line = new byte[Math.min(maxBytes, 8192)];
        int length = 0;
        try {
            int unit = 1;
            int b;
            while ((b = in.read()) >= 0) {
                if (length == maxBytes) {
                    throw new InputException(what + ": a line longer than " + size(maxBytes));
                }
                if (length == line.length) {
                    line = java.util.Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
                }
                line[length++] = (byte) b;
                if (length == 2 && utf16(line)) {
                    unit = 2;
                }
                if (length % unit == 0 && endsWithLineFeed(line, length, unit)) {
                    length -= unit;
                    break;
                }
            }
        } catch (IOException e) {
            throw new InputException(what + ": " + reason(e));
        }
        String text = decode(java.util.Arrays.copyOf(line, length), what);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static boolean utf16(byte[] b) {
        return ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) || ((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF);
    }

    /** Whether the last unit of {@code line} is LF: one byte, or two in the byte order of the mark. */
    private static boolean endsWithLineFeed(byte[] line, int length, int unit) {
        if (unit == 1) {
            return line[length - 1] == '\n';
        }
        boolean littleEndian = (line[0] & 0xFF) == 0xFF;
        byte first = line[length - 2];
        byte second = line[length - 1];
        return length > 2 && (littleEndian ? first == '\n' && second == 0 : first == 0 && second == '\n');
    }

    /**
     * At most {@code maxBytes} of a stream as text, for input that is read from its beginning
     * when it is longer (a pasted log): a character cut in two at the limit is left out, and
     * text that is not UTF-8 (nor UTF-16 with its mark) is read as Windows-1252, the encoding
     * Windows tools write when they do not say.
     */
    public static String head(InputStream in, int maxBytes, String what) throws InputException {
        try {
            return lenient(in.readNBytes(maxBytes), maxBytes);
        } catch (IOException e) {
            throw new InputException(what + ": " + reason(e));
        }
    }

    /** As {@link #head(InputStream, int, String)}, from a file. */
    public static String head(Path file, int maxBytes) throws InputException {
        if (Files.isDirectory(file)) {
            throw new InputException(file + ": is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return lenient(in.readNBytes(maxBytes), maxBytes);
        } catch (IOException e) {
            throw new InputException(file + ": " + reason(e));
        }
    }

    private static String lenient(byte[] bytes, int maxBytes) {
        int length = bytes.length;
        boolean cut = length == maxBytes;
        boolean sixteen = length >= 2 && utf16(bytes);
        if (cut && sixteen) {
            length -= length % 2;
        } else if (cut) {
            // Back off to the start of a UTF-8 sequence that may be incomplete (at most 3 continuation bytes).
            int back = 0;
            while (back < 3 && back < length && (bytes[length - 1 - back] & 0xC0) == 0x80) {
                back++;
            }
            if (back < length && (bytes[length - 1 - back] & 0xC0) == 0xC0) {
                length -= back + 1;
            }
        }
        byte[] text = length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
        try {
            return decode(text, "");
        } catch (InputException notUtf8) {
            return new String(text, java.nio.charset.Charset.forName("windows-1252"));
        }
    }

    /**
     * A certificate or key file as a parser wants its bytes: PEM text written as UTF-16 or with
     * a UTF-8 byte order mark (Notepad, PowerShell) as plain text; anything else (UTF-8 PEM,
     * binary DER or PKCS#12) as it is.
     */
    public static byte[] certificateBytes(Path file, int maxBytes) throws InputException {
        byte[] raw = bytes(file, maxBytes);
        boolean mark = (raw.length >= 2 && utf16(raw))
                || (raw.length >= 3 && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB && (raw[2] & 0xFF) == 0xBF);
        return mark ? decode(raw, file.toString()).getBytes(StandardCharsets.UTF_8) : raw;
    }

    /** True for a plausible environment variable name (POSIX: letters, digits and _, not starting with a digit). */
    public static boolean isVariableName(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]{0,254}");
    }

    /** UTF-8, or UTF-16 when a byte order mark says so; a UTF-8 byte order mark is dropped. */
    public static String decode(byte[] bytes, String what) throws InputException {
        int skip = 0;
        Charset charset = StandardCharsets.UTF_8;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            skip = 3;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            skip = 2;
            charset = StandardCharsets.UTF_16LE;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            skip = 2;
            charset = StandardCharsets.UTF_16BE;
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
        } catch (CharacterCodingException e) {
            throw new InputException(what + ": not " + (charset == StandardCharsets.UTF_8 ? "UTF-8" : "UTF-16") + " text"
                    + " (save it as UTF-8)");
        }
    }

    /** What went wrong with a file, in words rather than an exception's class name. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("Is a directory")) {
            return "is a directory";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return m.isEmpty() ? "cannot be read" : m;
    }

    private static String size(int bytes) {
        return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MB" : bytes / 1024 + " KB";
    }
}
