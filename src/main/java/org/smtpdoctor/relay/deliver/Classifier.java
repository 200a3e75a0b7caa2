package org.smtpdoctor.relay.deliver;

import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.smtp.EnhancedStatus;
import org.smtpdoctor.smtp.Reply;

/**
 * Decides what an upstream's answer means for a recipient, and names its cause with the
 * same knowledge base as {@code check}. The table (tested in DeliverClassifierTest):
 * <pre>
 *   2xx after the final "."              DELIVERED
 *   4xx                                   RETRY
 *   5xx                                   BOUNCE
 *   5xx whose cause is throttling         RETRY, upstream backs off (554 5.2.0 ...SubmissionQuota-
 *                                         ExceededException is Exchange's daily quota: waiting helps)
 *   a session that broke or never opened  RETRY (network faults; also 5xx to greeting, EHLO, STARTTLS
 *                                         or AUTH: a relay configuration problem is not the message's,
 *                                         as Postfix's smtp_sasl_auth_soft_bounce=yes; max age bounds it)
 * </pre>
 * THROTTLE (the whole upstream waits, not just the message): 421, any 4.7.x, 432 4.3.2
 * (Exchange's "sender thread limit exceeded") and whatever the rules call throttling.
 * <p>
 * An HTTP upstream (Microsoft Graph, {@link #ofAnswer}) answers once per message:
 * <pre>
 *   2xx                                    DELIVERED
 *   429, 503, 504 (Retry-After honoured)    RETRY, upstream backs off
 *   401, 403, 404 (token, permission,       RETRY, upstream backs off: the relay's configuration,
 *     mailbox scope, mailbox not found)       not the message's (as an SMTP AUTH failure)
 *   a cause about the message itself        BOUNCE (Send As denied, too large or malformed,
 *     (any 4xx), or 400, 413, 415, 422        bad recipients)
 *   other 5xx                               RETRY
 *   the relay cannot send it that way       BOUNCE (larger than the upstream takes, unreadable MIME)
 * </pre>
 * Immutable and thread-safe.
 */
public final class Classifier {

    /** What to do with the recipient. Closed set. */
    public enum Action { DELIVERED, RETRY, BOUNCE }

    /**
     * @param throttle the upstream as a whole should be left alone for a while
     * @param cause    the knowledge base's cause id ({@code unknown} when no rule decides)
     * @param text     the reply or failure as one line
     * @param retryAfter how long the upstream asked to be left alone (HTTP Retry-After), when it said
     * @param diagnosis the knowledge base's whole answer (title, fix, references); empty when delivered
     */
    public record Verdict(Action action, boolean throttle, Cause cause, String text, Optional<Reply> reply,
                          Optional<java.time.Duration> retryAfter, Optional<Diagnosis> diagnosis) {

        public Verdict(Action action, boolean throttle, Cause cause, String text, Optional<Reply> reply,
                Optional<Diagnosis> diagnosis) {
            this(action, throttle, cause, text, reply, Optional.empty(), diagnosis);
        }
    }

    /** Causes that are the message's own: sending it again the same way cannot help. */
    private static final java.util.Set<Cause> MESSAGE_CAUSES = java.util.EnumSet.of(Cause.SENDER_NOT_AUTHORIZED_SENDAS,
            Cause.MESSAGE_SIZE_OR_FORMAT, Cause.RECIPIENT_INVALID, Cause.MESSAGE_REJECTED_SPAM);

    private final java.util.function.Supplier<KnowledgeBase> rules;

    public Classifier(KnowledgeBase rules) {
        this(() -> rules);
    }

    /**
     * @param rules asked for at the first reply or failure that needs a diagnosis, never for a
     *              delivery: a relay whose mail all goes through never loads the bundled rules
     *              (about 8 MB of heap and a third of a second of start-up)
     */
    public Classifier(java.util.function.Supplier<KnowledgeBase> rules) {
        this.rules = rules;
    }

    public Verdict ofReply(String host, String phase, Reply reply) {
        return ofReply(Vendor.OTHER, host, phase, reply);
    }

