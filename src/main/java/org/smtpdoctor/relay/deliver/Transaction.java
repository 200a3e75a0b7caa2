package org.smtpdoctor.relay.deliver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.smtp.Reply;

/**
 * What happened to one message in one upstream session (RFC 5321 section 3.3): the reply to
 * MAIL, one reply per RCPT in order, the reply to DATA and the message (when some recipient
 * was accepted), and the failure if the session broke on the way. An HTTP upstream (Microsoft
 * Graph) answers once for the whole message instead: {@code answer}. Immutable.
 */
public record Transaction(Optional<Reply> mailFrom, Map<String, Reply> recipients, Optional<Reply> data,
                          Optional<SessionFailure> broken, Optional<Answered> answer) {

    public Transaction {
        recipients = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(recipients));
    }

    /** An SMTP transaction. */
    public Transaction(Optional<Reply> mailFrom, Map<String, Reply> recipients, Optional<Reply> data,
                       Optional<SessionFailure> broken) {
        this(mailFrom, recipients, data, broken, Optional.empty());
    }

    /** An HTTP upstream's one answer for every recipient of the message. */
    public static Transaction answered(String phase, HttpAnswer answer) {
        return new Transaction(Optional.empty(), Map.of(), Optional.empty(), Optional.empty(),
                Optional.of(new Answered(phase, answer)));
    }

    /** An HTTP upstream that gave no answer (network, TLS, timeout, no token). */
    public static Transaction broken(SessionFailure failure) {
        return new Transaction(Optional.empty(), Map.of(), Optional.empty(), Optional.of(failure), Optional.empty());
    }

    /** What decides each recipient's fate; the session failure when the wire broke before a reply did. */
    public sealed interface Outcome permits Replied, Broken, Answered {}

    public record Replied(String phase, Reply reply) implements Outcome {}

    public record Broken(SessionFailure failure) implements Outcome {}

    /** An HTTP API's answer to the whole message (Graph's 202, or its error). */
    public record Answered(String phase, HttpAnswer answer) implements Outcome {}

    /**
     * The outcome for one recipient: MAIL's refusal, else its RCPT refusal, else the reply to
     * the message, else the break. A 250 to RCPT is not delivery: only the reply after the
     * final "." is (RFC 5321 section 4.1.1.4).
     */
    public Outcome outcome(String recipient) {
        if (answer.isPresent()) {
            return answer.get();
        }
        if (mailFrom.isPresent() && !mailFrom.get().isPositive()) {
            return new Replied("mail-from", mailFrom.get());
        }
        Reply rcpt = recipients.get(recipient);
        if (rcpt != null && !rcpt.isPositive()) {
            return new Replied("rcpt-to", rcpt);
        }
        if (rcpt != null && data.isPresent()) {
            return new Replied("data", data.get());
        }
        return new Broken(broken.orElseGet(() -> SessionFailure.event("", "data", "transport.closed",
                "the session ended before a reply for " + recipient)));
    }

    public List<String> recipientList() {
        return List.copyOf(recipients.keySet());
    }
}
