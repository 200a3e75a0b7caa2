package org.smtpdoctor.relay.spool;

import java.io.IOException;
import java.io.InputStream;

/**
 * A queued message's content as the spool keeps it ({@link Spool#stored}), for readers that
 * stream it instead of holding it: delivery reads it from the file while sending it, so memory
 * does not grow with the message. The facts come from the envelope, without reading the content.
 * Thread-safe; every {@link #open} is a new stream, which stays readable if the message is
 * removed meanwhile.
 */
public interface StoredContent {

    /** The content's length in bytes (CRLF line ends, as received). */
    long size();

    /** Whether a byte of the content is above 127 (RFC 6152's 8-bit data), noted when it was stored. */
    boolean eightBit();

    /** The content from its first byte; the caller closes the stream. */
    InputStream open() throws IOException;
}
