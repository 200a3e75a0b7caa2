package org.smtpdoctor.relay.spool;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one message in the spool: its envelope and where each recipient stands.
 * The content is read separately ({@link Spool#content}).
 *
 * @param id         the queue id
 * @param envelope   as the listener handed it over
 * @param size       the content's size in bytes, as stored (CRLF line ends)
 * @param recipients one state per envelope recipient, in envelope order
 */
public record QueuedMessage(String id, Envelope envelope, long size, List<RecipientState> recipients) {

    public QueuedMessage {
        recipients = List.copyOf(recipients);
    }

    /** Every recipient delivered or failed: the worker sends any DSN it owes, then {@link Spool#remove}s it. */
    public boolean isFinished() {
        return recipients.stream().allMatch(r -> r.status().isFinal());
    }

    /** Something to do now: a recipient due, or a finished message waiting to be removed. */
    public boolean isDue(Instant now) {
        return isFinished() || recipients.stream().anyMatch(r -> r.isDue(now));
    }

    /** The earliest next attempt among deferred recipients. */
    public Optional<Instant> nextAttempt() {
        return recipients.stream().filter(r -> r.status() == RecipientState.Status.DEFERRED)
                .flatMap(r -> r.nextAttempt().stream()).min(Instant::compareTo);
    }

    /** The most attempts made for any recipient. */
    public int attempts() {
        return recipients.stream().mapToInt(RecipientState::attempts).max().orElse(0);
    }
}
