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
    private final AtomicReference<String> refusal = new AtomicReference<>();
    private final AtomicReference<java.util.concurrent.CountDownLatch> hold = new AtomicReference<>();
    final java.util.concurrent.CountDownLatch accepting = new java.util.concurrent.CountDownLatch(1);

    @Override
    public String accept(Envelope envelope, InputStream content) throws IOException {
        byte[] bytes = content.readAllBytes();
        accepting.countDown();
        java.util.concurrent.CountDownLatch h = hold.get();
        if (h != null) {
            try {
                h.await(); // a slow disk: the final "." arrived, the fsync has not returned yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    /** From now on the sink says it has no room (the spool below its reserve), or has again with null. */
    void refuse(String why) {
        refusal.set(why);
    }

    @Override
    public java.util.Optional<String> refusal() {
        return java.util.Optional.ofNullable(refusal.get());
    }

    /** Makes accept wait for this latch after reading the content. */
    void holdAcceptsUntil(java.util.concurrent.CountDownLatch latch) {
        hold.set(latch);
    }

    List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    void clear() {
        accepted.clear();
    }

    Accepted only() {
        if (accepted.size() != 1) {
            throw new AssertionError("expected one message, got " + accepted.size());
        }
        return accepted.get(0);
    }
}
