package org.smtpdoctor.relay.spool;

/**
 * How much of the spool's volume the relay keeps free: below it, the relay takes no new mail
 * ({@code 452 4.3.1}) so that state changes, logs and delivery still have room, and the
 * disk is never filled to the last byte. An absolute size ({@code 64MB}) or a share of the
 * volume ({@code 5%}). Immutable.
 *
 * @param bytes   the reserve in bytes, when given as a size
 * @param percent the reserve as a share of the volume, 0-99, when given as a percentage (then {@code bytes} is -1)
 */
public record SpoolReserve(long bytes, int percent) {

    /** 64 MB: room for state changes and logs after the last message taken. */
    public static final SpoolReserve DEFAULT = ofBytes(Spool.Options.DEFAULT_MIN_FREE_BYTES);

    public SpoolReserve {
        if (bytes < -1 || percent < -1 || percent > 99 || (bytes < 0) == (percent < 0)) {
            throw new IllegalArgumentException("a reserve is a size or a percentage from 0 to 99");
        }
    }

    public static SpoolReserve ofBytes(long bytes) {
        return new SpoolReserve(bytes, -1);
    }

    public static SpoolReserve ofPercent(int percent) {
        return new SpoolReserve(-1, percent);
    }

    /** The reserve in bytes on a volume of {@code totalBytes}. */
    public long bytesOf(long totalBytes) {
        return percent < 0 ? bytes : totalBytes / 100 * percent;
    }

    /** {@code 64 MB} or {@code 5%}. */
    @Override
    public String toString() {
        return percent < 0 ? size(bytes) : percent + "%";
    }

    /** 64 MB, 512 KB, 2 GB, 300 bytes: the largest binary unit that says it without rounding much. */
    public static String size(long n) {
        if (n >= 10L << 30 || n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GB";
        }
        if (n >= 10L << 20 || n >= 1L << 20 && n % (1L << 20) == 0) {
            return (n >> 20) + " MB";
        }
        if (n >= 1L << 10) {
            return (n >> 10) + " KB";
        }
        return n + (n == 1 ? " byte" : " bytes");
    }
}
