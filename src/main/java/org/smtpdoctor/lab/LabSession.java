package org.smtpdoctor.lab;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The lab's view of one SMTP connection: protocol state, TLS, the authenticated
 * identity and the current mail transaction.
 * <p>
 * State machine (RFC 5321 §4.1.4, RFC 3207 §4.2, RFC 4954 §4):
 * <pre>
 *   CONNECTED --EHLO/HELO--> GREETED --AUTH ok--> AUTHENTICATED
 *   any state --STARTTLS ok--> CONNECTED (tls = true; identity and transaction discarded)
 * </pre>
 * EHLO/HELO, RSET and the end of a message drop the transaction but keep the state.
 * <p>
 * Lifecycle: created when SubEthaSMTP accepts the connection, dropped when the session
 * ends ({@link LabContext#sessionHandler()}). Not thread-safe: it is confined to its
 * session's thread, which runs every verb of that connection in turn; the one exception
 * is {@link #abort()}, which any thread may call.
 */
final class LabSession {

    enum State { CONNECTED, GREETED, AUTHENTICATED }

    private final String sessionId;
    private final String clientIp;
    private final Clock clock;
    private final Closeable transport;

    private State state = State.CONNECTED;
    private boolean tls;
    private String identity;
    private MailTransaction transaction;
    private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    private boolean chunksOverflowed;
    private AuthLines authLines;

    /**
     * @param transport the accepted TCP socket (under any TLS layered on it later), closed
     *        by {@link #abort()}
     */
    LabSession(String sessionId, String clientIp, Clock clock, Closeable transport) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.clientIp = Objects.requireNonNull(clientIp, "clientIp");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * Closes the TCP connection underneath any TLS layer, from any thread. A session
     * thread blocked reading TLS then fails at once; closing the TLS socket instead would
     * wait for that read's lock, i.e. up to the idle timeout.
     */
    void abort() {
        try {
            transport.close();
        } catch (IOException e) {
            // already broken: nothing left to close
        }
    }

    State state() {
        return state;
    }

    /** Where AUTH reads long initial responses and responses to challenges (replaced after STARTTLS). */
    AuthLines authLines() {
        return authLines;
    }

    void authLines(AuthLines lines) {
        this.authLines = Objects.requireNonNull(lines, "lines");
    }

    boolean isTls() {
        return tls;
    }

    String clientIp() {
        return clientIp;
    }

    Optional<String> identity() {
        return Optional.ofNullable(identity);
    }

    Optional<MailTransaction> transaction() {
        return Optional.ofNullable(transaction);
    }

    /** A negative reply with Exchange Online's trace for this session and the current time. */
    String traced(String reply) {
        return M365Replies.traced(reply, sessionId, clock.instant());
    }

    /** EHLO or HELO: greets the server and abandons any transaction (RFC 5321 §4.1.4). */
    void greet() {
        endTransaction();
        if (state == State.CONNECTED) {
            state = State.GREETED;
        }
    }

    /** TLS is up: the client must greet again and nothing learnt before counts (RFC 3207 §4.2). */
    void tlsStarted() {
        tls = true;
        state = State.CONNECTED;
        identity = null;
        endTransaction();
    }

    void authenticated(String who) {
        if (state != State.GREETED) {
            throw new IllegalStateException("AUTH in state " + state);
        }
        identity = Objects.requireNonNull(who, "who");
        state = State.AUTHENTICATED;
    }

    void beginTransaction(String sender) {
        if (transaction != null) {
            throw new IllegalStateException("transaction already open");
        }
        transaction = MailTransaction.from(sender);
    }

    void addRecipient(String recipient) {
        transaction = transaction().orElseThrow(() -> new IllegalStateException("no transaction"))
                .withRecipient(recipient);
    }

    /** Appends one BDAT chunk, keeping at most {@code limit} bytes in total. */
    void appendChunk(byte[] data, boolean overflowed, int limit) {
        if (overflowed || chunks.size() + data.length > limit) {
            chunksOverflowed = true;
            return;
        }
        chunks.writeBytes(data);
    }

    byte[] chunkedMessage() {
        return chunks.toByteArray();
    }

    boolean chunksOverflowed() {
        return chunksOverflowed;
    }

    void endTransaction() {
        transaction = null;
        chunks.reset();
        chunksOverflowed = false;
    }
}
