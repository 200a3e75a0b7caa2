package org.smtpdoctor.lab;

import java.io.IOException;
import java.util.List;
import org.subethamail.smtp.server.Session;

/**
 * EHLO: greets and lists Exchange Online's extensions; STARTTLS before TLS, {@code AUTH
 * LOGIN XOAUTH2} after it ({@link M365Replies#EHLO_KEYWORDS_PLAIN},
 * {@link M365Replies#EHLO_KEYWORDS_TLS}). Abandons any open transaction.
 */
final class EhloVerb extends LabVerb {

    EhloVerb(LabContext lab) {
        super(lab, "EHLO", "Introduce yourself.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        if (argument.isEmpty()) {
            smtp.sendResponse(session.traced(M365Replies.INVALID_DOMAIN));
            return;
        }
        session.greet();
        List<String> keywords = session.isTls() ? M365Replies.EHLO_KEYWORDS_TLS : M365Replies.EHLO_KEYWORDS_PLAIN;
        StringBuilder reply = new StringBuilder("250-").append(M365Replies.ehloGreeting(session.clientIp()));
        for (int i = 0; i < keywords.size(); i++) {
            reply.append("\r\n250").append(i == keywords.size() - 1 ? ' ' : '-').append(keywords.get(i));
        }
        smtp.sendResponse(reply.toString());
    }
}
