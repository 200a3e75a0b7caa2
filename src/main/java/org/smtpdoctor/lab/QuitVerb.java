package org.smtpdoctor.lab;

import java.io.IOException;
import org.subethamail.smtp.server.Session;

/** QUIT: {@code 221 2.0.0 Service closing transmission channel}, then the server closes. */
final class QuitVerb extends LabVerb {

    QuitVerb(LabContext lab) {
        super(lab, "QUIT", "Closes the connection.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        smtp.sendResponse(M365Replies.CLOSING);
        smtp.quit();
    }
}
