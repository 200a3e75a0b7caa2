package org.smtpdoctor.relay.spool;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Queue ids: 16 characters of lowercase Crockford base32, the first 9 the creation time in
 * milliseconds since the epoch (so ids sort by time until the year 3084), the last 7 random.
 * Within one process ids are strictly increasing (like a monotonic ULID: a second id in the
 * same millisecond is the previous one plus one); across restarts 35 random bits keep them
 * apart, and {@link Spool} still refuses to reuse a live id. Safe as a file name on any
 * file system (lowercase letters and digits only).
 *
 * <p>Thread-safe and lock-free: every accepting session takes an id, and with a hundred of
 * them on two CPUs a lock here convoyed (a holder descheduled inside it, the others parked
 * behind it; bench/RESULTS.md). The last id is swapped in by compare-and-set, and the random
 * part of a new millisecond comes from a block of {@link SecureRandom} output drawn
 * {@value #BLOCK} values at a time outside any lock of ours (the JDK's NativePRNG takes a
 * global lock and reads /dev/urandom within it). Each drawn value is used at most once.
 */
final class QueueId {

    static final Pattern SHAPE = Pattern.compile("[0-9a-hjkmnp-tv-z]{16}");
    private static final char[] DIGITS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final long RANDOM_BITS = 35;
    /** Random values drawn from {@link SecureRandom} at a time. */
    static final int BLOCK = 64;

    /** The last id handed out, as its two parts. */
    private record Last(long millis, long random) {}

    /** Drawn random values; {@code used} counts the ones handed out (past the end: spent). */
    private record Block(long[] values, AtomicInteger used) {}

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Last> last = new AtomicReference<>(new Last(-1, 0));
    private final AtomicReference<Block> block = new AtomicReference<>(new Block(new long[0], new AtomicInteger()));

    QueueId(Clock clock) {
        this.clock = clock;
    }

    String next() {
        long fresh = -1; // drawn at most once a call, kept across retries of the compare-and-set
        while (true) {
            Last prev = last.get();
            long millis = Math.max(clock.millis(), prev.millis());
            Last id;
            if (millis == prev.millis() && prev.random() + 1 < (1L << RANDOM_BITS)) {
                id = new Last(millis, prev.random() + 1);
            } else {
                if (fresh < 0) {
                    fresh = fresh() & ((1L << (RANDOM_BITS - 1)) - 1); // room to count up
                }
                id = new Last(millis == prev.millis() ? millis + 1 : millis, fresh);
            }
            if (last.compareAndSet(prev, id)) {
                return encode(id.millis(), 9) + encode(id.random(), 7);
            }
        }
    }

    /** A random value not handed out before; draws a new block when this one is spent. */
    private long fresh() {
        while (true) {
            Block b = block.get();
            int i = b.used().getAndIncrement();
            if (i < b.values().length) {
                return b.values()[i];
            }
            byte[] bytes = new byte[BLOCK * Long.BYTES];
            random.nextBytes(bytes);
            long[] values = new long[BLOCK];
            ByteBuffer.wrap(bytes).asLongBuffer().get(values);
            // Whoever loses this race drops its block unused, and takes from the winner's.
            block.compareAndSet(b, new Block(values, new AtomicInteger()));
        }
    }

    static boolean isValid(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }

    private static String encode(long value, int chars) {
        char[] out = new char[chars];
        for (int i = chars - 1; i >= 0; i--) {
            out[i] = DIGITS[(int) (value & 31)];
            value >>>= 5;
        }
        return new String(out);
    }
}
