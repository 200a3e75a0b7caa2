package org.smtpdoctor.relay.spool;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Queue ids: 16 characters of lowercase Crockford base32, the first 9 the creation time in
 * milliseconds since the epoch (so ids sort by time until the year 3084), the last 7 random.
 * Within one process ids are strictly increasing (like a monotonic ULID: a second id in the
 * same millisecond is the previous one plus one); across restarts 35 random bits keep them
 * apart, and {@link Spool} still refuses to reuse a live id. Safe as a file name on any
 * file system (lowercase letters and digits only). Thread-safe.
 */
final class QueueId {

    static final Pattern SHAPE = Pattern.compile("[0-9a-hjkmnp-tv-z]{16}");
    private static final char[] DIGITS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final long RANDOM_BITS = 35;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private long lastMillis = -1;
    private long lastRandom;

    QueueId(Clock clock) {
        this.clock = clock;
    }

    synchronized String next() {
        long millis = Math.max(clock.millis(), lastMillis);
        if (millis == lastMillis && lastRandom + 1 < (1L << RANDOM_BITS)) {
            lastRandom++;
        } else {
            millis = millis == lastMillis ? millis + 1 : millis;
            lastRandom = random.nextLong() & ((1L << (RANDOM_BITS - 1)) - 1); // room to count up
        }
        lastMillis = millis;
        return encode(millis, 9) + encode(lastRandom, 7);
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
