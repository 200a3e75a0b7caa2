package org.smtpdoctor.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.smtp.Secret;

/**
 * Sends one relayed message as a mailbox through Microsoft Graph:
 * <ul>
 *   <li>up to {@link GraphMessage#SINGLE_REQUEST_MAX} of MIME (4 MB once base64-encoded, Graph's
 *       request limit): one {@code POST /users/{mailbox}/sendMail}, Content-Type text/plain, the MIME
 *       base64-encoded ("user: sendMail"); needs Mail.Send;</li>
 *   <li>larger (with {@link Large#UPLOAD}), or when Sent Items must not keep a copy: a draft from
 *       the MIME without its attachments ({@code POST /users/{mailbox}/messages}, "Create message"),
 *       each attachment by {@code POST .../attachments} (under 3 MB) or an upload session (3 to
 *       150 MB, byte ranges of at most 4 MB, "attachment: createUploadSession"), then
 *       {@code POST .../messages/{id}/send}; needs Mail.ReadWrite as well. A draft left by a
 *       failure is deleted.</li>
 * </ul>
 * A 401, or a 403 for a missing permission (the token may predate the grant), gets one fresh
 * token and one more try. Nothing secret reaches an outcome's text: the
 * token and upload URLs (which carry their own token) are registered with the redactor.
 * Thread-safe; each call is independent.
 */
public final class GraphMailer {

    /** What happens to a message too large for one request. Closed set. */
    public enum Large {
        /** Draft and upload sessions (Mail.ReadWrite). */
        UPLOAD,
        /** Refused: the relay tells devices its limit ({@link GraphMessage#SINGLE_REQUEST_MAX}). */
        REFUSE
    }

    /**
     * @param saveToSentItems keep a copy in the mailbox's Sent Items (Graph's default); false sends
     *                        through a draft marked PidTagDeleteAfterSubmit ([MS-OXOMSG]), which needs Mail.ReadWrite
     */
    public record Settings(GraphEndpoint endpoint, String mailbox, boolean saveToSentItems, Large large,
                           Duration uploadTimeout) {

        /** The largest message these settings can send at all. */
        public long maxMessageBytes() {
            return large == Large.REFUSE ? GraphMessage.SINGLE_REQUEST_MAX : GraphMessage.GRAPH_MAX;
        }

        /** Whether some messages go through a draft (and so need Mail.ReadWrite). */
        public boolean usesDrafts() {
            return large == Large.UPLOAD || !saveToSentItems;
        }
    }

    /** What happened to a message. */
    public sealed interface Outcome permits Sent, Refused, Broken, NoToken, Unsendable {
        /** The step that decided, for logs: sendmail, draft, attachment, upload, send. */
        String step();
    }

    /** Graph accepted it (202 to sendMail or send). */
    public record Sent(String step, String how) implements Outcome {}

    /** Graph said no. */
    public record Refused(String step, GraphError error, Optional<Duration> retryAfter) implements Outcome {}

    /** No answer (network, TLS, timeout, shutdown). */
    public record Broken(String step, GraphException failure) implements Outcome {}

    /** No token from Entra. */
    public record NoToken(String step, TokenException failure) implements Outcome {}

    /** The message cannot go through Graph as configured: a permanent failure. */
    public record Unsendable(String step, Why why, String reason) implements Outcome {}

    /** Why a message cannot go. Closed set. */
    public enum Why {
        /** Larger than the settings allow, or parts larger than Graph takes. */
        TOO_LARGE,
        /** Its MIME cannot be split into a draft and attachments. */
        UNREADABLE_MIME
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Attachments under this go in one POST ("use an upload session for 3 MB to 150 MB"). */
    static final int SMALL_ATTACHMENT = 3 * 1024 * 1024;
    /** Upload ranges: under Graph's 4 MB per request, a multiple of 320 KiB. */
    static final int CHUNK = 10 * 320 * 1024;

