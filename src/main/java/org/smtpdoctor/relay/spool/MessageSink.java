package org.smtpdoctor.relay.spool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where the relay's listeners put an accepted message. The listener answers 250 only when
 * {@link #accept} has returned, so an implementation returns only once the message is
 * durably stored (on disk and fsync'd, for the spool).
 */
public interface MessageSink {

    /**
     * Stores the message and returns its queue id.
     *
     * @param content the message as received, CRLF line ends, dot-stuffing already removed
     * @throws SpoolFullException when there is no room: the listener answers 452 4.3.1
     * @throws IOException any other storage failure: the listener answers 451 4.3.0
     */
    String accept(Envelope envelope, InputStream content) throws IOException;

    /**
     * Why the sink can take no message now (the spool's volume is below its reserve), for the
     * listener to say {@code 452 4.3.1} at MAIL FROM, before the device sends its content; empty
     * when it can.
     */
    default Optional<String> refusal() {
        return Optional.empty();
    }
}
