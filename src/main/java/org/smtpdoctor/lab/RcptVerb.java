package org.smtpdoctor.lab;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.subethamail.smtp.server.Session;

/** RCPT TO: any well-formed address is accepted ({@code 250 2.1.5 Recipient OK}), up to {@link LabContext#MAX_RECIPIENTS}. */
final class RcptVerb extends LabVerb {

    private static final Pattern TO = Pattern.compile("(?i)^TO:\\s*<([^<>\\s@]+@[^<>\\s@]+)>(.*)$");

    RcptVerb(LabContext lab) {
        super(lab, "RCPT", "Specifies the recipient.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        if (session.state() == LabSession.State.CONNECTED) {
            smtp.sendResponse(session.traced(M365Replies.SEND_HELLO_FIRST));
            return;
        }
        var transaction = session.transaction();
        if (transaction.isEmpty()) {
            smtp.sendResponse(session.traced(M365Replies.NEED_MAIL));
            return;
        }
        Matcher to = TO.matcher(argument);
        if (!to.matches()) {
            smtp.sendResponse(session.traced(M365Replies.INVALID_RECIPIENT));
            return;
        }
        if (transaction.get().recipients().size() >= LabContext.MAX_RECIPIENTS) {
            smtp.sendResponse(session.traced(M365Replies.TOO_MANY_RECIPIENTS));
            return;
        }
        session.addRecipient(to.group(1));
        smtp.sendResponse(M365Replies.RECIPIENT_OK);
    }
}
