package org.smtpdoctor.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;
import org.subethamail.smtp.server.Session;

/**
 * DATA: {@code 354 Start mail input; end with <CRLF>.<CRLF>}, reads the message up to
 * the lone "." (dot-unstuffed, RFC 5321 §4.5.2), then lets {@link LabContext#submit}
 * judge it. This is where Exchange Online refuses Send As violations and throttled
 * submissions.
 */
final class DataVerb extends LabVerb {

    DataVerb(LabContext lab) {
        super(lab, "DATA", "Following text is collected as the message.");
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
        if (transaction.get().recipients().isEmpty()) {
            smtp.sendResponse(session.traced(M365Replies.NEED_RCPT));
            return;
        }
        smtp.sendResponse(M365Replies.START_MAIL_INPUT);
        InputStream message = new DotUnstuffingInputStream(new DotTerminatedInputStream(smtp.getRawInput()));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean oversized = copyBounded(message, kept, LabContext.MAX_MESSAGE_BYTES);
        smtp.sendResponse(lab.submit(session, kept.toByteArray(), oversized));
    }

    /** Reads {@code in} to its end, keeping at most {@code limit} bytes; true if more came. */
    static boolean copyBounded(InputStream in, ByteArrayOutputStream out, int limit) throws IOException {
        byte[] buffer = new byte[8192];
        boolean oversized = false;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            int room = limit - out.size();
            if (n > room) {
                oversized = true;
                n = Math.max(room, 0);
            }
            out.write(buffer, 0, n);
        }
        return oversized;
    }
}
