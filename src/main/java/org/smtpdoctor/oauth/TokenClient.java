package org.smtpdoctor.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.smtpdoctor.smtp.Secret;

/**
 * Gets OAuth 2.0 access tokens from a Microsoft Entra authority (or any OAuth server laid
 * out like one) with Nimbus: client credentials with a secret or a certificate, the device
 * code flow, and refresh. Every request has the connect and read timeout given; every
 * failure is a {@link TokenException}. Stateless apart from its settings; thread-safe.
 */
public final class TokenClient {

    /** App-only (client credentials) tokens for SMTP AUTH: worldwide Exchange Online's .default scope. */
    public static final String APP_ONLY_SCOPE = MicrosoftCloud.GLOBAL.appOnlyScope();
    /** Delegated tokens for SMTP AUTH in the worldwide cloud, with a refresh token. */
    public static final String DELEGATED_SCOPE = MicrosoftCloud.GLOBAL.delegatedScope();

    /** Error bodies are kept for decoding, up to this many characters. */
    private static final int MAX_BODY = 64 * 1024;

    private final Authority authority;
    private final ClientID client;
    private final Duration timeout;

    public TokenClient(Authority authority, String clientId, Duration timeout) {
        this.authority = authority;
        this.client = new ClientID(clientId);
        this.timeout = timeout;
    }

    public Authority authority() {
        return authority;
    }

    public String clientId() {
        return client.getValue();
    }

    public TokenResult clientCredentials(ClientCredential credential, String scope) throws TokenException {
        URI endpoint = authority.tokenEndpoint();
        return token(new TokenRequest(endpoint, credential.authentication(client, endpoint), new ClientCredentialsGrant(),
                Scope.parse(scope)));
    }

    public TokenResult refresh(Secret refreshToken, String scope) throws TokenException {
        return token(new TokenRequest(authority.tokenEndpoint(), client,
                new RefreshTokenGrant(new RefreshToken(refreshToken.reveal())), Scope.parse(scope)));
    }

    /** What the user must do to let a device code flow go on. */
    public record DeviceCode(Secret deviceCode, String userCode, URI verificationUri, Instant expiresAt,
                             Duration interval, Optional<String> message) {}

    /** Sees the wait for the user: called about once a second with the time left. */
    public interface DeviceCodeListener {
        void waiting(DeviceCode code, Duration left);

        /** The user signed in and the token arrived. */
        default void signedIn(DeviceCode code) {
        }
    }

    public DeviceCode startDeviceCode(String scope) throws TokenException {
        HTTPResponse response = send(new DeviceAuthorizationRequest(authority.deviceCodeEndpoint(), client, Scope.parse(scope))
                .toHTTPRequest());
        try {
            DeviceAuthorizationResponse parsed = DeviceAuthorizationResponse.parse(response);
            if (!parsed.indicatesSuccess()) {
                throw refused(parsed.toErrorResponse().getErrorObject(), response);
            }
            DeviceAuthorizationSuccessResponse ok = parsed.toSuccessResponse();
            Object message = ok.getCustomParameters().get("message");
            return new DeviceCode(Secret.of(ok.getDeviceCode().getValue()), ok.getUserCode().getValue(), ok.getVerificationURI(),
                    Instant.now().plusSeconds(ok.getLifetime()), Duration.ofSeconds(Math.max(1, ok.getInterval())),
                    Optional.ofNullable(message).map(Object::toString));
        } catch (ParseException e) {
            throw badResponse(response);
        }
    }

    /**
     * Polls the token endpoint at the interval the server asked for (RFC 8628 section 3.5:
     * slower after slow_down) until the user has signed in, declined, or the code expired.
     */
    public TokenResult awaitDeviceCode(DeviceCode code, DeviceCodeListener listener, Clock clock) throws TokenException {
        Duration interval = code.interval();
        AuthorizationGrant grant = new DeviceCodeGrant(new com.nimbusds.oauth2.sdk.device.DeviceCode(code.deviceCode().reveal()));
        while (true) {
            Instant next = clock.instant().plus(interval);
            while (clock.instant().isBefore(next)) {
                Duration left = Duration.between(clock.instant(), code.expiresAt());
                if (left.isNegative()) {
                    throw TokenException.local("the device code expired before the sign-in was completed; run again");
                }
                listener.waiting(code, left);
                sleep(Duration.ofMillis(Math.min(1000, Math.max(1, Duration.between(clock.instant(), next).toMillis()))));
            }
            try {
                TokenResult result = token(new TokenRequest(authority.tokenEndpoint(), client, grant));
                listener.signedIn(code);
                return result;
            } catch (TokenException e) {
                String error = e.body().map(TokenClient::errorCode).orElse("");
                if (error.equals("authorization_pending")) {
                    continue;
                }
                if (error.equals("slow_down")) {
                    interval = interval.plusSeconds(5);
                    continue;
                }
                throw e;
            }
        }
    }

