package org.smtpdoctor.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's Microsoft Graph: real HTTP on 127.0.0.1 (the JDK's server), laid out like
 * {@code https://graph.microsoft.com/v1.0}, taking only tokens from the lab's Entra
 * ({@link GraphTokenValidator}: signature, lifetime, issuer, Graph audience), and answering
 * as Graph does:
 * <ul>
 *   <li>mail, as the scenario's mailbox only: {@code POST /users/{id}/sendMail} (MIME, base64, or
 *       JSON), drafts from MIME ({@code POST /users/{id}/messages}), {@code PATCH}/{@code DELETE}
 *       of a draft, attachments ({@code POST .../attachments}) and upload sessions
 *       ({@code POST .../attachments/createUploadSession}, then {@code PUT} byte ranges of at most
 *       4 MB to the returned URL, without an Authorization header), {@code POST .../send}, and
 *       {@code GET .../mailFolders/drafts}. Mail.Send sends, Mail.ReadWrite writes drafts; the
 *       application access policy of the scenario limits the app to its mailboxes; a From other
 *       than the mailbox is ErrorSendAsDenied; a request over 4 MB is 413.</li>
 *   <li>the tenant, read-only: {@code /policies/identitySecurityDefaultsEnforcementPolicy} and
 *       {@code /identity/conditionalAccess/policies} (Policy.Read.All),
 *       {@code /auditLogs/signIns} and beta's service principal sign-ins (AuditLog.Read.All),
 *       from the {@link LabDirectory}.</li>
 * </ul>
 * In graph-throttled the first {@link #THROTTLED_REQUESTS} mail requests get 429 with
 * Retry-After. Error bodies are Graph's ({@code {"error": {"code", "message", "innerError"}}}).
 * Sources are named in docs/graph.md. Lifecycle: {@link #start}, {@link #close}. Thread-safe.
 */
public final class LabGraph implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LabGraph.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Graph's limit for one request. */
    static final int MAX_REQUEST = 4 * 1024 * 1024;
    /** Mail requests answered 429 in graph-throttled before Graph recovers. */
    static final int THROTTLED_REQUESTS = 2;
    /** Seconds graph-throttled asks clients to wait. */
    static final int RETRY_AFTER_SECONDS = 1;
    /** Messages kept for {@link #sent()}. */
    private static final int MAX_KEPT = 50;

    /** A message Graph sent: its MIME as the client gave it, and the attachments added to its draft. */
    public record SentMail(String mailbox, byte[] mime, List<Attachment> attachments, boolean savedToSentItems, String via) {}

    public record Attachment(String name, String contentType, byte[] bytes, boolean inline, Optional<String> contentId) {}

    private final HttpServer server;
    private final ExecutorService threads;
    private final GraphTokenValidator tokens;
    private final LabDirectory directory;
    private final String url;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger throttled = new AtomicInteger();
    private final Map<String, Draft> drafts = new LinkedHashMap<>();
    private final Map<String, Upload> uploads = new LinkedHashMap<>();
    /** Each upload session's own token, which its URL carries (never a bearer token). */
    private final Map<String, String> uploadTokens = new LinkedHashMap<>();
    private final List<SentMail> sent = new ArrayList<>();

    private static final class Draft {
        final byte[] mime;
        final List<Attachment> attachments = new ArrayList<>();
        boolean deleteAfterSubmit;

        Draft(byte[] mime) {
            this.mime = mime;
        }
    }

    private static final class Upload {
        final String draft;
        final String name;
        final String contentType;
        final int size;
        final boolean inline;
        final Optional<String> contentId;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Upload(String draft, String name, String contentType, int size, boolean inline, Optional<String> contentId) {
            this.draft = draft;
            this.name = name;
            this.contentType = contentType;
            this.size = size;
            this.inline = inline;
            this.contentId = contentId;
        }
    }

    private LabGraph(HttpServer server, ExecutorService threads, GraphTokenValidator tokens, LabDirectory directory) {
        this.server = server;
        this.threads = threads;
        this.tokens = tokens;
        this.directory = directory;
        this.url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Starts on 127.0.0.1; the scenario (and its fault) is the directory's, which follows the lab's switches. */
    static LabGraph start(LabOAuth oauth, LabDirectory directory, Clock clock, int port) throws IOException {
        GraphTokenValidator tokens = new GraphTokenValidator(oauth.keySource(), oauth.issuer(),
                List.of("https://graph.microsoft.com", org.smtpdoctor.oauth.MicrosoftCloud.GRAPH_APP_ID), clock);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}), port), 50);
        ExecutorService threads = Executors.newCachedThreadPool(LabServer.daemonThreads("smtp-doctor-lab-graph"));
        server.setExecutor(threads);
        LabGraph graph = new LabGraph(server, threads, tokens, directory);
        server.createContext("/", graph::handle);
        server.start();
        return graph;
    }

    /** Where the lab's Graph is, in place of {@code https://graph.microsoft.com}. */
    public String url() {
        return url;
    }

    /** Messages sent through the lab's Graph, oldest first. */
    public synchronized List<SentMail> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    // ---- routing

    private static final Pattern USER = Pattern.compile("^/v1\\.0/users/([^/]+)(/.*)$");
    private static final Pattern UPLOAD = Pattern.compile("^/upload/([0-9a-f]{32})$");

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String method = x.getRequestMethod().toUpperCase(Locale.ROOT);
            byte[] body;
            try {
                body = read(x.getRequestBody(), MAX_REQUEST);
            } catch (TooLarge e) {
                error(x, 413, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.");
                return;
            }
            Matcher upload = UPLOAD.matcher(path);
            if (upload.matches() && method.equals("PUT")) {
                upload(x, upload.group(1), body);
                return;
            }
            Object auth = authenticate(x);
            if (auth instanceof GraphTokenValidator.Refused r) {
                error(x, 401, "InvalidAuthenticationToken", r.message());
                return;
            }
            GraphTokenValidator.Valid token = (GraphTokenValidator.Valid) auth;
            Matcher user = USER.matcher(path);
            if (user.matches()) {
                mail(x, method, URLDecoder.decode(user.group(1), StandardCharsets.UTF_8), user.group(2), body, token);
            } else if (method.equals("GET") && path.equals("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy")) {
                if (need(x, token, "Policy.Read.All")) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("id", "00000000-0000-0000-0000-000000000005");
                    o.put("displayName", "Security Defaults");
                    o.put("isEnabled", directory.securityDefaults());
                    json(x, 200, o);
                }
            } else if (method.equals("GET") && path.equals("/v1.0/identity/conditionalAccess/policies")) {
                if (need(x, token, "Policy.Read.All")) {
                    json(x, 200, page(directory.conditionalAccessPolicies()));
                }
            } else if (method.equals("GET") && path.equals("/v1.0/auditLogs/signIns")) {
                if (need(x, token, "AuditLog.Read.All")) {
                    json(x, 200, page(filter(directory.signIns(), query(x))));
                }
            } else if (method.equals("GET") && path.equals("/beta/auditLogs/signIns")) {
                if (need(x, token, "AuditLog.Read.All")) {
                    json(x, 200, page(filter(directory.appSignIns(), query(x))));
                }
            } else {
                error(x, 400, "BadRequest", "Resource not found for the segment '" + lastSegment(path) + "'.");
            }
        } catch (RuntimeException e) {
            log.warn("lab Graph: {}", e.toString(), e);
        }
    }

    private Object authenticate(HttpExchange x) {
        String h = x.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() < 8) {
            return new GraphTokenValidator.Refused("Access token is empty.");
        }
        return tokens.validate(h.substring(7).strip());
    }

    /** True when the token has the permission; otherwise answers 403 as Graph's directory APIs do. */
    private boolean need(HttpExchange x, GraphTokenValidator.Valid token, String role) throws IOException {
        if (token.roles().contains(role)) {
            return true;
        }
        error(x, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        return false;
    }

    // ---- mail

    private static final Pattern MESSAGE = Pattern.compile("^/messages/([^/]+)(/.*)?$");

    private void mail(HttpExchange x, String method, String mailbox, String rest, byte[] body, GraphTokenValidator.Valid token)
            throws IOException {
        if (!mailbox.equalsIgnoreCase(directory.scenario().mailbox())) {
            error(x, 404, "ErrorInvalidUser", "The requested user '" + mailbox + "' is invalid.");
            return;
        }
        boolean send = method.equals("POST") && (rest.equals("/sendMail") || rest.endsWith("/send"));
        boolean read = method.equals("GET");
        String role = send ? "Mail.Send" : read ? "Mail.Read" : "Mail.ReadWrite";
        // Entra's application permissions in the token, or Exchange's own role assignment (RBAC for Applications).
        List<String> granted = new ArrayList<>(token.roles());
        granted.addAll(directory.fault().exchangeAppRoles());
        boolean allowed = granted.contains(role) || read && granted.contains("Mail.ReadWrite");
        if (!allowed) {
            error(x, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
            return;
        }
        if (directory.fault() == Fault.GRAPH_MAILBOX_OUT_OF_SCOPE) {
            // New-ApplicationAccessPolicy -AccessRight RestrictAccess to a group without this mailbox
            error(x, 403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly"
                    + " AccessPolicy settings.");
            return;
        }
        if (directory.fault() == Fault.GRAPH_THROTTLED && !read && throttled.getAndIncrement() < THROTTLED_REQUESTS) {
            x.getResponseHeaders().set("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            error(x, 429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.");
            return;
        }
        if (rest.equals("/sendMail") && method.equals("POST")) {
            sendMail(x, mailbox, body);
            return;
        }
        if (rest.equals("/mailFolders/drafts") && read) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", "AAMkAGRyYWZ0cw==");
            json(x, 200, o);
            return;
        }
        if (rest.equals("/messages") && method.equals("POST")) {
            Optional<byte[]> mime = mime(x, body);
            if (mime.isEmpty()) {
                return;
            }
            String id = "AAMk" + HexFormat.of().formatHex(bytes(12)) + "=";
            synchronized (this) {
                drafts.put(id, new Draft(mime.get()));
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("id", id);
            o.put("isDraft", true);
            json(x, 201, o);
            return;
        }
        Matcher m = MESSAGE.matcher(rest);
        if (!m.matches()) {
            error(x, 400, "BadRequest", "Resource not found for the segment '" + lastSegment(rest) + "'.");
            return;
        }
        String id = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        String action = m.group(2) == null ? "" : m.group(2);
        Draft draft;
        synchronized (this) {
            draft = drafts.get(id);
        }
        if (draft == null) {
            error(x, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
            return;
        }
        switch (method + " " + action) {
            case "DELETE " -> {
                synchronized (this) {
                    drafts.remove(id);
                }
                x.sendResponseHeaders(204, -1);
            }
            case "PATCH " -> {
                JsonNode patch = JSON.readTree(body);
                for (JsonNode p : patch.path("singleValueExtendedProperties")) {
                    if (p.path("id").asText().equalsIgnoreCase("Boolean 0x0E01")) {
                        draft.deleteAfterSubmit = p.path("value").asText().equalsIgnoreCase("true");
                    }
                }
                json(x, 200, JSON.createObjectNode().put("id", id));
            }
            case "POST /attachments" -> {
                JsonNode a = JSON.readTree(body);
                byte[] content;
                try {
                    content = Base64.getDecoder().decode(a.path("contentBytes").asText(""));
                } catch (IllegalArgumentException e) {
                    error(x, 400, "ErrorInvalidRequest", "contentBytes is not base64.");
                    return;
                }
                synchronized (this) {
                    draft.attachments.add(new Attachment(a.path("name").asText(), a.path("contentType").asText(), content,
                            a.path("isInline").asBoolean(false), text(a, "contentId")));
                }
                json(x, 201, JSON.createObjectNode().put("id", "AAMkAtt" + draft.attachments.size()));
            }
            case "POST /attachments/createUploadSession" -> {
                JsonNode item = JSON.readTree(body).path("AttachmentItem");
                int size = item.path("size").asInt(-1);
                if (!item.path("attachmentType").asText().equalsIgnoreCase("file") || size < 0 || item.path("name").asText().isEmpty()) {
                    error(x, 400, "ErrorInvalidRequest", "AttachmentItem needs attachmentType file, a name and a size.");
                    return;
                }
                String session = HexFormat.of().formatHex(bytes(16));
                String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
                synchronized (this) {
                    uploads.put(session, new Upload(id, item.path("name").asText(), item.path("contentType").asText("application/octet-stream"),
                            size, item.path("isInline").asBoolean(false), text(item, "contentId")));
                    uploadTokens.put(session, secret);
                }
                ObjectNode o = JSON.createObjectNode();
                o.put("uploadUrl", url + "/upload/" + session + "?authtoken=" + secret);
                o.put("expirationDateTime", java.time.Instant.now().plusSeconds(900).toString());
                o.putArray("nextExpectedRanges").add("0-");
                json(x, 201, o);
            }
            case "POST /send" -> {
                synchronized (this) {
                    drafts.remove(id);
                }
                Optional<String> refusal = check(draft.mime);
                if (refusal.isPresent()) {
                    sendAsDenied(x);
                    return;
                }
                keep(new SentMail(mailbox, draft.mime, List.copyOf(draft.attachments), !draft.deleteAfterSubmit, "draft"));
                x.sendResponseHeaders(202, -1);
            }
            default -> error(x, 405, "ErrorInvalidRequest", "The OData request is not supported.");
        }
    }

    private void sendMail(HttpExchange x, String mailbox, byte[] body) throws IOException {
        String type = String.valueOf(x.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            JsonNode message = JSON.readTree(body).path("message");
            int recipients = message.path("toRecipients").size() + message.path("ccRecipients").size()
                    + message.path("bccRecipients").size();
            if (recipients == 0) {
                error(x, 400, "ErrorInvalidRecipients", "At least one recipient is required, but none were found.");
                return;
            }
            String from = message.path("from").path("emailAddress").path("address").asText(mailbox);
            if (!from.equalsIgnoreCase(mailbox)) {
                sendAsDenied(x);
                return;
            }
            keep(new SentMail(mailbox, body, List.of(), true, "sendMail (JSON)"));
            x.sendResponseHeaders(202, -1);
            return;
        }
        Optional<byte[]> mime = mime(x, body);
        if (mime.isEmpty()) {
            return;
        }
        if (HeaderFields.recipientAddresses(mime.get()).isEmpty()) {
            error(x, 400, "ErrorInvalidRecipients", "At least one recipient is required, but none were found.");
            return;
        }
        if (check(mime.get()).isPresent()) {
            sendAsDenied(x);
            return;
        }
        keep(new SentMail(mailbox, mime.get(), List.of(), true, "sendMail (MIME)"));
        x.sendResponseHeaders(202, -1);
    }

    /** The mailbox may send only as itself: every From address must be it (as the lab's SMTP side). */
    private Optional<String> check(byte[] mime) {
        for (String from : HeaderFields.fromAddresses(mime)) {
            if (!from.equalsIgnoreCase(directory.scenario().mailbox())) {
                return Optional.of(from);
            }
        }
        return Optional.empty();
    }

    private static void sendAsDenied(HttpExchange x) throws IOException {
        error(x, 403, "ErrorSendAsDenied", "The user account which was used to submit this request does not have the right"
                + " to send mail on behalf of the specified sending account., Cannot submit message.");
    }

    /** The MIME of a text/plain body (base64, as Graph takes it), or answers 400. */
    private Optional<byte[]> mime(HttpExchange x, byte[] body) throws IOException {
        try {
            // Line breaks are allowed (base64 as MIME writes it); anything else outside the alphabet is not.
            byte[] mime = Base64.getDecoder().decode(new String(body, StandardCharsets.US_ASCII).replaceAll("[\r\n]", ""));
            if (mime.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return Optional.of(mime);
        } catch (IllegalArgumentException e) {
            error(x, 400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
            return Optional.empty();
        }
    }

    private void upload(HttpExchange x, String session, byte[] body) throws IOException {
        if (x.getRequestHeaders().getFirst("Authorization") != null) {
            // "attachment: createUploadSession": the URL carries its own token; a bearer token sent here goes where it should not.
            error(x, 400, "ErrorInvalidRequest", "Do not send an Authorization header with an upload URL.");
            return;
        }
        Upload u;
        String expected;
        synchronized (this) {
            u = uploads.get(session);
            expected = uploadTokens.get(session);
        }
        String query = String.valueOf(x.getRequestURI().getRawQuery());
        if (u == null || expected == null || !query.equals("authtoken=" + expected)) {
            error(x, 401, "InvalidAuthenticationToken", "The upload session's token is not valid.");
            return;
        }
        Matcher range = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)").matcher(String.valueOf(x.getRequestHeaders().getFirst("Content-Range")));
        synchronized (this) {
            if (!range.matches() || Long.parseLong(range.group(1)) != u.bytes.size() || Long.parseLong(range.group(3)) != u.size
                    || Long.parseLong(range.group(2)) - Long.parseLong(range.group(1)) + 1 != body.length) {
                error(x, 416, "invalidRange", "The uploaded fragment does not start at " + u.bytes.size() + " or does not match its Content-Range.");
                return;
            }
            u.bytes.write(body, 0, body.length);
            if (u.bytes.size() < u.size) {
                ObjectNode o = JSON.createObjectNode();
                o.put("expirationDateTime", java.time.Instant.now().plusSeconds(900).toString());
                o.putArray("nextExpectedRanges").add(u.bytes.size() + "-" + (u.size - 1));
                json(x, 200, o);
                return;
            }
            uploads.remove(session);
            uploadTokens.remove(session);
            Draft d = drafts.get(u.draft);
            if (d != null) {
                d.attachments.add(new Attachment(u.name, u.contentType, u.bytes.toByteArray(), u.inline, u.contentId));
            }
        }
        x.getResponseHeaders().set("Location", url + "/v1.0/users/" + directory.scenario().mailbox() + "/messages/" + u.draft + "/attachments");
        x.sendResponseHeaders(201, -1);
    }

    private synchronized void keep(SentMail m) {
        sent.add(m);
        while (sent.size() > MAX_KEPT) {
            sent.remove(0);
        }
    }

    // ---- helpers

    private static List<ObjectNode> filter(List<ObjectNode> entries, Map<String, String> query) {
        String f = query.getOrDefault("$filter", "");
        List<ObjectNode> out = new ArrayList<>();
        Matcher upn = Pattern.compile("userPrincipalName eq '([^']*)'", Pattern.CASE_INSENSITIVE).matcher(f);
        Matcher app = Pattern.compile("appId eq '([^']*)'", Pattern.CASE_INSENSITIVE).matcher(f);
        Optional<String> user = upn.find() ? Optional.of(upn.group(1)) : Optional.empty();
        Optional<String> appId = app.find() ? Optional.of(app.group(1)) : Optional.empty();
        for (ObjectNode e : entries) {
            if (user.isPresent() && !e.path("userPrincipalName").asText().equalsIgnoreCase(user.get())) {
                continue;
            }
            if (appId.isPresent() && !e.path("appId").asText().equalsIgnoreCase(appId.get())) {
                continue;
            }
            out.add(e);
        }
        int top = query.containsKey("$top") && query.get("$top").matches("\\d{1,4}") ? Integer.parseInt(query.get("$top")) : 1000;
        return out.subList(0, Math.min(top, out.size()));
    }

    private static ObjectNode page(List<ObjectNode> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return page(a);
    }

    private static ObjectNode page(ArrayNode values) {
        ObjectNode o = JSON.createObjectNode();
        o.set("value", values);
        return o;
    }

    private static Map<String, String> query(HttpExchange x) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String lastSegment(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("request too large", null);
        }
    }

    private static byte[] read(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > max) {
                in.transferTo(OutputStream.nullOutputStream());
                throw new TooLarge();
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void json(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("request-id", java.util.UUID.randomUUID().toString());
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    private static void error(HttpExchange x, int status, String code, String message) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", message);
        ObjectNode inner = e.putObject("innerError");
        inner.put("request-id", java.util.UUID.randomUUID().toString());
        inner.put("date", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace("Z", ""));
        json(x, status, root);
    }

    @Override
    public String toString() {
        return "LabGraph[" + url + ", " + directory.scenario().name() + "]";
    }
}
