package org.smtpdoctor.relay.device;

import java.util.ArrayList;
import java.util.List;

/**
 * A mail transaction between MAIL and the end of DATA: replaced, never changed in place.
 *
 * @param sender the reverse-path as given ("" for the null sender)
 * @param recipients the accepted forward-paths, in order
 * @param refusedRecipients how many RCPTs were refused (for the log)
 */
record MailTransaction(String sender, List<String> recipients, int refusedRecipients) {

    MailTransaction {
        recipients = List.copyOf(recipients);
    }

    static MailTransaction from(String sender) {
        return new MailTransaction(sender, List.of(), 0);
    }

    MailTransaction withRecipient(String recipient) {
        List<String> r = new ArrayList<>(recipients);
        r.add(recipient);
        return new MailTransaction(sender, r, refusedRecipients);
    }

    MailTransaction withRefusal() {
        return new MailTransaction(sender, recipients, refusedRecipients + 1);
    }
}
