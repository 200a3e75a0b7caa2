package org.smtpdoctor.relay.device;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.smtpdoctor.relay.spool.RandomValues;

/**
 * Makes a device's message fit to go upstream, touching only its header section
 * (RFC 5322 §2.2, §3.6): adds Message-ID, Date and MIME-Version when missing (Exchange and
 * spam filters distrust messages without them), and for a device with
 * {@code rewrite-from} replaces From with the upstream mailbox, keeping the display name,
 * and puts the original From in Reply-To (unless the message already has a Reply-To).
 * <p>
 * Header bytes are decoded as ISO-8859-1, which maps every byte to one char and back, so
 * raw 8-bit header text (which devices send, against RFC 5322) passes through unchanged.
 * Pure and thread-safe.
 */
final class MessagePreparer {

    /** The header section is looked for in this many bytes; a longer one is treated as body. */
    static final int MAX_HEADER_BYTES = MessageBuffer.IN_MEMORY;

    private static final Pattern FIELD = Pattern.compile("^([!-9;-~]+)[ \\t]*:");
    private static final DateTimeFormatter RFC5322_DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final String hostName;
    private final RandomValues random = new RandomValues();

    MessagePreparer(String hostName) {
        this.hostName = hostName;
    }

    /**
     * The new header section (each line CRLF-ended, the empty separator line included) and
     * where the body starts in {@code head}.
     */
    record Prepared(byte[] header, int bodyOffset, Optional<String> originalFrom) {}

    /** The header fields found at the start of {@code head}, and where the body begins. */
    record Headers(List<String> fields, int bodyOffset) {
        /** The first field of this name (case-insensitive), unfolded. */
        Optional<String> value(String name) {
            return values(name).stream().findFirst();
        }

        /** Every field of this name (case-insensitive), unfolded, in order. */
        List<String> values(String name) {
            List<String> out = new ArrayList<>();
            for (String f : fields) {
                int colon = colonAfter(f, name);
                if (colon >= 0) {
                    out.add(f.substring(colon + 1).replace("\r\n", "").strip());
                }
            }
            return out;
        }

        /**
         * True when the header section did not end within {@value #MAX_HEADER_BYTES} bytes:
         * fields past that point were not read, so no policy could be checked on them.
         */
        boolean truncated(int headLength) {
            return bodyOffset < 0 && headLength >= MAX_HEADER_BYTES;
        }
    }

    static Headers headers(byte[] head) {
        return headers(head, head.length);
    }