    private final GraphHttp http;
    private final Settings settings;
    private final Bearer bearer;

    public GraphMailer(GraphHttp http, Settings settings, Bearer bearer) {
        this.http = http;
        this.settings = settings;
        this.bearer = bearer;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Sends the message to exactly these recipients (the headers are made to say so, see
     * {@link GraphMessage#address}).
     *
     * @param inflight the exchange in progress, for an abort from another thread; may be null
     */
    public Outcome send(byte[] content, List<String> recipients, AtomicReference<CompletableFuture<?>> inflight) {
        Optional<Outcome> tooLarge = tooLarge(content.length);
        if (tooLarge.isPresent()) {
            return tooLarge.get();
        }
        GraphMessage.Addressed addressed = GraphMessage.address(content, recipients);
        byte[] mime = addressed.content();
        if (mime.length <= GraphMessage.SINGLE_REQUEST_MAX && settings.saveToSentItems()) {
            byte[] body = Base64.getMimeEncoder().encode(mime);
            Call c = call("sendmail", "POST", settings.endpoint().v1(users("/sendMail")), "text/plain", body, inflight);
            if (c.outcome().isPresent()) {
                return c.outcome().get();
            }
            return new Sent("sendmail", "sendMail (MIME, " + mime.length + " bytes)" + addressed.change().map(x -> "; " + x).orElse(""));
        }
        return viaDraft(mime, addressed.change(), inflight);
    }

    /** The outcome for a message of {@code size} bytes that these settings cannot send at all; empty when they can. */
    public Optional<Outcome> tooLarge(long size) {
        if (size <= settings.maxMessageBytes()) {
            return Optional.empty();
        }
        return Optional.of(new Unsendable("size", Why.TOO_LARGE, "the message is " + size + " bytes; the Graph upstream takes at most "
                + settings.maxMessageBytes() + (settings.large() == Large.REFUSE
                ? " (one 4 MB request; large=upload sends larger ones by upload session, with Mail.ReadWrite)"
                : " (Exchange Online's largest message)")));
    }

    private Outcome viaDraft(byte[] mime, Optional<String> change, AtomicReference<CompletableFuture<?>> inflight) {
        GraphMessage.Split split;
        if (mime.length <= GraphMessage.SINGLE_REQUEST_MAX) {
            split = new GraphMessage.Split(mime, List.of());
        } else {
            try {
                split = GraphMessage.split(mime);
            } catch (IOException e) {
                return new Unsendable("draft", Why.UNREADABLE_MIME, e.getMessage());
            }
        }
        if (split.draft().length > GraphMessage.SINGLE_REQUEST_MAX) {
            return new Unsendable("draft", Why.TOO_LARGE, "the message without its attachments is still " + split.draft().length
                    + " bytes, over the 3 MB that one Graph request can carry");
        }
        for (GraphMessage.Attachment a : split.attachments()) {
            if (a.bytes().length > GraphMessage.GRAPH_MAX) {
                return new Unsendable("attachment", Why.TOO_LARGE, "the attachment " + a.name() + " is " + a.bytes().length
                        + " bytes; upload sessions take at most 150 MB");
            }
        }
        Call created = call("draft", "POST", settings.endpoint().v1(users("/messages")), "text/plain",
                Base64.getMimeEncoder().encode(split.draft()), inflight);
        if (created.outcome().isPresent()) {
            return created.outcome().get();
        }
        String id = created.response().json().path("id").asText("");
        if (id.isEmpty()) {
            return new Refused("draft", new GraphError(created.response().status(), Optional.empty(),
                    "Graph created a draft but did not say its id", Optional.empty()), Optional.empty());
        }
        Optional<Outcome> failed = fill(id, split.attachments(), inflight);
        if (failed.isEmpty() && !settings.saveToSentItems()) {
            // PidTagDeleteAfterSubmit (0x0E01): the store deletes the message once it is sent, instead
            // of moving it to Sent Items ([MS-OXOMSG]; "Send mail by using the Microsoft Graph API", step 4).
            ObjectNode patch = JSON.createObjectNode();
            ObjectNode prop = patch.putArray("singleValueExtendedProperties").addObject();
            prop.put("id", "Boolean 0x0E01");
            prop.put("value", "true");
            failed = call("draft", "PATCH", message(id, ""), "application/json",
                    patch.toString().getBytes(StandardCharsets.UTF_8), inflight).outcome();
        }
        if (failed.isEmpty()) {
            Call sent = call("send", "POST", message(id, "/send"), "application/json", new byte[0], inflight);
            failed = sent.outcome();
        }
        if (failed.isPresent()) {
            deleteQuietly(id);
            return failed.get();
        }
        return new Sent("send", "draft with " + split.attachments().size() + " attachment(s) by "
                + (split.attachments().stream().anyMatch(a -> a.bytes().length >= SMALL_ATTACHMENT) ? "upload session" : "POST")
                + (settings.saveToSentItems() ? "" : ", no copy in Sent Items") + change.map(x -> "; " + x).orElse(""));
    }

    /** Adds the attachments to the draft; the failure, if one failed. */
    private Optional<Outcome> fill(String id, List<GraphMessage.Attachment> attachments,
                                   AtomicReference<CompletableFuture<?>> inflight) {
        for (GraphMessage.Attachment a : attachments) {
            if (a.bytes().length < SMALL_ATTACHMENT) {
                ObjectNode body = JSON.createObjectNode();
                body.put("@odata.type", "#microsoft.graph.fileAttachment");
                body.put("name", a.name());
                body.put("contentType", a.contentType());
                body.put("contentBytes", Base64.getEncoder().encodeToString(a.bytes()));
                body.put("isInline", a.inline());
                a.contentId().ifPresent(cid -> body.put("contentId", cid));
                Call c = call("attachment", "POST", message(id, "/attachments"), "application/json",
                        body.toString().getBytes(StandardCharsets.UTF_8), inflight);
                if (c.outcome().isPresent()) {
                    return c.outcome();
                }
                continue;
            }
            ObjectNode item = JSON.createObjectNode();
            ObjectNode ai = item.putObject("AttachmentItem");
            ai.put("attachmentType", "file");
            ai.put("name", a.name());
            ai.put("size", a.bytes().length);
            ai.put("contentType", a.contentType());
            ai.put("isInline", a.inline());
            a.contentId().ifPresent(cid -> ai.put("contentId", cid));
            Call session = call("attachment", "POST", message(id, "/attachments/createUploadSession"), "application/json",
                    item.toString().getBytes(StandardCharsets.UTF_8), inflight);
            if (session.outcome().isPresent()) {
                return session.outcome();
            }
            String url = session.response().json().path("uploadUrl").asText("");
            // The upload URL carries its own token: never shown, never followed off https.
            http.redactor().registerExact(url);
            for (String part : url.substring(url.indexOf('?') + 1).split("&")) {
                // and its token alone, should an error echo just that
                http.redactor().registerExact(part.substring(part.indexOf('=') + 1));
            }
            URI upload;
            try {
                upload = URI.create(url);
            } catch (IllegalArgumentException e) {
                upload = null;
            }
            if (upload == null || !GraphEndpoint.acceptable(upload)) {
                return Optional.of(new Refused("upload", new GraphError(session.response().status(), Optional.empty(),
                        "Graph's upload URL is missing or not https", Optional.empty()), Optional.empty()));
            }
            Optional<Outcome> up = upload(upload, a.bytes(), inflight);
            if (up.isPresent()) {
                return up;
            }
        }
        return Optional.empty();
    }

    /** PUTs the bytes in order, a range at a time, without the bearer token (the URL has its own). */
    private Optional<Outcome> upload(URI url, byte[] bytes, AtomicReference<CompletableFuture<?>> inflight) {
        int total = bytes.length;
        for (int start = 0; start < total; start += CHUNK) {
            int end = Math.min(total, start + CHUNK);
            byte[] range = java.util.Arrays.copyOfRange(bytes, start, end);
            GraphHttp.Request r = new GraphHttp.Request("PUT", url, Optional.empty(), Optional.of("application/octet-stream"),
                    range, List.of("Content-Range", "bytes " + start + "-" + (end - 1) + "/" + total), Optional.empty())
                    .timeout(settings.uploadTimeout());
            GraphResponse response;
            try {
                response = http.send(r, inflight);
            } catch (GraphException e) {
                return Optional.of(new Broken("upload", e));
            }
            if (!response.ok()) {
                return Optional.of(new Refused("upload", response.error(), response.retryAfter()));
            }
        }
        return Optional.empty();
    }

    private void deleteQuietly(String id) {
        call("cleanup", "DELETE", message(id, ""), "application/json", new byte[0], null);
    }

    /** An answer, or the outcome that ends the send. */
    private record Call(GraphResponse response, Optional<Outcome> outcome) {}

    private Call call(String step, String method, URI uri, String contentType, byte[] body,
                      AtomicReference<CompletableFuture<?>> inflight) {
        Secret token;
        try {
            token = bearer.token();
        } catch (TokenException e) {
            return new Call(null, Optional.of(new NoToken(step, e)));
        }
        http.redactor().register(token.reveal());
        try {
            GraphResponse r = http.send(request(method, uri, token, contentType, body), inflight);
            if (r.status() == 401 || r.status() == 403 && r.error().code().map(c -> c.equals("ErrorAccessDenied")
                    || c.equals("Authorization_RequestDenied") || c.equals("NoPermissionsInAccessToken")).orElse(false)) {
                // The token may have been revoked, or issued before a permission change (an application
                // permission is in the token from the moment it is issued): one fresh token, once. A 403
                // backs the upstream off, so a permission still missing costs one token request per back-off.
                try {
                    token = bearer.renew();
                } catch (TokenException e) {
                    return new Call(r, Optional.of(new NoToken(step, e)));
                }
                http.redactor().register(token.reveal());
                r = http.send(request(method, uri, token, contentType, body), inflight);
            }
            return r.ok() ? new Call(r, Optional.empty()) : new Call(r, Optional.of(new Refused(step, r.error(), r.retryAfter())));
        } catch (GraphException e) {
            return new Call(null, Optional.of(new Broken(step, e)));
        }
    }

    private GraphHttp.Request request(String method, URI uri, Secret token, String contentType, byte[] body) {
        GraphHttp.Request r = new GraphHttp.Request(method, uri, Optional.of(token), Optional.of(contentType), body, List.of(),
                Optional.empty());
        return body.length > 1024 * 1024 ? r.timeout(settings.uploadTimeout()) : r;
    }

    private String users(String rest) {
        return "/users/" + segment(settings.mailbox()) + rest;
    }

    private URI message(String id, String rest) {
        return settings.endpoint().v1(users("/messages/" + segment(id) + rest));
    }

    /** Percent-encodes a path segment (a UPN keeps its @; message ids may hold / + =). */
    static String segment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~@".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    /** For {@code relay --check-config}: what one read-only look at the mailbox showed. */
    public record Probe(List<String> verified, List<String> notVerified, Optional<Outcome> problem) {}

    /**
     * Checks the token, the permission and the mailbox without sending anything: a
     * {@code sendMail} with no recipient at all, which Graph refuses as a bad request
     * ({@code ErrorInvalidRecipients}) only after it has taken the token and found the mailbox
     * within the app's permission and scope; a 401, 403 or 404 names what is wrong instead.
     * With drafts in use, a read of the Drafts folder checks read access too (writing is not
     * tried: that would leave something in the mailbox).
     */
    public Probe probe(List<String> tokenNotes) {
        List<String> verified = new java.util.ArrayList<>(tokenNotes);
        List<String> notVerified = new java.util.ArrayList<>();
        ObjectNode probe = JSON.createObjectNode();
        ObjectNode message = probe.putObject("message");
        message.put("subject", "smtp-doctor relay --check-config (no recipient: never sent)");
        ObjectNode body = message.putObject("body");
        body.put("contentType", "Text");
        body.put("content", "This message has no recipient, so Graph refuses it after checking access.");
        message.putArray("toRecipients"); // none: Graph can only refuse it
        probe.put("saveToSentItems", false);
        Call c = call("check", "POST", settings.endpoint().v1(users("/sendMail")), "application/json",
                probe.toString().getBytes(StandardCharsets.UTF_8), null);
        if (c.outcome().isEmpty()) {
            // 2xx to a message without recipients: Graph took it, so access is fine, but this is unexpected.
            verified.add("Graph accepted a sendMail as " + settings.mailbox() + " (a message without recipients, which goes nowhere)");
        } else if (c.outcome().get() instanceof Refused r && r.error().status() == 400) {
            verified.add("the token, the Mail.Send permission and " + settings.mailbox() + " within the app's mailbox scope"
                    + " (Graph refused a sendMail without recipients as " + r.error().code().orElse("a bad request")
                    + ", which it says only after checking access)");
        } else {
            return new Probe(verified, notVerified, c.outcome());
        }
        if (settings.usesDrafts()) {
            Call drafts = call("check", "GET", settings.endpoint().v1(users("/mailFolders/drafts?%24select=id")), "application/json",
                    new byte[0], null);
            if (drafts.outcome().isPresent()) {
                return new Probe(verified, notVerified, drafts.outcome());
            }
            verified.add("read access to " + settings.mailbox() + "'s Drafts folder (large messages"
                    + (settings.saveToSentItems() ? "" : " and every message, save-to-sent-items=false,") + " go through a draft)");
            notVerified.add("writing a draft (Mail.ReadWrite): not tried, it would leave a draft in the mailbox");
        }
        notVerified.add("Send As for From addresses other than " + settings.mailbox() + " (ErrorSendAsDenied shows only when such a message is sent)");
        notVerified.add("the recipients and the mailbox's send size limit (Exchange reports them by NDR after accepting)");
        return new Probe(verified, notVerified, Optional.empty());
    }

    /** The roles of a Graph token, for the probe's notes; the token's audience must be Graph's. */
    public static List<String> tokenNotes(Secret token, java.util.Collection<String> graphAudiences, boolean drafts) {
        List<String> notes = new java.util.ArrayList<>();
        try {
            org.smtpdoctor.oauth.AccessToken t = org.smtpdoctor.oauth.AccessToken.parse(token.reveal());
            String roles = t.roles().isEmpty() ? "none" : String.join(" ", t.roles());
            notes.add("a token from Entra (audience " + t.audience().orElse("?") + ", roles " + roles + ")");
            if (t.roles().contains("Mail.Send")) {
                notes.add("the token carries Mail.Send (an Entra application permission: it covers every mailbox unless an"
                        + " application access policy scopes it)");
            } else {
                notes.add("the token carries no Mail.Send role: the permission must come from Exchange (RBAC for Applications,"
                        + " New-ManagementRoleAssignment -Role 'Application Mail.Send')");
            }
            if (drafts && t.roles().contains("Mail.ReadWrite")) {
                notes.add("the token carries Mail.ReadWrite, which drafts and upload sessions need");
            }
        } catch (org.smtpdoctor.oauth.AccessToken.MalformedToken e) {
            notes.add("a token from Entra (not a JWT, so its roles cannot be read)");
        }
        return notes;
    }

    static JsonNode json(String s) throws IOException {
        return JSON.readTree(s);
    }
}
