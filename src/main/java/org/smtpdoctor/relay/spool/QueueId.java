package org.smtpdoctor.relay.spool;

import java.time.Clock;
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
 * part of a new millisecond comes from {@link RandomValues} (lock-free; each value used once).
 */
final class QueueId {

    static final Pattern SHAPE = Pattern.compile("[0-9a-hjkmnp-tv-z]{16}");
    private static final char[] DIGITS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final long RANDOM_BITS = 35;

    /** The last id handed out, as its two parts. */
    private record Last(long millis, long random) {}

    private final Clock clock;
    private final RandomValues random = new RandomValues();
    private final AtomicReference<Last> last = new AtomicReference<>(new Last(-1, 0));

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
                    fresh = random.next() & ((1L << (RANDOM_BITS - 1)) - 1); // room to count up
                }
                id = new Last(millis == prev.millis() ? millis + 1 : millis, fresh);
            }
            if (last.compareAndSet(prev, id)) {
                return encode(id.millis(), 9) + encode(id.random(), 7);
            }
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
