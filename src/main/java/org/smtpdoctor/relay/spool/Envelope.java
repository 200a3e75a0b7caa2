package org.smtpdoctor.relay.spool;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who handed the relay a message and where it goes: what the spool keeps beside the content.
 *
 * @param device       the device as the policy named it (a device account or the rule that
 *                     allowed its address), for logs and queue listings
 * @param clientAddress the device's IP address
 * @param heloName     what it said in HELO/EHLO, empty when it said nothing
 * @param authUser     the device account it authenticated as, if any (never a password)
 * @param sender       the reverse-path, empty for the null sender {@code <>}
 * @param recipients   the forward-paths, at least one, in the order given
 * @param receivedAt   when the final "." arrived
 */
public record Envelope(String device, String clientAddress, String heloName, Optional<String> authUser,
                       String sender, List<String> recipients, Instant receivedAt) {

    public Envelope {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        recipients = List.copyOf(recipients);
    }
}
