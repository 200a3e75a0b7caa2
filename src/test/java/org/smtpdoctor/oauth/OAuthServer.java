package org.smtpdoctor.oauth;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;

/**
 * mock-oauth2-server on 127.0.0.1 laid out like login.microsoftonline.com, for tests. The
 * server has no device code grant (RFC 8628), so two routes add it in front of its own: the
 * device authorization endpoint, and device_code requests to the token endpoint, which stay
 * pending until the test signs the user in ({@link #approveDevice}) and then get a token
 * signed by the server's own key. The refresh token handed out with it comes from the
 * server's real authorization code flow, so refreshing exercises the server's own grant.
 */
public final class OAuthServer implements AutoCloseable {
    public static final String TENANT = "contoso.onmicrosoft.com";
    public static final String UNKNOWN_TENANT = "no-such-tenant.onmicrosoft.com";
    public static final String CLIENT = "11111111-2222-3333-4444-555555555555";

    public final MockOAuth2Server server;
    final AtomicBoolean approved = new AtomicBoolean();
    final AtomicInteger devicePolls = new AtomicInteger();
    volatile String refreshToken = "";

    public OAuthServer() throws Exception {
        server = new MockOAuth2Server(new DeviceAuthorization(), new DeviceToken(), new UnknownTenant());
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    public Authority authority() {
        return new Authority(URI.create(server.baseUrl().toString()), TENANT);
    }

    public String issuerId() {
        return TENANT + "/oauth2/v2.0";
    }

    void approveDevice() {
        approved.set(true);
    }

    /** A refresh token from the server's authorization code flow (response_type=code, then the code grant). */
    String realRefreshToken() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String redirect = "http://127.0.0.1/cb";
        URI authorize = URI.create(server.authorizationEndpointUrl(issuerId()) + "?client_id=" + CLIENT
                + "&response_type=code&scope=openid%20offline_access&state=s&nonce=n&redirect_uri=" + redirect);
        String location = http.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.discarding())
                .headers().firstValue("location").orElseThrow();
        String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
        String body = http.send(HttpRequest.newBuilder(URI.create(server.tokenEndpointUrl(issuerId()).toString()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=" + CLIENT
                        + "&client_secret=x&code=" + code + "&redirect_uri=" + redirect)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.replaceAll("(?s).*\"refresh_token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    @Override
    public void close() {
        server.shutdown();
    }

    private static OAuth2HttpResponse json(int status, String body) {
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), status, body, null);
    }

    private final class DeviceAuthorization implements Route {
        @Override
        public boolean match(OAuth2HttpRequest r) {
            return r.getMethod().equals("POST") && r.getUrl().encodedPath().endsWith("/oauth2/v2.0/devicecode");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest r) {
            return json(200, "{\"device_code\":\"dc-" + System.nanoTime() + "\",\"user_code\":\"LAB-CODE\","
                    + "\"verification_uri\":\"http://127.0.0.1/devicelogin\",\"expires_in\":900,\"interval\":1,"
                    + "\"message\":\"To sign in, use a web browser to open the page http://127.0.0.1/devicelogin and enter the code LAB-CODE to authenticate.\"}");
        }
    }

    private final class DeviceToken implements Route {
        @Override
        public boolean match(OAuth2HttpRequest r) {
            return r.getMethod().equals("POST") && r.getUrl().encodedPath().endsWith("/token")
                    && "urn:ietf:params:oauth:grant-type:device_code".equals(r.getFormParameters().get("grant_type"));
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest r) {
            devicePolls.incrementAndGet();
            if (!approved.get()) {
                return json(400, "{\"error\":\"authorization_pending\",\"error_description\":\"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.\",\"error_codes\":[70016]}");
            }
            String token = server.issueToken(issuerId(), CLIENT, new DefaultOAuth2TokenCallback(issuerId(), "user-oid",
                    "JWT", List.of("https://outlook.office.com"), Map.of("scp", "SMTP.Send", "upn", "scanner@contoso.com",
                    "tid", TENANT), 3600)).serialize();
            return json(200, "{\"token_type\":\"Bearer\",\"access_token\":\"" + token + "\",\"expires_in\":3600,"
                    + (refreshToken.isEmpty() ? "" : "\"refresh_token\":\"" + refreshToken + "\",") + "\"scope\":\"https://outlook.office.com/SMTP.Send\"}");
        }
    }

    /** Entra's answer for a tenant that does not exist (shape from Microsoft's error-code reference). */
    private static final class UnknownTenant implements Route {
        @Override
        public boolean match(OAuth2HttpRequest r) {
            return r.getUrl().encodedPath().startsWith("/" + UNKNOWN_TENANT + "/");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest r) {
            return json(400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: Tenant '" + UNKNOWN_TENANT
                    + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
                    + "\\r\\nTrace ID: 0b7e7a2c-1f00-4a4e-9a3e-3c2d1e0f0a00\\r\\nCorrelation ID: 5d1c0e4b-2a9f-4b7e-8f3a-6e2d9c1b0a11"
                    + "\\r\\nTimestamp: 2026-11-28 11:00:00Z\",\"error_codes\":[90002],\"timestamp\":\"2026-11-28 11:00:00Z\","
                    + "\"trace_id\":\"0b7e7a2c-1f00-4a4e-9a3e-3c2d1e0f0a00\",\"correlation_id\":\"5d1c0e4b-2a9f-4b7e-8f3a-6e2d9c1b0a11\","
                    + "\"error_uri\":\"https://login.microsoftonline.com/error?code=90002\"}");
        }
    }

    static String form(String body, String name) {
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8);
            }
        }
        return null;
    }

}
