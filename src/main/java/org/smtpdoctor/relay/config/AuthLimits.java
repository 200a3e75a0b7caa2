package org.smtpdoctor.relay.config;

import java.time.Duration;

/**
 * How the relay meets password guessing on its device accounts ({@code auth:} in the
 * configuration file). Failed AUTHs are counted per client address (an IPv6 client per /64, the
 * block one host usually has to itself): after {@code slowDownAfter} failures each answer to a
 * failed AUTH waits, one second doubling per further failure up to {@code maxDelay}; after {@code
 * lockOutAfter} the address may not try AUTH at all for {@code lockOutFor} (a right password
 * included: the relay does not even check it, so the lockout costs no CPU). Failures older than
 * {@code lockOutFor} are forgotten; a success forgets the address's failures. At most {@code
 * concurrentChecks} password hashes are computed at once in the whole relay (PBKDF2 is made to be
 * slow: unbounded, it is a way to exhaust the CPU); a check that waits longer than the idle timeout
 * for its turn is answered {@code 454 4.7.0}. Immutable.
 */
public record AuthLimits(int slowDownAfter, Duration maxDelay, int lockOutAfter, Duration lockOutFor, int concurrentChecks) {

    /** 3 failures, then waits of 1, 2, 4... up to 30 s; 10 failures lock the address out for 15 minutes. */
    public static final AuthLimits DEFAULTS = new AuthLimits(3, Duration.ofSeconds(30), 10, Duration.ofMinutes(15),
            Math.max(1, Runtime.getRuntime().availableProcessors()));

    public AuthLimits {
        if (slowDownAfter < 1 || lockOutAfter < 1 || concurrentChecks < 1 || maxDelay.isNegative() || lockOutFor.isNegative()) {
            throw new IllegalArgumentException("auth limits must be positive");
        }
    }
}
