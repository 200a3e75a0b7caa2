package org.smtpdoctor.lab;

import java.io.IOException;
import org.subethamail.smtp.server.Session;

/** RSET: abandons the transaction, keeps greeting, TLS and authentication (RFC 5321 §4.1.1.5). */
final class RsetVerb extends LabVerb {

    RsetVerb(LabContext lab) {
        super(lab, "RSET", "Resets the transaction.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        session.endTransaction();
        smtp.sendResponse(M365Replies.RESETTING);
    }
}
