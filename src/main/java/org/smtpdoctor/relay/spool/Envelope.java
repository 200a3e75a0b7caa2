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
 * @param session      how the device's session ran (EHLO, TLS), for the Received line; empty
 *                     for messages spooled before these facts were kept
 */
public record Envelope(String device, String clientAddress, String heloName, Optional<String> authUser,
                       String sender, List<String> recipients, Instant receivedAt, Optional<Session> session) {

    /**
     * The facts of the device's session that RFC 3848 names in a Received line's "with" clause.
     *
     * @param esmtp the device greeted with EHLO (not HELO, or nothing)
     * @param tls   the TLS version the session ran under (STARTTLS or implicit), empty for plain text
     */
    public record Session(boolean esmtp, Optional<String> tls) {}

    public Envelope {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        recipients = List.copyOf(recipients);
    }

    /** An envelope without session facts (the relay's own messages, tests). */
    public Envelope(String device, String clientAddress, String heloName, Optional<String> authUser,
                    String sender, List<String> recipients, Instant receivedAt) {
        this(device, clientAddress, heloName, authUser, sender, recipients, receivedAt, Optional.empty());
    }

    /**
     * The protocol for the Received line's "with" clause (RFC 3848): ESMTP after EHLO, with S
     * under TLS and A after AUTH (ESMTPS, ESMTPA, ESMTPSA); SMTP after HELO or no greeting, and
     * for envelopes that do not know how their session ran (spooled by an older relay).
     */
    public String protocol() {
        if (session.isEmpty()) {
            return "SMTP";
        }
        boolean tls = session.get().tls().isPresent();
        boolean auth = authUser.isPresent();
        // STARTTLS and AUTH exist only in ESMTP; implicit TLS after a HELO is still reported as ESMTPS (RFC 8314 section 4.3).
        if (!session.get().esmtp() && !tls && !auth) {
            return "SMTP";
        }
        return "ESMTP" + (tls ? "S" : "") + (auth ? "A" : "");
    }
}
