package org.smtpdoctor.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;

/**
 * What the lab's Entra refuses before mock-oauth2-server would issue a token, answered as
 * Microsoft Entra answers it, so that the lab demonstrates these diagnoses too:
 * <ul>
 * <li>a tenant that is not a GUID nor a domain name: AADSTS900023 (400 {@code invalid_request});</li>
 * <li>a tenant the lab does not hold: AADSTS90002 (400 {@code invalid_request});</li>
 * <li>{@code common} or {@code organizations} for the lab's single-tenant app: AADSTS50194 (400);</li>
 * <li>a client id other than the lab app's: AADSTS700016 (400 {@code unauthorized_client});</li>
 * <li>client credentials without a secret or assertion: AADSTS7000218 (401 {@code invalid_client});</li>
 * <li>a client secret the app does not have ({@link LabOAuth#CLIENT_SECRET}, or one added): AADSTS7000215 (401 {@code invalid_client}).</li>
 * </ul>
 * Entra checks in that order. The body has Entra's shape ({@code error}, {@code error_description}
 * ending in Trace ID, Correlation ID and Timestamp lines, {@code error_codes}, {@code timestamp},
 * {@code trace_id}, {@code correlation_id}, {@code error_uri}); the wording is Microsoft's as
 * recorded in rules/entra.yaml's examples. A certificate (client assertion) is not checked.
 * Stateless apart from the clock; thread-safe.
 */
final class EntraRefusals implements Route {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN_PATH = Pattern.compile("^/([^/]+)/oauth2/v2\\.0/(token|devicecode)$");
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** One refusal: HTTP status, OAuth error, AADSTS code and Microsoft's message for it. */
    record Refusal(int status, String error, int code, String message) {}

    private final String tenant;
    private final String clientId;
    private final java.util.function.Predicate<String> knownSecret;
    private final Clock clock;

    /** @param knownSecret whether a secret is one of the app's (the set may grow: {@link LabOAuth#addClientSecret}) */
    EntraRefusals(String tenant, String clientId, java.util.function.Predicate<String> knownSecret, Clock clock) {
        this.tenant = tenant;
        this.clientId = clientId;
        this.knownSecret = knownSecret;
        this.clock = clock;
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        return refusal(request).isPresent();
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        Refusal r = refusal(request).orElseThrow();
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json; charset=utf-8", "Cache-Control", "no-store"),
                r.status(), body(r), null);
    }

    /** Why Entra would refuse this request; empty when the mock may answer it. */
    Optional<Refusal> refusal(OAuth2HttpRequest request) {
        Matcher path = TOKEN_PATH.matcher(request.getUrl().encodedPath());
        if (!path.matches() || !request.getMethod().equals("POST")) {
            return Optional.empty();
        }
        String asked = path.group(1);
        if (asked.equalsIgnoreCase("common") || asked.equalsIgnoreCase("organizations") || asked.equalsIgnoreCase("consumers")) {
            String client = clientIdOf(request).orElse(clientId);
            return Optional.of(new Refusal(400, "invalid_request", 50194, "Application '" + client + "'(smtp-doctor lab) is not "
                    + "configured as a multi-tenant application. Usage of the /" + asked + " endpoint is not supported for such "
                    + "applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be "
                    + "multi-tenant."));
        }
        if (!GUID.matcher(asked).matches() && !asked.contains(".")) {
            return Optional.of(new Refusal(400, "invalid_request", 900023, "Specified tenant identifier '" + asked
                    + "' is neither a valid DNS name, nor a valid external domain."));
        }
        if (!asked.equalsIgnoreCase(tenant)) {
            return Optional.of(new Refusal(400, "invalid_request", 90002, "Tenant '" + asked + "' not found. Check to make sure "
                    + "you have the correct tenant ID and are signing into the correct cloud. Check with your subscription "
                    + "administrator, this may happen if there are no active subscriptions for the tenant."));
        }
        Optional<String> client = clientIdOf(request);
        if (client.isPresent() && !client.get().equalsIgnoreCase(clientId)) {
            return Optional.of(new Refusal(400, "unauthorized_client", 700016, "Application with identifier '" + client.get()
                    + "' was not found in the directory '" + tenant + "'. This can happen if the application has not been "
                    + "installed by the administrator of the tenant or consented to by any user in the tenant. You may have "
                    + "sent your authentication request to the wrong tenant."));
        }
        if (!"client_credentials".equals(form(request, "grant_type").orElse(""))) {
            return Optional.empty();
        }
        Optional<String> secret = secretOf(request);
        if (secret.isEmpty() && form(request, "client_assertion").isEmpty()) {
            return Optional.of(new Refusal(401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."));
        }
        if (secret.isPresent() && !knownSecret.test(secret.get())) {
            return Optional.of(new Refusal(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                    + "being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + clientId + "'."));
        }
        return Optional.empty();
    }

    /** Entra's error body, with fresh trace and correlation ids and the time of the answer. */
    String body(Refusal r) {
        String trace = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        String time = TIMESTAMP.format(clock.instant());
        ObjectNode doc = JSON.createObjectNode()
                .put("error", r.error())
                .put("error_description", "AADSTS" + r.code() + ": " + r.message() + "\r\nTrace ID: " + trace
                        + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + time);
        doc.putArray("error_codes").add(r.code());
        doc.put("timestamp", time).put("trace_id", trace).put("correlation_id", correlation)
                .put("error_uri", "https://login.microsoftonline.com/error?code=" + r.code());
        return doc.toString();
    }

    /** client_id from the form, HTTP Basic, or a client assertion's issuer. */
    private static Optional<String> clientIdOf(OAuth2HttpRequest request) {
        return form(request, "client_id").or(() -> basic(request).map(b -> b[0]))
                .or(() -> form(request, "client_assertion").flatMap(EntraRefusals::issuer));
    }

    private static Optional<String> secretOf(OAuth2HttpRequest request) {
        return form(request, "client_secret").or(() -> basic(request).map(b -> b[1]));
    }

    private static Optional<String> form(OAuth2HttpRequest request, String name) {
        if (request.getBody() == null || request.getBody().isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(request.getFormParameters().get(name)).filter(v -> !v.isEmpty());
    }

    /** RFC 6749 section 2.3.1: Basic with the form-encoded client id and secret. */
    private static Optional<String[]> basic(OAuth2HttpRequest request) {
        String header = request.getHeaders().get("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            return Optional.of(new String[] {java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8),
                java.net.URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The {@code iss} of a client assertion (a JWT), read without checking its signature. */
    private static Optional<String> issuer(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("iss").textValue());
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