    private TokenResult token(TokenRequest request) throws TokenException {
        HTTPResponse response = send(request.toHTTPRequest());
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(response);
        } catch (ParseException e) {
            throw badResponse(response);
        }
        if (!parsed.indicatesSuccess()) {
            throw refused(((TokenErrorResponse) parsed).getErrorObject(), response);
        }
        Tokens tokens = parsed.toSuccessResponse().getTokens();
        long lifetime = tokens.getAccessToken().getLifetime();
        return new TokenResult(Secret.of(tokens.getAccessToken().getValue()),
                Instant.now().plusSeconds(lifetime > 0 ? lifetime : 3600),
                Optional.ofNullable(tokens.getRefreshToken()).map(r -> Secret.of(r.getValue())));
    }

    private HTTPResponse send(HTTPRequest request) throws TokenException {
        request.setConnectTimeout((int) timeout.toMillis());
        request.setReadTimeout((int) timeout.toMillis());
        request.setFollowRedirects(false);
        String where = request.getURI().getHost() + (request.getURI().getPort() > 0 ? ":" + request.getURI().getPort() : "");
        try {
            return request.send();
        } catch (UnknownHostException e) {
            throw unreachable("cannot resolve " + request.getURI().getHost() + " (DNS)");
        } catch (ConnectException e) {
            throw unreachable("cannot connect to " + where + " (" + e.getMessage() + ")");
        } catch (SocketTimeoutException e) {
            throw unreachable("no answer from " + where + " within " + timeout.toSeconds() + " s");
        } catch (SSLException e) {
            throw unreachable("TLS with " + where + " failed (" + e.getMessage() + "); a proxy intercepting TLS?");
        } catch (IOException e) {
            org.smtpdoctor.smtp.TransportException t = org.smtpdoctor.net.TcpConnector.classify(e, where);
            throw unreachable(t.kind() == org.smtpdoctor.smtp.TransportException.Kind.IO && e.getMessage() != null
                    ? "cannot reach " + where + " (" + e.getMessage() + ")" : t.getMessage());
        }
    }

    private static TokenException unreachable(String message) {
        return new TokenException(TokenException.Kind.UNREACHABLE, "token endpoint unreachable: " + message, 0, "");
    }

    private static TokenException refused(ErrorObject error, HTTPResponse response) {
        // Entra appends trace and correlation ids and a timestamp; the first line is the reason.
        String description = Optional.ofNullable(error.getDescription()).map(d -> d.split("\\r?\\n|Trace ID:", 2)[0].trim())
                .orElse("");
        return new TokenException(TokenException.Kind.REFUSED, "the token endpoint refused: " + error.getCode()
                + (description.isEmpty() ? "" : " (" + description + ")"), response.getStatusCode(), body(response));
    }

    private static TokenException badResponse(HTTPResponse response) {
        return new TokenException(TokenException.Kind.BAD_RESPONSE, "the token endpoint answered HTTP " + response.getStatusCode()
                + " with something that is not an OAuth response (wrong --authority?)", response.getStatusCode(), body(response));
    }

    private static String body(HTTPResponse response) {
        String b = Optional.ofNullable(response.getBody()).orElse("");
        return b.length() > MAX_BODY ? b.substring(0, MAX_BODY) : b;
    }

    /** The "error" member of an OAuth error body, or empty. */
    static String errorCode(String body) {
        try {
            return String.valueOf(com.nimbusds.oauth2.sdk.util.JSONObjectUtils.parse(body).get("error"));
        } catch (ParseException e) {
            return "";
        }
    }

    private static void sleep(Duration d) throws TokenException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TokenException.local("interrupted while waiting for the sign-in");
        }
    }
}
