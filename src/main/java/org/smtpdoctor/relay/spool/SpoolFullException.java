package org.smtpdoctor.relay.spool;

import java.io.IOException;

/** The spool has no room for a message (disk full, quota, or the configured limit). */
public final class SpoolFullException extends IOException {

    public SpoolFullException(String message) {
        super(message);
    }

    public SpoolFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
