package org.smtpdoctor.relay.deliver;

import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The delivery worker's view of one upstream: its {@link Pacer} (shared by every upstream
 * with the same mailbox), whether it is backed off and until when, and the last result, for
 * the status. Thread-safe.
 */
final class Route {

    /** The last thing that happened with this upstream, for {@code relay status}. */
    record Last(Instant at, String event, String reply, String cause) {}

    final Upstream upstream;
    final Pacer pacer;
    private final RetryPolicy retry;
    private final DoubleSupplier random;
    private Instant blockedUntil = Instant.MIN;
    private int consecutive;
    private Last last;
    private long delivered;
    private long deferred;
    private long failed;

    Route(Upstream upstream, Pacer pacer, RetryPolicy retry, DoubleSupplier random) {
        this.upstream = upstream;
        this.pacer = pacer;
        this.retry = retry;
        this.random = random;
    }

    synchronized boolean blocked(Instant now) {
        return blockedUntil.isAfter(now);
    }

    synchronized Instant blockedUntil() {
        return blockedUntil;
    }

    /** The upstream throttled or could not be reached: every worker leaves it alone for a while. */
    synchronized Instant backOff(Instant now) {
        return backOff(now, Optional.empty());
    }

    /** As {@link #backOff(Instant)}, for at least as long as the upstream asked (HTTP Retry-After). */
    synchronized Instant backOff(Instant now, Optional<java.time.Duration> asked) {
        consecutive++;
        Instant until = now.plus(retry.upstreamBackoff(consecutive, random));
        if (asked.isPresent() && now.plus(asked.get()).isAfter(until)) {
            until = now.plus(asked.get());
        }
        if (until.isAfter(blockedUntil)) {
            blockedUntil = until;
        }
        return blockedUntil;
    }

    /** The wall clock went back: a back-off counted from a later time ends now. */
    synchronized void clockWentBack(Instant now) {
        if (blockedUntil.isAfter(now)) {
            blockedUntil = now;
        }
    }

    synchronized void succeeded() {
        consecutive = 0;
    }

    synchronized void record(Instant at, String event, String reply, String cause, int recipients) {
        last = new Last(at, event, reply, cause);
        switch (event) {
            case "delivered" -> delivered += recipients;
            case "deferred" -> deferred += recipients;
            case "failed" -> failed += recipients;
            default -> {
            }
        }
    }

    synchronized Optional<Last> last() {
        return Optional.ofNullable(last);
    }

    synchronized long[] counts() {
        return new long[] {delivered, deferred, failed};
    }
}
