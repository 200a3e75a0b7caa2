package org.smtpdoctor.relay.spool;

import java.time.Instant;
import java.util.Optional;

/**
 * Where one recipient of a queued message stands. Transitions (each but {@link #retryAt} is
 * the outcome of one delivery attempt and counts it):
 * <pre>
 *   PENDING  --delivered--> DELIVERED (final)
 *   PENDING  --deferred---> DEFERRED --deferred / retryAt--> DEFERRED
 *   PENDING  --failed-----> FAILED    (final)      DEFERRED --delivered / failed--> final
 * </pre>
 * A final state does not change again, except that repeating the same final outcome is
 * allowed (a worker that crashed after delivering but before recording it delivers again).
 *
 * @param recipient   the forward-path, as in the envelope
 * @param status      where it stands
 * @param attempts    delivery attempts so far
 * @param nextAttempt when a deferred recipient is due again (empty otherwise)
 * @param lastReply   the last reply (or transport failure) that decided its state
 * @param updated     when it last changed (empty while pending and untouched)
 */
public record RecipientState(String recipient, Status status, int attempts, Optional<Instant> nextAttempt,
                             Optional<String> lastReply, Optional<Instant> updated) {

    /** The closed set of recipient states. */
    public enum Status {
        /** Not tried yet: due now. */
        PENDING,
        /** The upstream accepted it: final. */
        DELIVERED,
        /** A temporary failure: due again at {@code nextAttempt}. */
        DEFERRED,
        /** A permanent failure (or given up): final; the worker owes the sender a DSN. */
        FAILED;

        public boolean isFinal() {
            return this == DELIVERED || this == FAILED;
        }
    }

    public static RecipientState pending(String recipient) {
        return new RecipientState(recipient, Status.PENDING, 0, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isDue(Instant now) {
        return status == Status.PENDING || status == Status.DEFERRED && !nextAttempt.orElse(Instant.MIN).isAfter(now);
    }

    RecipientState delivered(String reply, Instant at) {
        return finalState(Status.DELIVERED, reply, at);
    }

    RecipientState failed(String reply, Instant at) {
        return finalState(Status.FAILED, reply, at);
    }

    RecipientState deferred(String reply, Instant next, Instant at) {
        if (status.isFinal()) {
            throw new IllegalStateException(recipient + " is already " + status + ", it cannot be deferred");
        }
        return new RecipientState(recipient, Status.DEFERRED, attempts + 1, Optional.of(next), Optional.of(reply), Optional.of(at));
    }

    /** A deferred recipient made due at {@code now} (not an attempt); others unchanged. */
    RecipientState retryAt(Instant now) {
        return status == Status.DEFERRED
                ? new RecipientState(recipient, status, attempts, Optional.of(now), lastReply, Optional.of(now)) : this;
    }

    private RecipientState finalState(Status to, String reply, Instant at) {
        if (status == to) {
            return this;
        }
        if (status.isFinal()) {
            throw new IllegalStateException(recipient + " is already " + status + ", it cannot become " + to);
        }
        return new RecipientState(recipient, to, attempts + 1, Optional.empty(), Optional.of(reply), Optional.of(at));
    }
}
