package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.relay.config.DeviceRule;
import org.subethamail.smtp.server.Session;

/**
 * MAIL, RCPT, RSET and QUIT. Paths are read by {@link MailPath}: leniently for devices
 * ({@code MAIL FROM: <a@b>}, {@code MAIL FROM:a@b}), and with quoted local parts
 * ({@code <"x y"@b>}) as RFC 5321 §4.1.2 allows, kept as received. ESMTP parameters other
 * than SIZE are accepted and ignored.
 * <p>
 * Policy: a device's sender is checked at MAIL; a client that is no device is refused at
 * each RCPT, with {@code 530 5.7.0} when a device account could log in from its address
 * and {@code 550 5.7.1 Relaying denied} when nothing could make it a device.
 */
final class EnvelopeVerbs {

    static final int MAX_RECIPIENTS = 500; // Exchange Online's per-message default
    private static final Pattern SIZE = Pattern.compile("(?i)(?:^|\\s)SIZE=(\\d{1,18})(?:\\s|$)");

    private EnvelopeVerbs() {
    }

    static final class Mail extends RelayVerb {
        Mail(DeviceListener listener) {
            super(listener, "MAIL", "Specifies the sender.");
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            if (session.transaction().isPresent()) {
                refuse(smtp, session, RelayReplies.SENDER_ALREADY, "command.refused", "command", "MAIL", "reason", "a transaction is open");
                return;
            }
            Optional<MailPath.Parsed> path = MailPath.reversePath(argument);
            if (path.isEmpty()) {
                refuse(smtp, session, RelayReplies.SENDER_SYNTAX, "sender.refused", "argument", argument, "reason", "not a reverse-path");
                return;
            }
            Optional<String> sender = Optional.of(path.get().address());
            Matcher size = SIZE.matcher(path.get().parameters());
            if (size.find() && Long.parseLong(size.group(1)) > listener.config().maxMessageBytes()) {
                refuse(smtp, session, RelayReplies.MESSAGE_TOO_BIG, "message.refused", "sender", sender.get(), "phase", "mail",
                        "size", size.group(1), "reason", "too big");
                return;
            }
            Optional<String> noRoom = listener.sink().refusal();
            if (noRoom.isPresent()) {
                // Said at MAIL, before the device sends its content (452 is a reply to MAIL: RFC 5321 §4.3.2; 4.3.1: RFC 3463).
                refuse(smtp, session, RelayReplies.SPOOL_FULL, "message.refused", "sender", sender.get(), "phase", "mail",
                        "reason", "spool low", "detail", noRoom.get());
                return;
            }
            Optional<DeviceRule> device = session.device();
            if (device.isPresent() && !DevicePolicy.senderAllowed(device.get(), sender.get())) {
                listener.observer().refused(listener.peer(session), Optional.of(device.get().name()), "sender.denied",
                        "sender " + sender.get() + " is not one this device may use");
                refuse(smtp, session, RelayReplies.SENDER_DENIED, "sender.denied", "sender", sender.get());
                return;
            }
            session.begin(sender.get());
            smtp.sendResponse(RelayReplies.SENDER_OK);
        }
    }

    static final class Rcpt extends RelayVerb {
        Rcpt(DeviceListener listener) {
            super(listener, "RCPT", "Specifies a recipient.");
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            Optional<MailTransaction> transaction = session.transaction();
            if (transaction.isEmpty()) {
                refuse(smtp, session, RelayReplies.NEED_MAIL, "command.refused", "command", "RCPT", "argument", argument,
                        "reason", "no MAIL first");
                return;
            }
            Optional<String> recipient = MailPath.forwardPath(argument).map(MailPath.Parsed::address).filter(r -> !r.isEmpty());
            if (recipient.isEmpty()) {
                refuse(smtp, session, RelayReplies.RECIPIENT_SYNTAX, "recipient.refused", "sender", transaction.get().sender(),
                        "argument", argument, "reason", "not a forward-path");
                return;
            }
            if (transaction.get().recipients().size() >= MAX_RECIPIENTS) {
                refuse(smtp, session, RelayReplies.TOO_MANY_RECIPIENTS, "recipient.refused", "sender", transaction.get().sender(),
                        "recipient", recipient.get(), "reason", "more than " + MAX_RECIPIENTS + " recipients");
                return;
            }
            Optional<DevicePolicy.Refusal> refusal = listener.policy().recipient(session.device(), session.client(), recipient.get());
            if (refusal.isPresent()) {
                session.replace(transaction.get().withRefusal());
                listener.observer().refused(listener.peer(session), session.device().map(DeviceRule::name), "relay.denied",
                        refusal.get().name().toLowerCase(java.util.Locale.ROOT) + ": " + recipient.get());
                refuse(smtp, session, switch (refusal.get()) {
                    case NOT_A_DEVICE_AUTH_POSSIBLE -> RelayReplies.AUTH_REQUIRED;
                    case NOT_A_DEVICE -> RelayReplies.RELAY_DENIED;
                    case DOMAIN_NOT_ALLOWED -> RelayReplies.RECIPIENT_DOMAIN_DENIED;
                    case SENDER_ROUTING -> RelayReplies.SENDER_ROUTING_DENIED;
                }, "relay.denied", "user", session.authUser().orElse(null), "sender", transaction.get().sender(),
                        "recipient", recipient.get(), "reason", refusal.get().name().toLowerCase(java.util.Locale.ROOT));
                return;
            }
            session.replace(transaction.get().withRecipient(recipient.get()));
            smtp.sendResponse(RelayReplies.RECIPIENT_OK);
        }
    }

    static final class Rset extends RelayVerb {
        Rset(DeviceListener listener) {
            super(listener, "RSET", "Resets the transaction.");
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            session.endTransaction();
            smtp.sendResponse(RelayReplies.OK);
        }
    }

    static final class Quit extends RelayVerb {
        Quit(DeviceListener listener) {
            super(listener, "QUIT", "Closes the connection.");
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            smtp.sendResponse(RelayReplies.BYE);
            smtp.quit();
        }
    }
}
