package org.smtpdoctor.relay.device;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.smtpdoctor.relay.config.DeviceRule;

/**
 * Whether a device's message may go out with the originator fields it carries (RFC 5322
 * §3.6.2: From, Sender; §3.6.6: Resent-From, Resent-Sender).
 * <p>
 * For every device: at most one From and one Sender field (RFC 5322 §3.6 allows no more,
 * and a second From is how a sender restriction would be slipped past, since mail programs
 * show either one). For a device limited to {@code senders}: each of those fields must
 * parse as an address list (Jakarta Mail's strict RFC 822 parser, so comments, quoted
 * strings and groups are read as a mail program reads them), hold only mailboxes (no
 * group), and every mailbox must be one the device may use; a From with several mailboxes
 * needs a Sender (RFC 5322 §3.6.2). A device with {@code rewrite-from} gets its From
 * replaced, so only the count is checked. Pure and thread-safe.
 */
final class OriginatorCheck {

    /** Why a message is refused: what the device is told, and the reason for the log. */
    record Refusal(String reply, String reason, Optional<String> address) {}

    private static final List<String> ORIGINATOR_FIELDS = List.of("From", "Sender", "Resent-From", "Resent-Sender");

    private OriginatorCheck() {
    }

    static Optional<Refusal> refusal(MessagePreparer.Headers headers, DeviceRule device) {
        if (headers.values("From").size() > 1) {
            return Optional.of(new Refusal(RelayReplies.MULTIPLE_FROM, "more than one From header", Optional.empty()));
        }
        if (headers.values("Sender").size() > 1) {
            return Optional.of(new Refusal(RelayReplies.MULTIPLE_SENDER, "more than one Sender header", Optional.empty()));
        }
        if (device.senders().isEmpty() || device.rewriteFrom().isPresent()) {
            return Optional.empty();
        }
        for (String field : ORIGINATOR_FIELDS) {
            for (String value : headers.values(field)) {
                List<String> mailboxes;
                try {
                    mailboxes = mailboxes(value);
                } catch (AddressException e) {
                    return Optional.of(new Refusal(RelayReplies.FROM_HEADER_UNREADABLE, field + " header not understood", Optional.empty()));
                }
                if (mailboxes.isEmpty()) {
                    return Optional.of(new Refusal(RelayReplies.FROM_HEADER_UNREADABLE, field + " header without a mailbox", Optional.empty()));
                }
                for (String mailbox : mailboxes) {
                    if (!DevicePolicy.senderAllowed(device, mailbox)) {
                        return Optional.of(new Refusal(RelayReplies.FROM_HEADER_DENIED, field.toLowerCase(Locale.ROOT) + " not allowed",
                                Optional.of(mailbox)));
                    }
                }
                if (field.equals("From") && mailboxes.size() > 1 && headers.values("Sender").isEmpty()) {
                    return Optional.of(new Refusal(RelayReplies.FROM_WITHOUT_SENDER, "several From mailboxes and no Sender", Optional.empty()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The mailboxes of an address list, lower-cased, a source route dropped
     * ({@code <@relay:a@b>} is {@code a@b}, RFC 5322 §4.4).
     *
     * @throws AddressException when the list does not parse, or holds a group (no mailbox
     *         a policy could check, and RFC 5322 §3.6.2 allows none in From or Sender)
     */
    static List<String> mailboxes(String value) throws AddressException {
        List<String> out = new ArrayList<>();
        for (InternetAddress a : InternetAddress.parseHeader(value, true)) {
            if (a.isGroup()) {
                throw new AddressException("a group", value);
            }
            String address = a.getAddress();
            int colon = address.startsWith("@") ? address.indexOf(':') : -1;
            out.add((colon < 0 ? address : address.substring(colon + 1)).toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