    /** @param known whose server it is when the upstream says so; OTHER to go by host and reply text */
    public Verdict ofReply(Vendor known, String host, String phase, Reply reply) {
        if (reply.isPositive()) {
            return new Verdict(Action.DELIVERED, false, Cause.OTHER, reply.oneLine(), Optional.of(reply), Optional.empty());
        }
        Diagnosis diagnosis = diagnose(Evidence.reply(phase, reply, known.or(vendor(host, reply.text())), Map.of("host", host)));
        Cause cause = diagnosis.cause();
        boolean throttle = isThrottle(reply) || cause == Cause.THROTTLING_RATE_LIMIT;
        Action action = reply.isPermanent() && cause != Cause.THROTTLING_RATE_LIMIT ? Action.BOUNCE : Action.RETRY;
        return new Verdict(action, throttle, cause, reply.oneLine(), Optional.of(reply), Optional.of(diagnosis));
    }

    /** A session that could not be opened or broke: always a retry. */
    public Verdict ofSession(SessionFailure f) {
        return ofSession(Vendor.OTHER, f);
    }

    public Verdict ofSession(Vendor known, SessionFailure f) {
        Optional<Diagnosis> diagnosis;
        boolean throttle = false;
        if (f.reply().isPresent()) {
            Reply r = f.reply().get();
            diagnosis = Optional.of(diagnose(Evidence.reply(f.phase(), r, known.or(vendor(f.host(), r.text())), Map.of("host", f.host()))));
            throttle = isThrottle(r) || diagnosis.get().cause() == Cause.THROTTLING_RATE_LIMIT;
        } else {
            diagnosis = f.event().map(e -> diagnose(Evidence.event(f.phase(), e, known.or(Vendor.fromHost(f.host())), Map.of("host", f.host()))));
        }
        Cause cause = diagnosis.map(Diagnosis::cause).orElse(Cause.UNKNOWN);
        return new Verdict(Action.RETRY, throttle, cause, f.text(), f.reply(), diagnosis);
    }

    /** An HTTP upstream's answer to a whole message (table above); the cause from the rules (rules/graph.yaml). */
    public Verdict ofAnswer(Vendor known, String host, String phase, HttpAnswer a) {
        if (a.accepted()) {
            return new Verdict(Action.DELIVERED, false, Cause.OTHER, a.text(), Optional.empty(), Optional.empty());
        }
        Map<String, String> values = Map.of("host", host);
        Vendor vendor = known.or(Vendor.MICROSOFT);
        Diagnosis diagnosis = diagnose(a.event().isPresent()
                ? Evidence.event(phase, a.event().get(), vendor, values)
                : new Evidence(phase, Optional.empty(), Optional.empty(), Optional.of(a.text()), false, vendor, values));
        Cause cause = diagnosis.cause();
        Optional<Diagnosis> d = Optional.of(diagnosis);
        int s = a.status();
        if (a.event().isPresent()) {
            return new Verdict(Action.BOUNCE, false, cause, a.text(), Optional.empty(), d);
        }
        boolean throttling = s == 429 || s == 503 || s == 504 || cause == Cause.THROTTLING_RATE_LIMIT;
        boolean messageFault = MESSAGE_CAUSES.contains(cause) || (s == 400 || s == 413 || s == 415 || s == 422) && !throttling;
        if (throttling) {
            return new Verdict(Action.RETRY, true, cause, a.text(), Optional.empty(), a.retryAfter(), d);
        }
        if (messageFault && s >= 400 && s < 500) {
            return new Verdict(Action.BOUNCE, false, cause, a.text(), Optional.empty(), d);
        }
        boolean configuration = s == 401 || s == 403 || s == 404;
        return new Verdict(Action.RETRY, configuration, cause, a.text(), Optional.empty(), a.retryAfter(), d);
    }

    /** 421 (the server is closing), any 4.7.x, and Exchange's 432 4.3.2 concurrency limit. */
    static boolean isThrottle(Reply reply) {
        if (reply.code() == 421) {
            return true;
        }
        Optional<EnhancedStatus> s = reply.enhanced();
        return reply.isTransient() && s.isPresent()
                && (s.get().subject() == 7 || s.get().subject() == 3 && s.get().detail() == 2);
    }

    private Diagnosis diagnose(Evidence evidence) {
        return rules.get().diagnose(evidence);
    }

    private static Vendor vendor(String host, String text) {
        return Vendor.fromHost(host).or(Vendor.fromText(text));
    }
}
