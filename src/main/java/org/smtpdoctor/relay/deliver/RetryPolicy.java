package org.smtpdoctor.relay.deliver;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When delivery tries again. A recipient deferred for the n-th time waits
 * {@code min(max, initial * 2^(n-1))}, spread by a random jitter of plus or minus
 * {@code jitter} (a fraction) so that a queue filled in one burst does not retry in one
 * burst. After {@code maxAge} since the message was received, a temporary failure becomes
 * permanent (the recipient fails, the sender gets a DSN); the last try is scheduled at the
 * deadline rather than after it. An upstream that throttles (421, 4.7.x, 432 4.3.2) is left
 * alone by every worker for {@code throttleInitial}, doubling per consecutive throttle up to
 * {@code throttleMax}; any session that cannot be opened backs the upstream off the same way.
 * Immutable.
 */
public record RetryPolicy(Duration initial, Duration max, double jitter, Duration maxAge,
                          Duration throttleInitial, Duration throttleMax) {

    /**
     * Postfix's rhythm, roughly (minimal_backoff_time 300 s, maximal_backoff_time 4000 s), a
     * little quicker at first because a LAN relay's usual failure is a short outage.
     */
    public static RetryPolicy defaults(Duration maxAge) {
        return new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), 0.2, maxAge,
                Duration.ofSeconds(30), Duration.ofMinutes(15));
    }

    public RetryPolicy {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || jitter < 0 || jitter >= 1
                || maxAge.isNegative() || throttleInitial.isNegative() || throttleMax.compareTo(throttleInitial) < 0) {
            throw new IllegalArgumentException("inconsistent retry policy: " + initial + ".." + max + " jitter " + jitter);
        }
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    public Duration backoff(int attempts, DoubleSupplier random) {
        return spread(grow(initial, max, attempts), random);
    }

    /** The wait after the {@code consecutive}-th throttle or failed session in a row (1 for the first). */
    public Duration upstreamBackoff(int consecutive, DoubleSupplier random) {
        return spread(grow(throttleInitial, throttleMax, consecutive), random);
    }

    /** When a recipient deferred now, after its {@code attempts}-th attempt, is due again. */
    public Instant nextAttempt(Instant now, Instant receivedAt, int attempts, DoubleSupplier random) {
        Instant next = now.plus(backoff(attempts, random));
        Instant deadline = receivedAt.plus(maxAge);
        return next.isAfter(deadline) && deadline.isAfter(now) ? deadline : next;
    }

    /** True when a message received at {@code receivedAt} is past its maximum age at {@code now}. */
    public boolean expired(Instant receivedAt, Instant now) {
        return !now.isBefore(receivedAt.plus(maxAge));
    }

    private static Duration grow(Duration first, Duration cap, int n) {
        int shift = Math.max(0, Math.min(n - 1, 30));
        long millis = first.toMillis();
        long grown = millis > (cap.toMillis() >> shift) ? cap.toMillis() : millis << shift;
        return Duration.ofMillis(Math.min(grown, cap.toMillis()));
    }

    private Duration spread(Duration d, DoubleSupplier random) {
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(d.toMillis() * factor)));
    }
}
