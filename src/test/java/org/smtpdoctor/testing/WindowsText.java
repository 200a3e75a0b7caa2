package org.smtpdoctor.testing;

import java.nio.charset.StandardCharsets;

/** Text as Windows tools write it: PowerShell 5's {@code >} (UTF-16LE with a byte order mark), Notepad's UTF-8 with one. */
public final class WindowsText {

    private WindowsText() {
    }

    public static byte[] powerShell(String text) {
        return concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE));
    }

    public static byte[] withUtf8Bom(String text) {
        return concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
