package org.smtpdoctor.lab;

import java.io.IOException;
import org.subethamail.smtp.server.Session;

/** NOOP: {@code 250 2.0.0 OK}. */
final class NoopVerb extends LabVerb {

    NoopVerb(LabContext lab) {
        super(lab, "NOOP", "Does nothing.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        smtp.sendResponse(M365Replies.NOOP_OK);
    }
}
