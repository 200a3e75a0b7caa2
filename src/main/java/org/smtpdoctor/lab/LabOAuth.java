package org.smtpdoctor.lab;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * The lab's Microsoft Entra ID: an OAuth 2.0 authorization server (mock-oauth2-server) on
 * 127.0.0.1 that issues access tokens to client-credentials requests, laid out like
 * login.microsoftonline.com: the token endpoint is
 * {@code authority() + "/" + tenant() + "/oauth2/v2.0/token"}, the keys are at
 * {@link #jwksUri()}. It accepts any client id and any client secret; the lab's app is
 * {@link #clientId()} and {@link #CLIENT_SECRET} is a value to show people.
 * <p>
 * Tokens are RS256 JWTs shaped like Entra's app-only tokens for Exchange Online
 * ({@code scope=https://outlook.office365.com/.default}): {@code aud}, {@code iss},
 * {@code tid}, {@code appid} and {@code azp} (the requesting client id), {@code oid} and
 * {@code sub} (the app's service principal), {@code idtyp=app} and
 * {@code roles=["SMTP.SendAsApp"]}, valid for 3599 s. An {@link Issuance} changes what
 * a scenario's tokens say (audience, roles, already expired), whatever the client asks for.
 * Each server signs with its own RSA key, generated when the first token or the JWK set
 * is asked for.
 * <p>
 * Lifecycle: {@link #start} binds a free port, {@link #close()} stops the server. Thread-safe.
 */
public final class LabOAuth implements AutoCloseable {

    /** The lab's tenant (directory) id: invented, GUID-shaped. */
    public static final String TENANT = "5ab7e9d0-0c70-4d0c-9365-00000000c0de";
    /** The lab's app registration (application / client id): invented, GUID-shaped. */
    public static final String CLIENT_ID = "1ab0c11e-a700-4d0c-9587-000000000587";
    /** A client secret to show people; the lab's Entra accepts any value. */
    public static final String CLIENT_SECRET = "lab-secret";
    /** What an app asks for to send with SMTP AUTH (Microsoft's OAuth doc for IMAP/POP/SMTP). */
    public static final String EXCHANGE_SCOPE = "https://outlook.office365.com/.default";

    /** Object id of the lab app's service principal (Enterprise application): the token's {@code oid}. */
    static final String SERVICE_PRINCIPAL_ID = "1ab05e72-0000-4d0c-9587-0000000000e1";
    static final String EXCHANGE_AUDIENCE = "https://outlook.office365.com";
    static final String GRAPH_AUDIENCE = "https://graph.microsoft.com";
    static final String SEND_AS_APP = "SMTP.SendAsApp";
    /** Entra's {@code expires_in} for a client-credentials token. */
    static final Duration LIFETIME = Duration.ofSeconds(3599);

    /**
     * What the tokens of one lab say.
     *
     * @param audience the {@code aud} claim
     * @param roles the {@code roles} claim; empty: no such claim (no application permission granted)
     * @param expired issued two hours ago with the usual lifetime, so expired an hour before the client gets it
     */
    record Issuance(String audience, List<String> roles, boolean expired) {
        static final Issuance EXCHANGE = new Issuance(EXCHANGE_AUDIENCE, List.of(SEND_AS_APP), false);

        Issuance {
            Objects.requireNonNull(audience, "audience");
            roles = List.copyOf(roles);
        }
    }

    /** The mock names an issuer by the path before {@code /token}; this gives Entra's layout. */
    private static final String ISSUER_ID = TENANT + "/oauth2/v2.0";

    private final MockOAuth2Server server;
    private final String authority;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LabOAuth(MockOAuth2Server server, String authority) {
        this.server = server;
        this.authority = authority;
    }

    /**
     * Starts the lab's Entra on 127.0.0.1, any free port.
     *
     * @throws IOException if it cannot listen
     */
    static LabOAuth start(Issuance issuance) throws IOException {
        OAuth2TokenCallback tokens = new ExchangeTokens(issuance);
        // No initial keys: the mock's default ones are published in its jar, so anyone could sign lab tokens.
        KeyProvider freshKey = new KeyProvider(List.of(), JWSAlgorithm.RS256.getName());
        MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(false, null, null, false,
                new OAuth2TokenProvider(freshKey), Set.of(tokens)));
        try {
            server.start(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}), 0);
        } catch (RuntimeException e) {
            throw new IOException("the lab's OAuth server cannot start: " + e.getMessage(), e);
        }
        // the address, not "localhost", which may resolve to ::1 where nothing listens
        return new LabOAuth(server, "http://127.0.0.1:" + server.baseUrl().port());
    }

    /** Base URL without a trailing slash, in place of {@code https://login.microsoftonline.com}. */
    public String authority() {
        return authority;
    }

    public String tenant() {
        return TENANT;
    }

    public String clientId() {
        return CLIENT_ID;
    }

    /** {@code authority() + "/" + tenant() + "/oauth2/v2.0/token"}. */
    public String tokenEndpoint() {
        return issuer() + "/token";
    }

    /** Where the token-signing public keys are (a JWK set). */
    public String jwksUri() {
        return issuer() + "/jwks";
    }

    /** The {@code iss} of every token: {@code authority() + "/" + tenant() + "/oauth2/v2.0"}. */
    public String issuer() {
        return authority + "/" + ISSUER_ID;
    }

    /** Fetches the public keys from {@link #jwksUri()}, as a resource server does (2 s timeouts). */
    JWKSet fetchKeys() throws IOException {
        try {
            return JWKSet.load(new URL(jwksUri()), 2_000, 2_000, 64 * 1024);
        } catch (ParseException e) {
            throw new IOException("the lab's OAuth server sent an unreadable JWK set", e);
        }
    }

    /** Stops the server; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
        }
    }

    @Override
    public String toString() {
        return "LabOAuth[" + authority + ", tenant " + TENANT + (closed.get() ? ", closed" : "") + "]";
    }

    /** The claims of every token the lab's Entra issues, per {@link Issuance}. */
    private record ExchangeTokens(Issuance issuance) implements OAuth2TokenCallback {

        @Override
        public String issuerId() {
            return ISSUER_ID;
        }

        @Override
        public String subject(TokenRequest request) {
            return SERVICE_PRINCIPAL_ID; // app-only tokens: sub = oid of the service principal
        }

        @Override
        public String typeHeader(TokenRequest request) {
            return "JWT";
        }

        @Override
        public List<String> audience(TokenRequest request) {
            return List.of(issuance.audience());
        }

        @Override
        public Map<String, Object> addClaims(TokenRequest request) {
            ClientID client = request.getClientAuthentication() != null
                    ? request.getClientAuthentication().getClientID() : request.getClientID();
            String appId = client != null ? client.getValue() : CLIENT_ID;
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("tid", TENANT);
            claims.put("appid", appId);
            claims.put("azp", appId);
            claims.put("oid", SERVICE_PRINCIPAL_ID);
            claims.put("idtyp", "app");
            claims.put("app_displayname", "smtp-doctor lab");
            if (!issuance.roles().isEmpty()) {
                claims.put("roles", issuance.roles());
            }
            if (issuance.expired()) {
                // added after the mock's own iat/nbf/exp, so these win
                Instant issued = Instant.now().minus(Duration.ofHours(2));
                claims.put("iat", Date.from(issued));
                claims.put("nbf", Date.from(issued));
                claims.put("exp", Date.from(issued.plus(LIFETIME)));
            }
            return claims;
        }

        @Override
        public long tokenExpiry() {
            return LIFETIME.toSeconds();
        }
    }
}
