package org.smtpdoctor.relay.device;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.SpoolFullException;
import org.subethamail.smtp.server.Session;

/**
 * DATA: {@code 354}, then the content up to the lone "." line (line ends already CRLF, see
 * {@link DeviceInputStream}; dot-stuffing removed, RFC 5321 §4.5.2), then
 * {@link MessagePreparer}, then {@link org.smtpdoctor.relay.spool.MessageSink#accept}, and
 * only when that has returned {@code 250 2.0.0 OK queued as ID}. A spool without room gives
 * {@code 452 4.3.1}, any other storage failure {@code 451 4.3.0}.
 * <p>
 * A message whose final "." did not arrive (the device closed the connection, or went
 * silent past the idle timeout) never reaches the sink. One whose "." did arrive is
 * accepted even if the device leaves before reading the 250 (QUIT sent early, or a close),
 * and also when the relay starts shutting down meanwhile (the 250, then the 421).
 * Replaces SubEthaSMTP's DATA, which ends only at CRLF.CRLF and hands a stream to a
 * message handler before the end is known.
 */
final class DataVerb extends RelayVerb {

    /** Why a message was not stored when the relay's shutdown cut its DATA (the device was told 421). */
    private static final String SHUTDOWN = "the relay is shutting down: 421 4.3.2 before the final '.'";

    DataVerb(DeviceListener listener) {
        super(listener, "DATA", "Following text is collected as the message.");
    }

    @Override
    void handle(String argument, Session smtp, DeviceSession session) throws IOException {
        Optional<MailTransaction> open = session.transaction();
        if (open.isEmpty()) {
            refuse(smtp, session, RelayReplies.NEED_MAIL, "command.refused", "command", "DATA", "reason", "no MAIL first");
            return;
        }
        MailTransaction transaction = open.get();
        if (transaction.recipients().isEmpty()) {
            boolean refused = transaction.refusedRecipients() > 0;
            refuse(smtp, session, refused ? RelayReplies.NO_VALID_RECIPIENTS : RelayReplies.NEED_RCPT, "command.refused",
                    "command", "DATA", "sender", transaction.sender(), "reason", refused ? "every recipient was refused" : "no RCPT first");
            return;
        }
        smtp.sendResponse(RelayReplies.START_MAIL_INPUT);
        session.endTransaction();
        DeviceInputStream device = ((DeviceSocket) smtp.getSocket()).deviceInput();
        try (MessageBuffer content = new MessageBuffer()) {
            boolean complete;
            if (session.awaiting(DeviceSession.Phase.DATA)) {
                // The relay began stopping between the 354 and here: the device hears 421 now rather than after an idle timeout.
                incomplete(session, transaction, content, SHUTDOWN);
                listener.sayShutdown(smtp, session);
                smtp.quit();
                return;
            }
            try {
                device.content(true);
                complete = read(smtp.getRawInput(), content, listener.config().maxMessageBytes());
            } catch (SocketTimeoutException e) {
                incomplete(session, transaction, content, e instanceof DeviceInputStream.TooSlow
                        ? "too slow: " + e.getMessage() : "idle timeout before the final '.'");
                throw e;
            } catch (IOException e) {
                incomplete(session, transaction, content, session.toldShutdown() ? SHUTDOWN
                        : "connection broken before the final '.': " + e.getMessage());
                smtp.quit();
                return;
            } finally {
                device.content(false);
            }
            if (!complete) {
                incomplete(session, transaction, content, session.toldShutdown() ? SHUTDOWN : "connection closed before the final '.'");
                smtp.quit();
                return;
            }
            if (!session.commit()) {
                // The shutdown answered 421 just before the "." was read: the device takes the
                // message as refused and sends it again, so storing it would deliver it twice.
                incomplete(session, transaction, content, SHUTDOWN);
                smtp.quit();
                return;
            }
            smtp.sendResponse(finish(session, transaction, content));
        }
    }

    static final int LINE_BUFFER = 2048;

