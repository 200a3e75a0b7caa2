package org.smtpdoctor.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Graph's error body, read: {@code {"error": {"code": "...", "message": "...", "innerError":
 * {"request-id": "...", "date": "..."}}}} (Microsoft Graph "Error responses and resource
 * types"). {@link #parse} never throws: a body that is not Graph's JSON (a proxy's HTML page,
 * nothing at all) still gives a value with the HTTP status. Fields are cut and cleaned of
 * control characters, so a hostile body cannot drive the terminal. Immutable.
 *
 * @param status    the HTTP status
 * @param code      Graph's error code ({@code ErrorSendAsDenied}, {@code ErrorAccessDenied},
 *                  {@code Authorization_RequestDenied}...), an open vocabulary
 * @param message   Graph's message, first line
 * @param requestId {@code innerError.request-id} (or the {@code request-id} header), for a support ticket
 */
public record GraphError(int status, Optional<String> code, String message, Optional<String> requestId) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 600;
    private static final int MAX_FIELD = 120;

    public GraphError {
        code = code.map(c -> clean(c, MAX_FIELD)).filter(c -> !c.isEmpty());
        message = message == null ? "" : clean(message, MAX_MESSAGE);
        requestId = requestId.map(r -> clean(r, MAX_FIELD)).filter(r -> !r.isEmpty());
    }

    public static GraphError parse(int status, String body, Optional<String> requestIdHeader) {
        JsonNode error = null;
        try {
            JsonNode root = body == null || body.isBlank() ? null : JSON.readTree(body);
            error = root != null && root.isObject() ? root.get("error") : null;
        } catch (IOException | RuntimeException e) {
            // not JSON: read it as nothing
        }
        if (error == null || !error.isObject()) {
            return new GraphError(status, Optional.empty(), reason(status), requestIdHeader);
        }
        Optional<String> code = text(error, "code");
        String message = text(error, "message").orElse(reason(status));
        JsonNode inner = error.has("innerError") ? error.get("innerError") : error.get("innererror");
        Optional<String> requestId = inner != null && inner.isObject() ? text(inner, "request-id") : Optional.empty();
        return new GraphError(status, code, message, requestId.or(() -> requestIdHeader));
    }

    /**
     * The line the knowledge base reads (rules/graph.yaml) and logs and DSNs show:
     * {@code Graph HTTP 403 ErrorSendAsDenied: The user account which was used ...}.
     */
    public String knowledgeLine() {
        return "Graph HTTP " + status + code.map(c -> " " + c).orElse("") + (message.isEmpty() ? "" : ": " + message);
    }

    private static Optional<String> text(JsonNode node, String name) {
        JsonNode n = node.get(name);
        return n != null && n.isValueNode() && !n.isNull() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 413 -> "Request Entity Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }

    /** Control and format characters become spaces; runs of whitespace one space; cut to max. */
    static String clean(String s, int max) {
        return org.smtpdoctor.io.OneLine.of(s, max);
    }
}
