package org.smtpdoctor.testing;

import java.io.InputStream;

/**
 * Bytes as a socket delivers them: in pieces of the given sizes (cycled), never more than one
 * piece per read, so that readers are tested on lines and tokens split anywhere. For fuzz targets
 * and tests. Not thread-safe.
 */
public final class ChunkedInput extends InputStream {

    private final byte[] bytes;
    private final int[] chunks;
    private int position;
    private int next;

    /** @param chunks sizes of the pieces, each at least 1, used in turn */
    public ChunkedInput(byte[] bytes, int... chunks) {
        this.bytes = bytes;
        this.chunks = chunks.length == 0 ? new int[] {Integer.MAX_VALUE} : chunks;
    }

    /** How many bytes were handed out. */
    public int position() {
        return position;
    }

    @Override
    public int read() {
        return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position >= bytes.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, Math.max(1, chunks[next++ % chunks.length])), bytes.length - position);
        System.arraycopy(bytes, position, b, off, n);
        position += n;
        return n;
    }
}
