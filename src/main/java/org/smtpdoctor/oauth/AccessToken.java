package org.smtpdoctor.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The claims of an OAuth 2.0 access token (a JWT), read without checking its signature:
 * the client only needs to know what the token says, the server checks that it is genuine.
 * The token itself is never kept or shown, only its claims. Immutable.
 */
public record AccessToken(Optional<String> audience, Optional<String> tenant, Optional<String> appId,
                          Optional<Instant> expires, Optional<Instant> notBefore, List<String> roles, List<String> scopes,
                          Optional<String> user, Optional<String> objectId, boolean appOnly, Optional<String> issuer) {

    /** The token is not a JWT we can read; the message says which part is wrong. */
    public static final class MalformedToken extends Exception {
        public MalformedToken(String message) {
            super(message, null, false, false);
        }
    }

    public static AccessToken parse(String token) throws MalformedToken {
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new MalformedToken("a JWT has three dot-separated parts; this token has " + parts.length
                    + " (an opaque token, e.g. from a consumer account, cannot be inspected)");
        }
        decode(parts[0], "header");
        JsonNode claims = decode(parts[1], "payload");
        List<String> scopes = new ArrayList<>();
        String scp = claims.path("scp").asText("");
        for (String sc : scp.split(" ")) {
            if (!sc.isBlank()) {
                scopes.add(sc);
            }
        }
        List<String> roles = new ArrayList<>();
        claims.path("roles").forEach(r -> roles.add(r.asText()));
        return new AccessToken(text(claims, "aud"), text(claims, "tid"), text(claims, "appid").or(() -> text(claims, "azp")),
                time(claims, "exp"), time(claims, "nbf"), List.copyOf(roles), List.copyOf(scopes),
                text(claims, "upn").or(() -> text(claims, "preferred_username")).or(() -> text(claims, "unique_name")),
                text(claims, "oid"), appOnly(claims, scopes), text(claims, "iss"));
    }

    private static JsonNode decode(String part, String name) throws MalformedToken {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new MalformedToken("the " + name + " is not base64url");
        }
        try {
            JsonNode node = new ObjectMapper().readTree(new String(bytes, StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw new MalformedToken("the " + name + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedToken("the " + name + " is not JSON");
        }
    }

    private static Optional<String> text(JsonNode claims, String name) {
        JsonNode n = claims.get(name);
        return n == null || n.isNull() || n.asText().isBlank() ? Optional.empty() : Optional.of(n.asText());
    }

    private static Optional<Instant> time(JsonNode claims, String name) throws MalformedToken {
        JsonNode n = claims.get(name);
        if (n == null || !n.canConvertToLong()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochSecond(n.asLong()));
        } catch (DateTimeException e) {
            throw new MalformedToken("the " + name + " claim is not a time (seconds since 1970)");
        }
    }

    /**
     * App-only (client credentials) or delegated: Entra's idtyp claim says so when present;
     * otherwise a token with no scopes and no user is an app's (with or without roles: an app
     * without the SMTP.SendAsApp role gets a token with no roles claim at all).
     */
    private static boolean appOnly(JsonNode claims, List<String> scopes) {
        String idtyp = claims.path("idtyp").asText("");
        if (!idtyp.isEmpty()) {
            return idtyp.equals("app");
        }
        return scopes.isEmpty() && text(claims, "upn").or(() -> text(claims, "preferred_username"))
                .or(() -> text(claims, "unique_name")).isEmpty();
    }

    /** Issued by Microsoft Entra's worldwide cloud (v1 or v2 issuer), where tenants can be looked up by domain. */
    public boolean fromEntraWorldwide() {
        return issuer.map(i -> i.startsWith("https://sts.windows.net/") || i.startsWith("https://login.microsoftonline.com/"))
                .orElse(false);
    }

    /** For Exchange Online, in any Microsoft cloud. */
    public boolean forExchange() {
        return audience.map(MicrosoftCloud::isExchangeAudience).orElse(false);
    }

    /** The cloud whose Exchange Online this token is for, when its audience names one. */
    public Optional<MicrosoftCloud> cloud() {
        return MicrosoftCloud.ofAudience(audience);
    }
}
