package org.smtpdoctor.relay.deliver;

import java.time.Instant;
import java.util.List;

/**
 * One open way to an upstream, ready to take messages one after another: an SMTP session
 * ({@link SmtpSession}, connection reuse) or a Microsoft Graph mailbox ({@link GraphSession}).
 * Lifecycle: made by {@link Upstream#open}, used by one thread, {@link #close}d. Not
 * thread-safe, except {@link #abort}.
 */
public interface UpstreamSession extends AutoCloseable {

    /** The host it leads to, for logs and the classifier. */
    String host();

    Instant opened();

    /** Messages sent through it so far. */
    int transactions();

    /** True while another message may go through it. */
    boolean usable();

    /**
     * One message to these recipients, read from {@code content} while it is sent. Never throws:
     * what the upstream answered, per recipient, or where it broke (also reading the spool), is
     * in the {@link Transaction}.
     *
     * @param sender the reverse-path, empty for the null sender
     */
    Transaction send(String sender, List<String> recipients, MessageContent content);

    /** Whether a broken transaction deserves one more try at once on a fresh session (a stale reused one). */
    boolean stale(Transaction t);

    /** Cuts what is in progress; the one method another thread may call (shutdown). */
    void abort();

    /** Ends the session; idempotent. */
    @Override
    void close();
}
