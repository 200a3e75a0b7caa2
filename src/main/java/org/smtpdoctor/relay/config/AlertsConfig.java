package org.smtpdoctor.relay.config;

import java.time.Duration;
import java.util.Optional;

/**
 * When the relay says that mail is stuck (YAML {@code alerts:}). A message still in the spool
 * {@code stuckAfter} after it arrived raises the {@code queue.stuck} event and the
 * {@code smtpdoctor_relay_stuck_messages} metric; with {@code mailTo}, also one summary mail
 * per {@code interval} at most, queued like any other message. Immutable.
 */
public record AlertsConfig(Duration stuckAfter, Optional<String> mailTo, Duration interval) {

    public static final AlertsConfig DEFAULTS = new AlertsConfig(Duration.ofHours(1), Optional.empty(), Duration.ofHours(1));

    public AlertsConfig {
        if (stuckAfter.isNegative() || stuckAfter.isZero() || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("alert durations must be positive");
        }
    }
}