    /** {@link #headers(byte[])} of the first {@code length} bytes of {@code head}. */
    static Headers headers(byte[] head, int length) {
        // Only the bytes up to the first empty line are decoded: the parse below ends there at the latest
        // (decoding a whole 10 KB message was its largest allocation).
        String text = new String(head, 0, headerEnd(head, Math.min(length, MAX_HEADER_BYTES)), StandardCharsets.ISO_8859_1);
        List<String> fields = new ArrayList<>();
        // Where the field being read began: a folded field is one substring, not one concatenation per
        // continuation line (which a header of 100,000 one-space lines made take seconds of CPU).
        int fieldStart = -1;
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf("\r\n", pos);
            if (end < 0) {
                break; // an unterminated line: not a complete header section
            }
            if (end == pos) {
                addField(fields, text, fieldStart, pos);
                return new Headers(fields, end + 2);
            }
            char first = text.charAt(pos);
            if ((first == ' ' || first == '\t') && fieldStart >= 0) {
                pos = end + 2; // a continuation line of the field being read
                continue;
            }
            if (!FIELD.matcher(text).region(pos, end).lookingAt()) {
                break; // not a header line: the body starts here, without a separator
            }
            addField(fields, text, fieldStart, pos);
            fieldStart = pos;
            pos = end + 2;
        }
        addField(fields, text, fieldStart, pos);
        return new Headers(fields, -pos - 1); // negative: no separator line, body begins at -(offset+1)
    }

    /** Where the first empty line of {@code head} ends (its CRLF included), or {@code limit} if there is none before it. */
    private static int headerEnd(byte[] head, int limit) {
        if (limit >= 2 && head[0] == '\r' && head[1] == '\n') {
            return 2;
        }
        for (int i = 0; i + 3 < limit; i++) {
            if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') {
                return i + 4;
            }
        }
        return limit;
    }

    /** The field from {@code start} up to the CRLF that ends at {@code next}, folding kept. */
    private static void addField(List<String> fields, String text, int start, int next) {
        if (start >= 0) {
            fields.add(text.substring(start, next - 2));
        }
    }

    /** The first mailbox in a From (or similar) header value, lower-cased; empty if none can be read. */
    static Optional<String> address(String headerValue) {
        try {
            return OriginatorCheck.mailboxes(headerValue).stream().filter(a -> a.indexOf('@') > 0).findFirst();
        } catch (jakarta.mail.internet.AddressException e) {
            return Optional.empty();
        }
    }

    /**
     * @param h the header fields of a message's head, not {@linkplain Headers#truncated truncated}
     *        (the relay refuses such a message before it gets here)
     */
    Prepared prepare(Headers h, Optional<String> rewriteFrom, ZonedDateTime now) {
        boolean separated = h.bodyOffset() >= 0;
        int bodyOffset = separated ? h.bodyOffset() : -h.bodyOffset() - 1;
        List<String> out = new ArrayList<>(h.fields());
        Optional<String> originalFrom = h.value("From");
        if (rewriteFrom.isPresent()) {
            // The upstream mailbox becomes the only originator: a Sender left in place would
            // name someone else as the one who sent it (RFC 5322 §3.6.2).
            out.removeIf(f -> isField(f, "From") || isField(f, "Sender"));
            String display = originalFrom.map(MessagePreparer::displayName).orElse("");
            out.add("From: " + (display.isEmpty() ? "" : display + " ") + "<" + rewriteFrom.get() + ">");
            if (originalFrom.isPresent() && h.value("Reply-To").isEmpty()) {
                out.add("Reply-To: " + originalFrom.get());
            }
        }
        if (h.value("Message-ID").isEmpty()) {
            out.add("Message-ID: <" + randomHex() + "@" + hostName + ">");
        }
        if (h.value("Date").isEmpty()) {
            out.add("Date: " + RFC5322_DATE.format(now));
        }
        if (h.value("MIME-Version").isEmpty()) {
            out.add("MIME-Version: 1.0");
        }
        StringBuilder header = new StringBuilder();
        for (String f : out) {
            header.append(f).append("\r\n");
        }
        header.append("\r\n");
        return new Prepared(header.toString().getBytes(StandardCharsets.ISO_8859_1), bodyOffset, originalFrom);
    }

    private static boolean isField(String field, String name) {
        return colonAfter(field, name) >= 0;
    }

    /**
     * Where the colon after the field name is when {@code field} is a {@code name} field
     * (case-insensitive; {@link #FIELD}: blanks may come before the colon), else -1. No regex:
     * each message's fields are looked up by name a dozen times.
     */
    private static int colonAfter(String field, String name) {
        if (!field.regionMatches(true, 0, name, 0, name.length())) {
            return -1;
        }
        int i = name.length();
        while (i < field.length() && (field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
            i++;
        }
        return i < field.length() && field.charAt(i) == ':' ? i : -1;
    }

    /** {@code "Scanner 3" <scan@x>} gives {@code "Scanner 3"}; a bare address gives nothing. */
    private static String displayName(String from) {
        int lt = from.indexOf('<');
        return lt > 0 ? from.substring(0, lt).strip() : "";
    }

    /** 24 hex digits (96 random bits). */
    private String randomHex() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(random.next()) + hex.toHexDigits(random.next()).substring(8);
    }
}
