package org.smtpdoctor.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One answer from Graph: the status, the body (bounded, already redacted), the
 * {@code Retry-After} it asked for (429 and 503, Microsoft Graph throttling guidance) and its
 * request id. Immutable.
 */
public record GraphResponse(int status, String body, Optional<Duration> retryAfter, Optional<String> requestId,
                            Optional<String> location) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The error when the status is not 2xx. */
    public GraphError error() {
        return GraphError.parse(status, body, requestId);
    }

    /** The body as JSON; an empty object when it is not JSON. */
    public JsonNode json() {
        try {
            JsonNode n = body.isBlank() ? null : JSON.readTree(body);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /**
     * Retry-After in seconds (RFC 9110 section 10.2.3; Graph sends delta-seconds). An HTTP date
     * or junk is ignored; the value is bounded to an hour.
     */
    static Optional<Duration> retryAfter(Optional<String> header) {
        return header.map(String::strip).filter(h -> h.matches("\\d{1,6}"))
                .map(h -> Duration.ofSeconds(Math.min(3600, Long.parseLong(h))));
    }
}
