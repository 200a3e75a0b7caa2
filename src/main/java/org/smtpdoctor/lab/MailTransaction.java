package org.smtpdoctor.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One mail transaction (RFC 5321 §3.3): the reverse path from MAIL FROM and the forward
 * paths accepted by RCPT TO so far. An immutable value; {@link #withRecipient} returns a
 * new one, so a session replaces its transaction instead of clearing fields.
 *
 * @param sender the MAIL FROM address, empty for the null reverse path {@code <>}
 * @param recipients accepted RCPT TO addresses, in order
 */
record MailTransaction(String sender, List<String> recipients) {

    MailTransaction {
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
    }

    static MailTransaction from(String sender) {
        return new MailTransaction(sender, List.of());
    }

    MailTransaction withRecipient(String recipient) {
        List<String> more = new ArrayList<>(recipients);
        more.add(recipient);
        return new MailTransaction(sender, more);
    }
}
