package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.MessageSink;

/** An in-memory {@link MessageSink} for tests: keeps what it got; can be told to fail. */
final class RecordingSink implements MessageSink {

    record Accepted(String queueId, Envelope envelope, byte[] content) {
        String text() {
            return new String(content, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    @Override
    public String accept(Envelope envelope, InputStream content) throws IOException {
        byte[] bytes = content.readAllBytes();
        IOException f = failure.get();
        if (f != null) {
            throw f;
        }
        String id = "Q" + ids.incrementAndGet();
        accepted.add(new Accepted(id, envelope, bytes));
        return id;
    }

    void failWith(IOException e) {
        failure.set(e);
    }

    List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    Accepted only() {
        if (accepted.size() != 1) {
            throw new AssertionError("expected one message, got " + accepted.size());
        }
        return accepted.get(0);
    }
}
