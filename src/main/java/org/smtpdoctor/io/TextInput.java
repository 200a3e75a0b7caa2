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
     * than its end so that a pipe left open is not waited on.
     */
    public static String firstLine(InputStream in, int maxBytes, String what) throws InputException {
        byte[] line = new byte[Math.min(maxBytes, 8192)];
        int length = 0;
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (length == maxBytes) {
                    throw new InputException(what + ": a line longer than " + size(maxBytes));
                }
                if (length == line.length) {
                    line = java.util.Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
                }
                line[length++] = (byte) b;
            }
        } catch (IOException e) {
            throw new InputException(what + ": " + reason(e));
        }
        String text = decode(java.util.Arrays.copyOf(line, length), what);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
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
