package org.smtpdoctor.relay.deliver;

import java.time.Duration;
import java.util.Optional;

/**
 * What an HTTP upstream (Microsoft Graph) answered for a whole message: its status, the line
 * logs, the spool and DSNs show ({@code Graph HTTP 403 ErrorSendAsDenied: ...}, or
 * {@code Graph HTTP 202 Accepted: ...}), the {@code Retry-After} it asked for, and, when the relay
 * itself found the message cannot go that way (too large, unreadable MIME), the knowledge
 * base's event for that. Never carries a secret. Immutable.
 */
public record HttpAnswer(int status, String text, Optional<Duration> retryAfter, Optional<String> event) {

    public boolean accepted() {
        return status >= 200 && status < 300 && event.isEmpty();
    }
}
