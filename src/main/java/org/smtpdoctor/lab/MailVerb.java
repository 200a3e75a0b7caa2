package org.smtpdoctor.lab;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.subethamail.smtp.server.Session;

/**
 * MAIL FROM: refused with {@code 451 5.7.3 STARTTLS is required to send mail} before
 * TLS and {@code 530 5.7.57 Client not authenticated to send mail.} before AUTH, as
 * Exchange Online does; otherwise opens the transaction with {@code 250 2.1.0 Sender OK}.
 * Exchange Online does not check Send As rights here but after DATA
 * ({@link SubmissionPolicy#endOfData}).
 */
final class MailVerb extends LabVerb {

    /** {@code FROM:<addr>} with optional space and ESMTP parameters (RFC 5321 §4.1.1.2). */
    private static final Pattern FROM = Pattern.compile("(?i)^FROM:\\s*<([^<>\\s]*)>(.*)$");
    private static final Pattern SIZE = Pattern.compile("(?i)(?:^|\\s)SIZE=(\\d{1,18})(?:\\s|$)");

    MailVerb(LabContext lab) {
        super(lab, "MAIL", "Specifies the sender.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        if (session.state() == LabSession.State.CONNECTED) {
            smtp.sendResponse(session.traced(M365Replies.SEND_HELLO_FIRST));
            return;
        }
        if (!session.isTls()) {
            smtp.sendResponse(session.traced(M365Replies.STARTTLS_REQUIRED));
            return;
        }
        if (session.state() != LabSession.State.AUTHENTICATED) {
            smtp.sendResponse(session.traced(M365Replies.CLIENT_NOT_AUTHENTICATED));
            return;
        }
        if (session.transaction().isPresent()) {
            smtp.sendResponse(session.traced(M365Replies.SENDER_ALREADY_SPECIFIED));
            return;
        }
        Matcher from = FROM.matcher(argument);
        if (!from.matches() || !isReversePath(from.group(1))) {
            smtp.sendResponse(session.traced(M365Replies.INVALID_SENDER));
            return;
        }
        Matcher size = SIZE.matcher(from.group(2));
        if (size.find() && Long.parseLong(size.group(1)) > M365Replies.ADVERTISED_SIZE) {
            smtp.sendResponse(session.traced(M365Replies.MESSAGE_TOO_BIG));
            return;
        }
        session.beginTransaction(from.group(1));
        smtp.sendResponse(M365Replies.SENDER_OK);
    }

    /** Empty (the null reverse path) or a plausible addr-spec. */
    private static boolean isReversePath(String address) {
        return address.isEmpty() || address.matches("[^@]+@[^@]+");
    }
}
