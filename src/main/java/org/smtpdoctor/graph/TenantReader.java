package org.smtpdoctor.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.smtp.Secret;

/**
 * Read-only calls to Microsoft Graph for {@code smtp-doctor tenant}: Security Defaults
 * ({@code GET /policies/identitySecurityDefaultsEnforcementPolicy}, Policy.Read.All), the
 * Conditional Access policies ({@code GET /identity/conditionalAccess/policies},
 * Policy.Read.All), a user's sign-ins ({@code GET /auditLogs/signIns}, AuditLog.Read.All and an
 * Entra ID P1/P2 licence) and an app's service principal sign-ins (beta only:
 * {@code signInEventTypes} is not in v1.0). Nothing is written. A 403 is told apart from other
 * failures: it means a permission (or licence) is missing, and the check is skipped with that
 * reason. Thread-safe.
 */
public final class TenantReader {

    /** An answer: the value, or why there is none. */
    public sealed interface Read<T> permits Ok, Denied, Failed {}

    public record Ok<T>(T value) implements Read<T> {}

    /** Graph refused for lack of a permission or licence (403). */
    public record Denied<T>(GraphError error) implements Read<T> {}

    /** Anything else: no token, no answer, an unexpected status. */
    public record Failed<T>(String reason) implements Read<T> {}

    private final GraphHttp http;
    private final GraphEndpoint endpoint;
    private final Bearer bearer;

    public TenantReader(GraphHttp http, GraphEndpoint endpoint, Bearer bearer) {
        this.http = http;
        this.endpoint = endpoint;
        this.bearer = bearer;
    }

    public GraphEndpoint endpoint() {
        return endpoint;
    }

    /** The token, to read its claims (never shown); the failure when Entra refused. */
    public Secret token() throws TokenException {
        Secret t = bearer.token();
        http.redactor().register(t.reveal());
        return t;
    }

    public Read<Boolean> securityDefaults() {
        Read<JsonNode> r = get(endpoint.v1("/policies/identitySecurityDefaultsEnforcementPolicy"));
        if (r instanceof Ok<JsonNode> ok) {
            JsonNode enabled = ok.value().get("isEnabled");
            return enabled != null && enabled.isBoolean() ? new Ok<>(enabled.asBoolean())
                    : new Failed<>("Graph's answer has no isEnabled");
        }
        return cast(r);
    }

    public Read<List<JsonNode>> conditionalAccessPolicies() {
        return values(get(endpoint.v1("/identity/conditionalAccess/policies")));
    }

    /** A user's sign-ins since then, newest first (at most 100). */
    public Read<List<JsonNode>> signIns(String userPrincipalName, Instant since) {
        String filter = "userPrincipalName eq '" + userPrincipalName.replace("'", "''") + "' and createdDateTime ge "
                + since.truncatedTo(ChronoUnit.SECONDS);
        return values(get(endpoint.v1("/auditLogs/signIns?%24filter=" + encode(filter) + "&%24top=100")));
    }

    /** An app's service principal (client credentials) sign-ins since then, newest first (beta). */
    public Read<List<JsonNode>> appSignIns(String appId, Instant since) {
        String filter = "appId eq '" + appId.replace("'", "''") + "' and signInEventTypes/any(t: t eq 'servicePrincipal')"
                + " and createdDateTime ge " + since.truncatedTo(ChronoUnit.SECONDS);
        return values(get(endpoint.beta("/auditLogs/signIns?%24filter=" + encode(filter) + "&%24top=50")));
    }

    private Read<JsonNode> get(URI uri) {
        Secret t;
        try {
            t = token();
        } catch (TokenException e) {
            return new Failed<>("no token from Entra: " + e.reason());
        }
        try {
            GraphResponse r = http.send(GraphHttp.Request.get(uri, t), null);
            if (r.ok()) {
                return new Ok<>(r.json());
            }
            if (r.status() == 403) {
                return new Denied<>(r.error());
            }
            return new Failed<>(r.error().knowledgeLine());
        } catch (GraphException e) {
            return new Failed<>(e.getMessage());
        }
    }

    private static Read<List<JsonNode>> values(Read<JsonNode> r) {
        if (r instanceof Ok<JsonNode> ok) {
            List<JsonNode> out = new ArrayList<>();
            ok.value().path("value").forEach(out::add);
            return new Ok<>(out);
        }
        return cast(r);
    }

    @SuppressWarnings("unchecked")
    private static <T> Read<T> cast(Read<?> r) {
        return (Read<T>) r;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The first string of a node's field, for messages. */
    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
    }
}
