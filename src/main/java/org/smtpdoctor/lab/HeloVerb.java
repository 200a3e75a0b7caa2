package org.smtpdoctor.lab;

import java.io.IOException;
import org.subethamail.smtp.server.Session;

/** HELO: the RFC 821 greeting, {@code 250 <host> Hello [<ip>]}, no extensions. */
final class HeloVerb extends LabVerb {

    HeloVerb(LabContext lab) {
        super(lab, "HELO", "Introduce yourself.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        if (argument.isEmpty()) {
            smtp.sendResponse(session.traced(M365Replies.INVALID_DOMAIN));
            return;
        }
        session.greet();
        smtp.sendResponse("250 " + M365Replies.ehloGreeting(session.clientIp()));
    }
}
