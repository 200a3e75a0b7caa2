package org.smtpdoctor.graph;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A relayed message made ready for Microsoft Graph, which has no envelope: {@code sendMail}
 * with MIME content sends to the addresses in the To, Cc and Bcc headers ("user: sendMail":
 * "provide the applicable Internet message headers ('To', 'CC', 'BCC', 'Subject')"). So the
 * headers must name exactly the SMTP envelope's recipients: when they already do, the message
 * goes byte for byte; recipients only in the envelope (the device's Bcc) are added in a
 * {@code Bcc} header at the top; header addresses that are not recipients now (delivered
 * earlier, or never in the envelope) are taken out of To and Cc, so nobody gets mail the
 * device did not address to them.
 *
 * <p>Sizes: one request carries at most 4 MB ("Microsoft Graph service limits"), so MIME of up
 * to {@link #SINGLE_REQUEST_MAX} (3 MB, 4 MB once base64-encoded) goes in one {@code sendMail};
 * larger messages are {@link #split} into a draft and attachments for upload sessions (up to
 * 150 MB each, "attachment: createUploadSession"). Stateless and thread-safe.
 */
public final class GraphMessage {

    /** MIME that fits one Graph request once base64-encoded (4 MB limit: 3 MB of MIME). */
    public static final long SINGLE_REQUEST_MAX = 3L * 1024 * 1024;
    /** What Exchange Online takes at most (messages and upload-session attachments, configurable up to this). */
    public static final long GRAPH_MAX = 150L * 1024 * 1024;

    private GraphMessage() {
    }

    /** The message to send, and what was changed in its headers (empty when nothing was). */
    public record Addressed(byte[] content, Optional<String> change) {}

    /**
     * The content with recipient headers that name exactly {@code recipients}.
     *
     * @throws IllegalArgumentException when there is no recipient
     */
    public static Addressed address(byte[] content, List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipient");
        }
        Headers h = Headers.of(content);
        Set<String> wanted = lower(recipients);
        Set<String> inHeaders = new LinkedHashSet<>();
        for (String field : List.of("to", "cc", "bcc")) {
            for (Header f : h.fields(field)) {
                inHeaders.addAll(lower(addresses(f.value())));
            }
        }
        if (inHeaders.equals(wanted)) {
            return new Addressed(content, Optional.empty());
        }
        List<String> extra = new ArrayList<>();
        for (String r : recipients) {
            if (!inHeaders.contains(r.toLowerCase(Locale.ROOT))) {
                extra.add(r);
            }
        }
        boolean onlyExtra = wanted.containsAll(inHeaders) && h.fields("bcc").isEmpty();
        if (onlyExtra) {
            byte[] bcc = ("Bcc: " + String.join(",\r\n\t", extra) + "\r\n").getBytes(StandardCharsets.UTF_8);
            return new Addressed(concat(bcc, content), Optional.of("Bcc added for " + extra.size() + " envelope-only recipient(s)"));
        }
        // Some header addresses are not recipients now: To and Cc keep only those that are, Bcc the rest.
        StringBuilder head = new StringBuilder();
        Set<String> kept = new LinkedHashSet<>();
        List<String> dropped = new ArrayList<>();
        for (Header f : h.all()) {
            String name = f.name().toLowerCase(Locale.ROOT);
            if (name.equals("bcc")) {
                continue;
            }
            if (name.equals("to") || name.equals("cc")) {
                List<String> keep = new ArrayList<>();
                for (InternetAddress a : parsed(f.value())) {
                    if (wanted.contains(a.getAddress().toLowerCase(Locale.ROOT))) {
                        keep.add(a.toString());
                        kept.add(a.getAddress().toLowerCase(Locale.ROOT));
                    } else {
                        dropped.add(a.getAddress());
                    }
                }
                if (!keep.isEmpty()) {
                    head.append(f.name()).append(": ").append(String.join(",\r\n\t", keep)).append("\r\n");
                }
                continue;
            }
            head.append(f.raw());
        }
        List<String> bcc = new ArrayList<>();
        for (String r : recipients) {
            if (!kept.contains(r.toLowerCase(Locale.ROOT))) {
                bcc.add(r);
            }
        }
        String bccLine = bcc.isEmpty() ? "" : "Bcc: " + String.join(",\r\n\t", bcc) + "\r\n";
        byte[] rewritten = (bccLine + head).getBytes(StandardCharsets.ISO_8859_1);
        return new Addressed(concat(rewritten, h.rest(content)), Optional.of("To/Cc narrowed to this delivery's recipients"
                + (dropped.isEmpty() ? "" : " (" + dropped.size() + " header address(es) not recipients now)")));
    }

    /** A large message as Graph takes it: the message without its attachments, then each attachment. */
    public record Split(byte[] draft, List<Attachment> attachments) {}

    /**
     * One attachment for an upload session or a plain attachment POST ("fileAttachment").
     *
     * @param contentId for an inline part referenced as {@code cid:} from HTML
     */
    public record Attachment(String name, String contentType, byte[] bytes, boolean inline, Optional<String> contentId) {}

    /**
     * Takes every attachment out of the message: leaf parts that are not the text or HTML body
     * (a filename, a Content-Disposition of attachment, or a type other than text/plain and
     * text/html), and attached messages. Their decoded bytes come back as {@link Attachment}s;
     * the rest (bodies, and every header of the message) stays as the draft's MIME.
     *
     * @throws IOException when the MIME cannot be read
     */
    public static Split split(byte[] content) throws IOException {
        try {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(content));
            String[] messageId = m.getHeader("Message-ID");
            List<Attachment> out = new ArrayList<>();
            if (m.isMimeType("multipart/*")) {
                detach((Multipart) m.getContent(), out);
            } else if (isAttachment(m)) {
                throw new IOException("the whole message is one attachment; Graph needs a body to attach it to");
            }
            for (int i = 0; i < out.size(); i++) {
                GraphMessage.Attachment a = out.get(i);
                if (a.name().isEmpty()) {
                    out.set(i, new Attachment(defaultName(a.contentType(), i), a.contentType(), a.bytes(), a.inline(), a.contentId()));
                }
            }
            m.saveChanges();
            // saveChanges() makes a new Message-ID: the device's one stays.
            if (messageId != null) {
                m.setHeader("Message-ID", messageId[0]);
            } else {
                m.removeHeader("Message-ID");
            }
            ByteArrayOutputStream slim = new ByteArrayOutputStream();
            m.writeTo(slim);
            return new Split(slim.toByteArray(), out);
        } catch (MessagingException e) {
            throw new IOException("the message's MIME cannot be read: " + e.getMessage(), e);
        }
    }

    private static void detach(Multipart multipart, List<Attachment> out) throws MessagingException, IOException {
        for (int i = multipart.getCount() - 1; i >= 0; i--) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType("multipart/*")) {
                detach((Multipart) part.getContent(), out);
                continue;
            }
            if (!isAttachment(part)) {
                continue;
            }
            byte[] bytes;
            try (InputStream in = part.isMimeType("message/rfc822") ? rawBody(part) : part.getInputStream()) {
                bytes = in.readAllBytes();
            }
            String type = baseType(part.getContentType());
            String name = Optional.ofNullable(safeFileName(part)).orElse("");
            String[] cid = part.getHeader("Content-ID");
            boolean inline = Part.INLINE.equalsIgnoreCase(String.valueOf(part.getDisposition())) || cid != null && part.getDisposition() == null;
            out.add(0, new Attachment(name, type, bytes, inline && cid != null,
                    cid == null ? Optional.empty() : Optional.of(cid[0].strip().replaceAll("^<|>$", ""))));
            multipart.removeBodyPart(i);
        }
    }

    private static InputStream rawBody(Part part) throws MessagingException, IOException {
        return part instanceof jakarta.mail.internet.MimeBodyPart mbp ? mbp.getInputStream() : part.getInputStream();
    }

    static boolean isAttachment(Part part) throws MessagingException {
        if (Part.ATTACHMENT.equalsIgnoreCase(String.valueOf(part.getDisposition())) || safeFileName(part) != null) {
            return true;
        }
        return !(part.isMimeType("text/plain") || part.isMimeType("text/html") || part.isMimeType("multipart/*"));
    }

    private static String safeFileName(Part part) {
        try {
            String n = part.getFileName();
            return n == null || n.isBlank() ? null : n.replaceAll("[\\p{Cntrl}/\\\\]", "_");
        } catch (MessagingException e) {
            return null;
        }
    }

    private static String baseType(String contentType) {
        try {
            return new ContentType(contentType).getBaseType().toLowerCase(Locale.ROOT);
        } catch (ParseException | RuntimeException e) {
            return "application/octet-stream";
        }
    }

    private static String defaultName(String type, int n) {
        return type.equals("message/rfc822") ? "message-" + (n + 1) + ".eml" : "attachment-" + (n + 1);
    }

    /** The addresses of a header value, as well as a lenient parser can find them; groups give their members. */
    static List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        for (InternetAddress a : parsed(value)) {
            out.add(a.getAddress());
        }
        return out;
    }

    private static List<InternetAddress> parsed(String value) {
        List<InternetAddress> out = new ArrayList<>();
        try {
            for (InternetAddress a : InternetAddress.parseHeader(value, false)) {
                if (a.isGroup()) {
                    InternetAddress[] members = a.getGroup(false);
                    if (members != null) {
                        for (InternetAddress m : members) {
                            if (m.getAddress() != null && m.getAddress().contains("@")) {
                                out.add(m);
                            }
                        }
                    }
                } else if (a.getAddress() != null && a.getAddress().contains("@")) {
                    out.add(a);
                }
            }
        } catch (AddressException e) {
            // an unreadable header names nobody
        }
        return out;
    }

    private static Set<String> lower(List<String> addresses) {
        Set<String> out = new LinkedHashSet<>();
        for (String a : addresses) {
            out.add(a.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One header field as it is in the message (with its folding), its name and its unfolded value. */
    record Header(String name, String value, String raw) {}

    /** The header section, read byte for byte (ISO-8859-1 keeps every byte as one char). */
    record Headers(List<Header> all, int end) {

        static Headers of(byte[] content) {
            String text = new String(content, 0, Math.min(content.length, 1024 * 1024), StandardCharsets.ISO_8859_1);
            List<Header> fields = new ArrayList<>();
            int pos = 0;
            StringBuilder raw = null;
            while (pos < text.length()) {
                int nl = text.indexOf('\n', pos);
                int next = nl < 0 ? text.length() : nl + 1;
                String line = text.substring(pos, next);
                String bare = line.replaceAll("\r?\n$", "");
                if (bare.isEmpty()) {
                    if (raw != null) {
                        fields.add(field(raw.toString()));
                    }
                    return new Headers(fields, next);
                }
                if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && raw != null) {
                    raw.append(line);
                } else {
                    if (raw != null) {
                        fields.add(field(raw.toString()));
                    }
                    raw = new StringBuilder(line);
                }
                pos = next;
            }
            if (raw != null) {
                fields.add(field(raw.toString()));
            }
            return new Headers(fields, text.length());
        }

        private static Header field(String raw) {
            int colon = raw.indexOf(':');
            String name = colon < 0 ? raw.strip() : raw.substring(0, colon).strip();
            String value = colon < 0 ? "" : raw.substring(colon + 1).replaceAll("\r?\n[ \t]", " ").strip();
            String decoded = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            return new Header(name, decoded, raw.endsWith("\n") ? raw : raw + "\r\n");
        }

        List<Header> fields(String name) {
            return all.stream().filter(h -> h.name().equalsIgnoreCase(name)).toList();
        }

        /** From the empty line that ends the headers to the end of the message. */
        byte[] rest(byte[] content) {
            int start = Math.max(0, end);
            // keep the separating empty line: back up over it
            int sep = start;
            if (sep >= 2 && content[sep - 1] == '\n' && content[sep - 2] == '\r') {
                sep -= 2;
            } else if (sep >= 1 && content[sep - 1] == '\n') {
                sep -= 1;
            }
            byte[] out = new byte[content.length - sep];
            System.arraycopy(content, sep, out, 0, out.length);
            return out;
        }
    }
}
