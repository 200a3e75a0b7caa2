package org.smtpdoctor.relay.device;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.relay.config.AuthLimits;

/**
 * Failed AUTHs per client address ({@link ClientBlock}), across all connections and listeners of
 * a relay: whether an address may try now, and how long the answer to a failure waits ({@link
 * AuthLimits}: slow down, then lock out). A registry with a clock and nothing else: it holds no
 * thread and knows nothing of connections, so it serves any connection model; the caller applies
 * the wait it returns. Failures older than the lockout time are forgotten; a success forgets the
 * address's failures. At most {@value #MAX_ADDRESSES} addresses are remembered (those with the
 * oldest last failure go first), so a client cycling through addresses cannot grow it without
 * bound. Thread-safe.
 */
final class AuthThrottle {

    static final int MAX_ADDRESSES = 10_000;

    /**
     * A failure as recorded.
     *
     * @param count       failures of this address within the lockout time, this one included
     * @param delay       how long the answer to it should wait
     * @param lockedUntil when this failure locked the address out, until when
     */
    record Failure(int count, Duration delay, Optional<Instant> lockedUntil) {}

    private record Failures(int count, Instant last, Optional<Instant> lockedUntil) {}

    private final AuthLimits limits;
    private final Clock clock;
    private final Map<InetAddress, Failures> failures = new HashMap<>(); // guarded by this

    AuthThrottle(AuthLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    AuthLimits limits() {
        return limits;
    }

    /** Until when {@code client} may not try AUTH; empty when it may now. */
    synchronized Optional<Instant> lockedOut(InetAddress client) {
        Failures f = current(ClientBlock.of(client));
        return f == null ? Optional.empty() : f.lockedUntil();
    }

    /** Records a failed AUTH of {@code client}. */
    synchronized Failure failed(InetAddress client) {
        InetAddress block = ClientBlock.of(client);
        Instant now = clock.instant();
        Failures before = current(block);
        int count = before == null ? 1 : before.count() + 1;
        Optional<Instant> locked = count >= limits.lockOutAfter() ? Optional.of(now.plus(limits.lockOutFor())) : Optional.empty();
        failures.put(block, new Failures(count, now, locked));
        if (failures.size() > MAX_ADDRESSES) {
            forgetOldest();
        }
        return new Failure(count, delay(count), locked);
    }

    /** A successful AUTH: the address's failures are forgotten. */
    synchronized void succeeded(InetAddress client) {
        failures.remove(ClientBlock.of(client));
    }

    /** How many addresses are remembered (tests). */
    synchronized int size() {
        return failures.size();
    }

    /** No wait for the first failures, then 1 s doubling per further failure, at most {@link AuthLimits#maxDelay}. */
    Duration delay(int count) {
        int beyond = count - limits.slowDownAfter();
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        Duration d = Duration.ofSeconds(1L << Math.min(beyond - 1, 30));
        return d.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : d;
    }

    /** The address's record, dropped (null) once its last failure and any lockout are over. */
    private Failures current(InetAddress block) {
        Failures f = failures.get(block);
        if (f == null) {
            return null;
        }
        Instant now = clock.instant();
        boolean locked = f.lockedUntil().isPresent() && now.isBefore(f.lockedUntil().get());
        // A clock set back would keep a record alive: one last failure "in the future" is as old as it is far.
        boolean forgotten = !locked && (!now.isBefore(f.last().plus(limits.lockOutFor()))
                || f.last().isAfter(now.plus(limits.lockOutFor())));
        if (forgotten) {
            failures.remove(block);
            return null;
        }
        if (locked && f.lockedUntil().get().isAfter(now.plus(limits.lockOutFor()))) {
            f = new Failures(f.count(), f.last(), Optional.of(now.plus(limits.lockOutFor()))); // the clock was set back
            failures.put(block, f);
        }
        return locked ? f : new Failures(f.count(), f.last(), Optional.empty());
    }

    private void forgetOldest() {
        Instant now = clock.instant();
        failures.entrySet().removeIf(e -> !now.isBefore(e.getValue().last().plus(limits.lockOutFor()))
                && e.getValue().lockedUntil().map(now::isAfter).orElse(true));
        while (failures.size() > MAX_ADDRESSES) {
            failures.entrySet().stream().min(Comparator.comparing(e -> e.getValue().last()))
                    .ifPresent(e -> failures.remove(e.getKey()));
        }
    }
}
