package org.smtpdoctor.net;

import java.util.Locale;
import java.util.Optional;

/**
 * What one TCP port of a host does: whether a connection opens, and if so what speaks
 * there. Immutable.
 *
 * @param rttMs time to open the connection (open ports only)
 * @param banner the first line the service sent (SMTP greeting, inside TLS for a TLS port)
 */
public record PortResult(int port, State state, Optional<Service> service, Optional<Long> rttMs, Optional<String> banner) {

    /** How the connection attempt ended. */
    public enum State {
        OPEN, REFUSED, FILTERED, RESET, UNREACHABLE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What answered on an open port. */
    public enum Service {
        /** An SMTP greeting (any 3-digit reply) in plain text. */
        SMTP,
        /** Silent in plain text, but completes a TLS handshake (implicit TLS, port 465 style). */
        TLS,
        /** Something that is not SMTP spoke first. */
        OTHER,
        /** Accepted the connection and said nothing, in plain text or TLS. */
        NONE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
