package org.smtpdoctor.relay.spool;

import java.io.IOException;

/** Another process (a running relay, or {@code smtp-doctor queue}) holds the spool's lock. */
public final class SpoolInUseException extends IOException {

    public SpoolInUseException(String message) {
        super(message);
    }
}