    /**
     * Copies the content to {@code out} up to the "." line, keeping at most {@code max}
     * bytes (the rest is read and dropped, and {@code out} is then larger than {@code max}
     * by its size only).
     *
     * @return false if the stream ended before the "." line
     */
    static boolean read(InputStream in, MessageBuffer out, long max) throws IOException {
        // DeviceInputStream hands out at most one line per read, and a longer line passes in pieces:
        // 2 KB each hold a base64 or header line whole (allocated per message: bench/RESULTS.md).
        byte[] chunk = new byte[LINE_BUFFER];
        byte[] line = new byte[LINE_BUFFER];
        int length = 0;
        boolean lineStart = true;
        long seen = 0;
        while (true) {
            int n = in.read(chunk);
            if (n < 0) {
                return false;
            }
            for (int i = 0; i < n; ) {
                // up to and including the next LF, as much as the line buffer takes: one copy
                int end = i;
                int most = Math.min(n, i + line.length - length);
                while (end < most && chunk[end] != '\n') {
                    end++;
                }
                boolean endOfLine = end < most;
                if (endOfLine) {
                    end++;
                }
                System.arraycopy(chunk, i, line, length, end - i);
                length += end - i;
                i = end;
                if (!endOfLine && length < line.length) {
                    continue;
                }
                if (endOfLine && lineStart && length == 3 && line[0] == '.') {
                    if (seen > max) {
                        out.markOversized(seen);
                    }
                    return true; // nothing after the "." line was read: DeviceInputStream hands out one line per read
                }
                int offset = lineStart && line[0] == '.' ? 1 : 0;
                seen += length - offset;
                if (seen <= max) {
                    out.write(line, offset, length - offset);
                }
                length = 0;
                lineStart = endOfLine;
            }
        }
    }

    private String finish(DeviceSession session, MailTransaction transaction, MessageBuffer content) throws IOException {
        DeviceRule device = session.device().orElseThrow(); // RCPT accepted someone: it is a device
        if (content.oversized()) {
            refused(session, device, "too big: " + content.declaredSize() + " bytes");
            return logRefusal(session, RelayReplies.MESSAGE_TOO_BIG, "message.refused", "sender", transaction.sender(),
                    "size", content.declaredSize(), "reason", "too big");
        }
        Instant now = Instant.now();
        MessagePreparer.Headers headers = MessagePreparer.headers(content.headBuffer(), content.headLength());
        if (headers.truncated(content.headLength())) {
            refused(session, device, "header section too big");
            return logRefusal(session, RelayReplies.HEADER_TOO_BIG, "message.refused", "sender", transaction.sender(),
                    "reason", "header section too big");
        }
        Optional<OriginatorCheck.Refusal> refusal = OriginatorCheck.refusal(headers, device);
        if (refusal.isPresent()) {
            refused(session, device, refusal.get().reason());
            return logRefusal(session, refusal.get().reply(), "message.refused", "sender", transaction.sender(),
                    "from", refusal.get().address().orElse(null), "reason", refusal.get().reason());
        }
        MessagePreparer.Prepared prepared = listener.preparer().prepare(headers, device.rewriteFrom(), now.atZone(ZoneId.systemDefault()));
        Optional<String> fromAddress = prepared.originalFrom().flatMap(MessagePreparer::address);
        String sender = device.rewriteFrom().orElse(transaction.sender());
        Envelope envelope = new Envelope(device.name(), session.clientIp(), session.helo(), session.authUser(), sender,
                transaction.recipients(), now,
                Optional.of(new Envelope.Session(session.esmtp(), Optional.ofNullable(session.tlsProtocol()))));
        String queueId;
        try (InputStream message = new SequenceInputStream(new ByteArrayInputStream(prepared.header()),
                content.from(Math.min(prepared.bodyOffset(), content.headLength())))) {
            queueId = listener.sink().accept(envelope, message);
        } catch (SpoolFullException e) {
            refused(session, device, "spool full: " + e.getMessage());
            return logRefusal(session, RelayReplies.SPOOL_FULL, "message.refused", "sender", sender, "reason", "spool full",
                    "detail", e.getMessage());
        } catch (IOException e) {
            refused(session, device, "storage failed: " + e.getMessage());
            return logRefusal(session, RelayReplies.STORAGE_FAILED, "message.refused", "sender", sender, "reason", "storage failed",
                    "detail", e.getMessage());
        }
        RelayEvents.info("message.queued", "listener", listener.name(), "session", session.id(), "queue_id", queueId,
                "client", session.clientIp(), "device", device.name(), "user", session.authUser().orElse(null),
                "sender", sender, "original_from", device.rewriteFrom().isPresent() ? fromAddress.orElse("") : null,
                "recipients", transaction.recipients(), "size", content.size());
        listener.observer().queued(listener.peer(session), queueId, envelope, content.size());
        return RelayReplies.queued(queueId);
    }

    private void incomplete(DeviceSession session, MailTransaction transaction, MessageBuffer content, String reason) {
        RelayEvents.warn("message.incomplete", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                "device", session.device().map(DeviceRule::name).orElse(null), "sender", transaction.sender(),
                "received_bytes", content.size(), "reason", reason);
        listener.observer().refused(listener.peer(session), session.device().map(DeviceRule::name), "message.incomplete", reason);
    }

    private void refused(DeviceSession session, DeviceRule device, String reason) {
        listener.observer().refused(listener.peer(session), Optional.of(device.name()), "message.refused", reason);
    }
}
