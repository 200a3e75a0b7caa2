package org.smtpdoctor.relay.device;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most N password checks at once in the whole relay. A check is PBKDF2 with 210,000
 * iterations ({@link org.smtpdoctor.relay.config.PasswordHash}): a few hundred milliseconds of one
 * CPU, on purpose. Without a bound, clients sending AUTH on many connections at once would keep
 * every CPU busy hashing, and the relay would stop answering devices. Waiting checks go in arrival
 * order; one that cannot start within its wait is not run at all (the caller answers {@code 454
 * 4.7.0}, try later). Independent of how connections are served. Thread-safe.
 */
final class PasswordChecks {

    /** How long a check may wait for its turn: devices wait for AUTH's answer, but not for ever. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private final Semaphore permits;
    private final Duration wait;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    PasswordChecks(int concurrent) {
        this(concurrent, WAIT);
    }

    PasswordChecks(int concurrent, Duration wait) {
        this.permits = new Semaphore(concurrent, true);
        this.wait = wait;
    }

    /** The check's result, or empty when no turn came within the wait. */
    <T> Optional<T> run(Supplier<T> check) {
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            return Optional.of(check.get());
        } finally {
            running.decrementAndGet();
            permits.release();
        }
    }

    /** The most checks that ever ran at once (tests, and an operator's question). */
    int mostAtOnce() {
        return mostAtOnce.get();
    }
}
