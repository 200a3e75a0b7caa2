package org.smtpdoctor.relay.deliver;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.TransportException;

/**
 * One open SMTP upstream session, ready for mail transactions; several messages may go through
 * it one after another (connection reuse). Lifecycle: made by {@link SmtpUpstream#open}, used
 * by one thread, {@link #close}d with QUIT. Not thread-safe.
 */
final class SmtpSession implements UpstreamSession {

    private final SmtpClient client;
    private final String host;
    private final Instant opened;
    private int transactions;

    SmtpSession(SmtpClient client, String host, Instant opened) {
        this.client = client;
        this.host = host;
        this.opened = opened;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public Instant opened() {
        return opened;
    }

    @Override
    public int transactions() {
        return transactions;
    }

    public boolean isTls() {
        return client.isTls();
    }

    /** True while another transaction may start: the wire is whole and no transaction is half done. */
    @Override
    public boolean usable() {
        return !client.isBroken()
                && (client.state() == SmtpClient.State.READY || client.state() == SmtpClient.State.AUTHENTICATED);
    }

    /**
     * One mail transaction: MAIL, RCPT for each recipient, and DATA with the content when at
     * least one was accepted (otherwise RSET, so the session can go on). The content is sent
     * as it is, dot-stuffed ({@link SmtpClient#data}). Never throws: a broken wire ends up in
     * {@link Transaction#broken}, and the session is then not {@link #usable}.
     *
     * @param sender the reverse-path, empty for the null sender
     */
    @Override
    public Transaction send(String sender, List<String> recipients, MessageContent content) {
        transactions++;
        Optional<Reply> mail = Optional.empty();
        Map<String, Reply> rcpt = new LinkedHashMap<>();
        try {
            Reply m = client.mailFrom(sender, parameters(sender, recipients, content));
            mail = Optional.of(m);
            if (!m.isPositive()) {
                return new Transaction(mail, rcpt, Optional.empty(), Optional.empty());
            }
            for (String r : recipients) {
                rcpt.put(r, client.rcptTo(r));
            }
            if (rcpt.values().stream().noneMatch(Reply::isPositive)) {
                client.rset();
                return new Transaction(mail, rcpt, Optional.empty(), Optional.empty());
            }
            Reply data;
            try (java.io.InputStream in = content.open()) {
                data = client.data(in);
            }
            if (data.isIntermediate()) {
                // Only a 354 is an invitation; anything else in 3xx is a protocol error.
                client.close();
            } else if (data.code() != 354 && client.state() != SmtpClient.State.READY) {
                client.rset();
            }
            return new Transaction(mail, rcpt, Optional.of(data), Optional.empty());
        } catch (TransportException e) {
            client.close();
            return new Transaction(mail, rcpt, Optional.empty(),
                    Optional.of(SessionFailure.event(host, rcpt.isEmpty() ? "mail-from" : "data", SmtpUpstream.event(e), e.getMessage())));
        } catch (java.io.IOException e) {
            // The spool could not be read: the connection was cut before the final dot, so the
            // upstream took nothing; a temporary failure of this delivery, not the upstream's fault.
            client.close();
            return new Transaction(mail, rcpt, Optional.empty(),
                    Optional.of(SessionFailure.event(host, "data", "spool.read", "cannot read the message from the spool: " + e.getMessage())));
        }
    }

    /**
     * What the message needs declared, when the server offers it: 8-bit content (RFC 6152),
     * its size (RFC 1870, so an oversized message is refused before it is sent), and
     * non-ASCII addresses (RFC 6531).
     */
    private List<String> parameters(String sender, List<String> recipients, MessageContent content) {
        org.smtpdoctor.smtp.Capabilities caps = client.capabilities();
        List<String> p = new java.util.ArrayList<>();
        if (caps.has("8BITMIME") && content.eightBit()) {
            p.add("BODY=8BITMIME");
        }
        if (caps.has("SIZE")) {
            p.add("SIZE=" + content.size());
        }
        boolean utf8 = !java.nio.charset.StandardCharsets.US_ASCII.newEncoder().canEncode(sender)
                || recipients.stream().anyMatch(r -> !java.nio.charset.StandardCharsets.US_ASCII.newEncoder().canEncode(r));
        if (caps.has("SMTPUTF8") && utf8) {
            p.add("SMTPUTF8");
        }
        return p;
    }

    /**
     * A reused session the server had closed meanwhile (its idle timeout) breaks before MAIL
     * gets an answer: not the message's fault, worth once more on a fresh session.
     */
    @Override
    public boolean stale(Transaction t) {
        return t.broken().isPresent() && t.mailFrom().isEmpty() && transactions > 1;
    }

    /**
     * Cuts the connection without QUIT; the one method another thread may call (to unblock a
     * delivery at shutdown). A message cut before the reply to its final "." is not delivered.
     */
    @Override
    public void abort() {
        client.close();
    }

    /** QUIT and close; idempotent. */
    @Override
    public void close() {
        client.quit();
    }
}
