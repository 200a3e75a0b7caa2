package org.smtpdoctor.relay.deliver;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;

/**
 * A delivery status notification (RFC 3464) for the failed recipients of a message: a
 * {@code multipart/report; report-type=delivery-status} (RFC 6522) with a text part for people,
 * the {@code message/delivery-status} part (Reporting-MTA, Arrival-Date, then per recipient
 * Final-Recipient, Action: failed, Status, Remote-MTA, Diagnostic-Code, Last-Attempt-Date),
 * and the original message's header section ({@code text/rfc822-headers}). It goes with the
 * null reverse-path (RFC 5321 section 4.5.5), is marked {@code Auto-Submitted: auto-replied}
 * (RFC 3834), and is never made for a message that itself had the null sender (which covers
 * every DSN). Pure and thread-safe.
 */
public final class Dsn {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Pattern REPLY = Pattern.compile("^([2-5])(\\d\\d)(?:[ -]+([245]\\.\\d{1,3}\\.\\d{1,3}))?");
    /** An answer known by its RFC 3463 code alone: the relay's own refusals for an HTTP upstream ("5.3.4 ..."). */
    private static final Pattern ENHANCED = Pattern.compile("^([45]\\.\\d{1,3}\\.\\d{1,3}) ");
    /** An HTTP upstream's answer as the spool keeps it: "Graph HTTP 403 ErrorSendAsDenied: ...". */
    private static final Pattern HTTP = Pattern.compile("^(?:Graph )?HTTP ([1-5]\\d\\d)\\b");
    private static final int MAX_LINE = 900;

    private Dsn() {
    }

    /**
     * The status for a recipient's last reply: its enhanced code when there is one; else
     * {@code X.0.0} from the reply's class; for a recipient given up after temporary failures
     * without any code, 4.4.7 (RFC 3463: delivery time expired).
     */
    static String status(String lastReply) {
        Matcher m = REPLY.matcher(lastReply);
        if (m.find()) {
            return m.group(3) != null ? m.group(3) : m.group(1) + ".0.0";
        }
        Matcher e = ENHANCED.matcher(lastReply);
        if (e.find()) {
            return e.group(1);
        }
        Matcher h = HTTP.matcher(lastReply);
        if (h.find()) {
            return httpStatus(Integer.parseInt(h.group(1)));
        }
        return "4.4.7";
    }

    /**
     * An HTTP upstream's refusal (Microsoft Graph) in RFC 3463 terms: 401/403 are a security or
     * policy refusal (5.7.1), 404 a mailbox that does not exist (5.1.1), 413 too large (5.3.4),
     * other 4xx a message the service could not take (5.6.0: the message's content); 429 and 5xx
     * a recipient given up after temporary failures (4.4.7).
     */
    static String httpStatus(int status) {
        return switch (status) {
            case 401, 403 -> "5.7.1";
            case 404 -> "5.1.1";
            case 413 -> "5.3.4";
            default -> status >= 400 && status < 500 && status != 408 && status != 429 ? "5.6.0" : "4.4.7";
        };
    }

    /** RFC 3464 section 2.3.6: "smtp" for an SMTP reply; otherwise our own X- type. */
    static String diagnostic(String lastReply) {
        String text = clean(lastReply);
        // RFC 3464 section 2.3.6: the type says what the code is; Graph's answers are HTTP ones.
        return REPLY.matcher(text).find() ? "smtp; " + text : HTTP.matcher(text).find() ? "X-http; " + text : "X-smtp-doctor; " + text;
    }

    /**
     * The DSN's content (CRLF line ends).
     *
     * @param from           the From address (the upstream mailbox when the upstream checks Send As)
     * @param to             who gets it
     * @param reportingMta   this relay's host name
     * @param remoteMta      the upstream host that said no, when known
     * @param headers        the original message's header section
     */
    public static byte[] build(QueuedMessage message, List<RecipientState> failed, String from, String to,
                               String reportingMta, Optional<String> remoteMta, byte[] headers, Instant now) {
        String boundary = message.id() + "/" + reportingMta;
        StringBuilder s = new StringBuilder();
        s.append("From: Mail Delivery System <").append(from).append(">\r\n");
        s.append("To: <").append(to).append(">\r\n");
        s.append("Subject: Undelivered Mail Returned to Sender\r\n");
        s.append("Date: ").append(DATE.format(now)).append("\r\n");
        s.append("Message-ID: <").append(message.id()).append(".dsn@").append(reportingMta).append(">\r\n");
        s.append("Auto-Submitted: auto-replied\r\n");
        s.append("MIME-Version: 1.0\r\n");
        s.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        s.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n");

        s.append("--").append(boundary).append("\r\n");
        s.append("Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        s.append("This is the smtp-doctor relay at ").append(reportingMta).append(".\r\n\r\n");
        s.append("Your message (queue id ").append(message.id()).append(", received ")
                .append(DATE.format(message.envelope().receivedAt())).append(")\r\n");
        s.append("could not be delivered to the following recipient(s).\r\n\r\n");
        for (RecipientState r : failed) {
            String st = status(r.lastReply().orElse(""));
            s.append("<").append(r.recipient()).append(">: ")
                    .append(st.startsWith("4") ? "gave up after temporary failures; last reply: " : "")
                    .append(clean(r.lastReply().orElse("no reply"))).append("\r\n");
        }
        s.append("\r\n");

        s.append("--").append(boundary).append("\r\n");
        s.append("Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n");
        s.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        s.append("X-Smtp-Doctor-Queue-ID: ").append(message.id()).append("\r\n");
        s.append("Arrival-Date: ").append(DATE.format(message.envelope().receivedAt())).append("\r\n");
        for (RecipientState r : failed) {
            String last = r.lastReply().orElse("no reply");
            s.append("\r\n");
            s.append("Final-Recipient: rfc822; ").append(r.recipient()).append("\r\n");
            s.append("Action: failed\r\n");
            s.append("Status: ").append(status(last)).append("\r\n");
            remoteMta.ifPresent(h -> s.append("Remote-MTA: dns; ").append(h).append("\r\n"));
            s.append("Diagnostic-Code: ").append(diagnostic(last)).append("\r\n");
            r.updated().ifPresent(t -> s.append("Last-Attempt-Date: ").append(DATE.format(t)).append("\r\n"));
        }
        s.append("\r\n");

        s.append("--").append(boundary).append("\r\n");
        s.append("Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(s.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(headers);
        if (headers.length > 0 && headers[headers.length - 1] != '\n') {
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The header section of a message: everything up to the first empty line (at most 64 KB), without that line. */
    static byte[] headerSection(byte[] head) {
        int limit = Math.min(head.length, 64 * 1024);
        for (int i = 0; i + 1 < limit; i++) {
            if (head[i] == '\n' && (head[i + 1] == '\n' || head[i + 1] == '\r' && i + 2 < head.length && head[i + 2] == '\n')) {
                return java.util.Arrays.copyOf(head, i + 1);
            }
        }
        return java.util.Arrays.copyOf(head, limit);
    }

    /** Printable ASCII on one line, bounded (a DSN field must not carry a server's raw bytes or CRLF). */
    private static String clean(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? c : ' ');
        }
        String out = b.toString().strip();
        return out.length() > MAX_LINE ? out.substring(0, MAX_LINE) + "..." : out;
    }
}
