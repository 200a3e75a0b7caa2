package org.smtpdoctor.relay.deliver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.smtpdoctor.relay.config.Pacing;

/**
 * The sending budget of one upstream mailbox ({@link Pacing}): messages in any sliding
 * minute and recipients in any sliding 24 hours. (Concurrent connections are bounded by the
 * worker's thread count.) Counts live in memory: after a restart the day's count starts
 * again from zero, so a relay restarted often could exceed the daily figure; Exchange then
 * answers 554 5.2.0 ...SubmissionQuotaExceededException, which the worker treats as
 * throttling, not as a bounce. Thread-safe.
 */
public final class Pacer {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration DAY = Duration.ofDays(1);

    private final Pacing pacing;
    private final Deque<Instant> messages = new ArrayDeque<>();
    private final Deque<Sent> recipients = new ArrayDeque<>();
    private long recipientsInDay;

    private record Sent(Instant at, int recipients) {}

    public Pacer(Pacing pacing) {
        this.pacing = pacing;
    }

    public Pacing pacing() {
        return pacing;
    }

    /** What is left now. */
    public record Budget(int messagesThisMinute, long recipientsToday) {}

    /** Why a message may not go now, and until when. */
    public sealed interface Refusal permits MinuteFull, DayFull {
        Instant until();

        String text();
    }

    public record MinuteFull(Instant until, String text) implements Refusal {}

    public record DayFull(Instant until, String text) implements Refusal {}

    /**
     * Takes one message with {@code n} recipients from the budget, or says when it can go.
     * A message with more recipients than a whole day allows goes when the day is empty, so
     * that it is not held for ever.
     */
    public synchronized Optional<Refusal> tryAcquire(Instant now, int n) {
        expire(now);
        if (messages.size() >= pacing.messagesPerMinute()) {
            return Optional.of(new MinuteFull(messages.peekFirst().plus(MINUTE),
                    pacing.messagesPerMinute() + " messages per minute"));
        }
        if (recipientsInDay > 0 && recipientsInDay + n > pacing.recipientsPerDay()) {
            return Optional.of(new DayFull(dayFreesFor(n), pacing.recipientsPerDay() + " recipients per day"));
        }
        messages.addLast(now);
        recipients.addLast(new Sent(now, n));
        recipientsInDay += n;
        return Optional.empty();
    }

    /** How long until a message could go at all (zero when it could now). */
    public synchronized Duration messageWait(Instant now) {
        expire(now);
        if (messages.size() < pacing.messagesPerMinute()) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(now, messages.peekFirst().plus(MINUTE));
        return d.isNegative() ? Duration.ZERO : d;
    }

    public synchronized Budget budget(Instant now) {
        expire(now);
        return new Budget(Math.max(0, pacing.messagesPerMinute() - messages.size()),
                Math.max(0, pacing.recipientsPerDay() - recipientsInDay));
    }

    /** When enough of today's recipients have aged out for {@code n} more. */
    private Instant dayFreesFor(int n) {
        long used = recipientsInDay;
        Instant at = Instant.MAX;
        for (Sent s : recipients) {
            used -= s.recipients();
            at = s.at().plus(DAY);
            if (used == 0 || used + n <= pacing.recipientsPerDay()) {
                break;
            }
        }
        return at;
    }

    private void expire(Instant now) {
        // The wall clock went back (NTP, a resumed VM): what was sent "later than now" no longer
        // counts, or the budget would stay spent until the clock caught up (an hour, a day).
        if (!messages.isEmpty() && messages.peekLast().isAfter(now)) {
            messages.removeIf(t -> t.isAfter(now));
        }
        if (!recipients.isEmpty() && recipients.peekLast().at().isAfter(now)) {
            for (java.util.Iterator<Sent> it = recipients.iterator(); it.hasNext(); ) {
                Sent r = it.next();
                if (r.at().isAfter(now)) {
                    recipientsInDay -= r.recipients();
                    it.remove();
                }
            }
        }
        while (!messages.isEmpty() && !messages.peekFirst().plus(MINUTE).isAfter(now)) {
            messages.removeFirst();
        }
        while (!recipients.isEmpty() && !recipients.peekFirst().at().plus(DAY).isAfter(now)) {
            recipientsInDay -= recipients.removeFirst().recipients();
        }
    }
}
