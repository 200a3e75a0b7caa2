package org.smtpdoctor.smtp;

import java.time.Duration;

/**
 * Network time limits of one session: to open TCP, to wait for each reply, and for
 * the whole session (after which the socket is closed whatever is happening).
 */
public record Timeouts(Duration connect, Duration read, Duration overall) {

    public Timeouts {
        if (connect.isNegative() || connect.isZero() || read.isNegative() || read.isZero()
                || overall.isNegative() || overall.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

}
