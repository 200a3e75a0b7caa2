package org.smtpdoctor.relay.device;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One message's content while it arrives: the first {@value #IN_MEMORY} bytes in memory
 * (the header section is read from there), the rest in a temporary file, so that a
 * hundred devices sending large scans do not need gigabytes of heap. Nothing reaches the
 * sink from here until the final "." was read. Confined to one session thread; close it.
 */
final class MessageBuffer implements AutoCloseable {

    static final int IN_MEMORY = 256 * 1024;

    /**
     * Room for a 10 KB scan-to-mail message without growing: growing from ByteArrayOutputStream's
     * 32 bytes copied a 10 KB message eight times (bench/RESULTS.md, allocation per message).
     */
    static final int INITIAL = 16 * 1024;

    private final Head head = new Head();
    private Path spillFile;
    private OutputStream spill;
    private long size;
    private long declaredSize = -1;

    void write(byte[] bytes, int offset, int length) throws IOException {
        size += length;
        int room = IN_MEMORY - head.size();
        int toHead = Math.min(room, length);
        head.write(bytes, offset, toHead);
        if (toHead < length) {
            if (spill == null) {
                spillFile = Files.createTempFile("smtp-doctor-relay-", ".part");
                spill = Files.newOutputStream(spillFile);
            }
            spill.write(bytes, offset + toHead, length - toHead);
        }
    }

    long size() {
        return size;
    }

    /** The content was larger than allowed and not kept: {@code total} bytes arrived. */
    void markOversized(long total) {
        declaredSize = total;
    }

    boolean oversized() {
        return declaredSize >= 0;
    }

    /** How many bytes arrived, kept or not. */
    long declaredSize() {
        return oversized() ? declaredSize : size;
    }

    /** The bytes kept in memory: the whole message when it is small. A copy; {@link #headBuffer} is not. */
    byte[] head() {
        return head.toByteArray();
    }

    /** The bytes kept in memory, in place (no copy of the message): the first {@link #headLength()} count; only to read. */
    byte[] headBuffer() {
        return head.buffer();
    }

    int headLength() {
        return head.size();
    }

    /** The content from {@code offset} (within the in-memory head) to the end; read in place, so write nothing more. */
    InputStream from(int offset) throws IOException {
        InputStream first = head.from(offset);
        if (spill == null) {
            return first;
        }
        spill.flush();
        return new SequenceInputStream(first, Files.newInputStream(spillFile));
    }

    /** The in-memory part, whose bytes {@link #headBuffer} and {@link #from} read without a copy. */
    private static final class Head extends ByteArrayOutputStream {
        Head() {
            super(INITIAL);
        }

        synchronized byte[] buffer() {
            return buf;
        }

        synchronized InputStream from(int offset) {
            return new ByteArrayInputStream(buf, offset, count - offset);
        }
    }

    @Override
    public void close() throws IOException {
        if (spill != null) {
            spill.close();
            Files.deleteIfExists(spillFile);
        }
    }
}
