package org.smtpdoctor.relay.deliver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.smtpdoctor.relay.spool.StoredContent;

/**
 * What one delivery sends: the relay's lines to put on top (its Received line) and the content as
 * the spool keeps it, read from the spool file while it is sent ({@link #open}) so that memory
 * does not grow with the message. Immutable; every {@link #open} is a new stream.
 */
public final class MessageContent {

    private final byte[] prefix;
    private final StoredContent stored;

    public MessageContent(byte[] prefix, StoredContent stored) {
        this.prefix = prefix.clone();
        this.stored = stored;
    }

    /** A message held in memory (the relay's own, and tests). */
    public static MessageContent of(byte[] content) {
        byte[] copy = content.clone();
        boolean eightBit = false;
        for (byte b : copy) {
            if (b < 0) {
                eightBit = true;
                break;
            }
        }
        boolean has8bit = eightBit;
        return new MessageContent(new byte[0], new StoredContent() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public boolean eightBit() {
                return has8bit;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }
        });
    }

    /** Bytes in all, as stored (before dot-stuffing): what SIZE= declares (RFC 1870). */
    public long size() {
        return prefix.length + stored.size();
    }

    /** Whether a byte is above 127: what BODY=8BITMIME declares (RFC 6152). The prefix is ASCII. */
    public boolean eightBit() {
        return stored.eightBit();
    }

    /** The message from its first byte; the caller closes the stream. */
    public InputStream open() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(prefix), stored.open());
    }

    /** The whole message in memory, for an upstream that needs it so (Graph: see GraphUpstream). */
    public byte[] bytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }
}
