package org.smtpdoctor.lab;

import java.io.IOException;
import org.subethamail.smtp.server.Session;

/**
 * A verb SubEthaSMTP knows but Exchange Online does not offer (VRFY, EXPN): answered
 * {@code 500 5.3.3 Unrecognized command '<VERB>'} like any unknown command.
 */
final class UnrecognizedVerb extends LabVerb {

    UnrecognizedVerb(LabContext lab, String verb) {
        super(lab, verb, "Not supported.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        smtp.sendResponse(session.traced(M365Replies.unrecognized(getName())));
    }
}
