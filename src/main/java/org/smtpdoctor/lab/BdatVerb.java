package org.smtpdoctor.lab;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.subethamail.smtp.server.Session;

/**
 * BDAT (RFC 3030 CHUNKING, advertised by Exchange Online): reads exactly the announced
 * number of bytes, always, even when the command is refused (RFC 3030 §2); {@code LAST}
 * submits the assembled message like DATA does.
 */
final class BdatVerb extends LabVerb {

    private static final Pattern ARGS = Pattern.compile("(?i)^(\\d{1,18})(\\s+LAST)?$");

    BdatVerb(LabContext lab) {
        super(lab, "BDAT", "Sends a chunk of the message.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        Matcher args = ARGS.matcher(argument);
        if (!args.matches()) {
            // without a size the chunk cannot be skipped: the stream is lost, close it
            smtp.sendResponse(session.traced(M365Replies.INVALID_ARGUMENTS));
            smtp.quit();
            return;
        }
        long size = Long.parseLong(args.group(1));
        boolean last = args.group(2) != null;
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        boolean overflowed = readChunk(smtp.getRawInput(), size, chunk, LabContext.MAX_MESSAGE_BYTES);

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
        session.appendChunk(chunk.toByteArray(), overflowed, LabContext.MAX_MESSAGE_BYTES);
        if (!last) {
            smtp.sendResponse(M365Replies.chunkReceived(size));
            return;
        }
        smtp.sendResponse(lab.submit(session, session.chunkedMessage(), session.chunksOverflowed()));
    }

    /** Reads exactly {@code size} bytes, keeping at most {@code limit}; true if some were dropped. */
    private static boolean readChunk(InputStream in, long size, ByteArrayOutputStream out, int limit)
            throws IOException {
        byte[] buffer = new byte[8192];
        long remaining = size;
        boolean overflowed = false;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new EOFException("connection closed inside a BDAT chunk");
            }
            remaining -= n;
            int keep = Math.min(n, limit - out.size());
            if (keep < n) {
                overflowed = true;
            }
            out.write(buffer, 0, Math.max(keep, 0));
        }
        return overflowed;
    }
}
