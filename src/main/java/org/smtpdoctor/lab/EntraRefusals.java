package org.smtpdoctor.lab;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What the lab's Entra refuses before it issues a token, answered as Microsoft Entra answers
 * it, so that the lab demonstrates these diagnoses too:
 * <ul>
 * <li>the token endpoint asked with another method than POST: AADSTS900561 (400 {@code invalid_request});</li>
 * <li>a tenant that is not a GUID nor a domain name: AADSTS900023 (400 {@code invalid_request});</li>
 * <li>a tenant the lab does not hold: AADSTS90002 (400 {@code invalid_request});</li>
 * <li>{@code common} or {@code organizations} for the lab's single-tenant app: AADSTS50194 (400);</li>
 * <li>a client id other than the lab app's: AADSTS700016 (400 {@code unauthorized_client});</li>
 * <li>no {@code grant_type}, or one the lab's app cannot use (it is a confidential app: client
 *     credentials only): AADSTS9002313 (400 {@code invalid_request});</li>
 * <li>client credentials without a secret or assertion: AADSTS7000218 (401 {@code invalid_client});</li>
 * <li>a client secret the app does not have ({@link LabOAuth#CLIENT_SECRET}, or one added): AADSTS7000215 (401 {@code invalid_client});</li>
 * <li>client credentials without a scope: AADSTS90014 (400 {@code invalid_request}); with a
 *     scope that is not a resource's {@code /.default}: AADSTS1002012 (400 {@code invalid_scope}).</li>
 * </ul>
 * Entra checks in that order. The body has Entra's shape ({@code error}, {@code error_description}
 * ending in Trace ID, Correlation ID and Timestamp lines, {@code error_codes}, {@code timestamp},
 * {@code trace_id}, {@code correlation_id}, {@code error_uri}); the wording is Microsoft's as
 * recorded in rules/entra.yaml's examples. A certificate (client assertion) is not checked.
 * Stateless apart from the clock; thread-safe.
 */
final class EntraRefusals {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String DEFAULT_SUFFIX = "/.default";

    /** One refusal: HTTP status, OAuth error, AADSTS code and Microsoft's message for it. */
    record Refusal(int status, String error, int code, String message) {}

    /**
     * One request to the lab's Entra, as far as a refusal depends on it.
     *
     * @param method the HTTP method
     * @param tenant the tenant segment of the path ({@code /{tenant}/oauth2/v2.0/token})
     * @param endpoint the last segment of the path: {@code token} or {@code devicecode}
     * @param form the form fields of the body (the first value of each)
     * @param authorization the Authorization header, if any
     */
    record Request(String method, String tenant, String endpoint, Map<String, String> form, Optional<String> authorization) {
        Request {
            form = Map.copyOf(form);
        }

        Optional<String> field(String name) {
            return Optional.ofNullable(form.get(name)).filter(v -> !v.isEmpty());
        }

        /** client_id from the form, HTTP Basic, or a client assertion's issuer. */
        Optional<String> clientId() {
            return field("client_id").or(() -> basic().map(b -> b.get(0)))
                    .or(() -> field("client_assertion").flatMap(EntraRefusals::issuer));
        }

        Optional<String> secret() {
            return field("client_secret").or(() -> basic().map(b -> b.get(1)));
        }

        /** RFC 6749 section 2.3.1: Basic with the form-encoded client id and secret. */
        private Optional<List<String>> basic() {
            String header = authorization.orElse("");
            if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return Optional.empty();
            }
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon < 0) {
                    return Optional.empty();
                }
                return Optional.of(List.of(java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private final String tenant;
    private final String clientId;
    private final Predicate<String> knownSecret;
    private final Clock clock;

    /** @param knownSecret whether a secret is one of the app's (the set may grow: {@link LabOAuth#addClientSecret}) */
    EntraRefusals(String tenant, String clientId, Predicate<String> knownSecret, Clock clock) {
        this.tenant = tenant;
        this.clientId = clientId;
        this.knownSecret = knownSecret;
        this.clock = clock;
    }

    /** Why Entra would refuse this request to its token or device code endpoint; empty when it issues a token. */
    Optional<Refusal> refusal(Request request) {
        if (!request.method().equals("POST")) {
            return Optional.of(new Refusal(400, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. "
                    + "Received a " + request.method() + " request."));
        }
        Optional<Refusal> tenantRefusal = tenantRefusal(request.tenant(), request.clientId().orElse(clientId));
        if (tenantRefusal.isPresent()) {
            return tenantRefusal;
        }
        Optional<String> client = request.clientId();
        if (client.isPresent() && !client.get().equalsIgnoreCase(clientId)) {
            return Optional.of(new Refusal(400, "unauthorized_client", 700016, "Application with identifier '" + client.get()
                    + "' was not found in the directory '" + tenant + "'. This can happen if the application has not been "
                    + "installed by the administrator of the tenant or consented to by any user in the tenant. You may have "
                    + "sent your authentication request to the wrong tenant."));
        }
        if (!request.endpoint().equals("token") || !"client_credentials".equals(request.field("grant_type").orElse(""))) {
            // The lab's app is confidential and has no user: no device code, no other grant.
            return Optional.of(new Refusal(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid."));
        }
        Optional<String> secret = request.secret();
        if (secret.isEmpty() && request.field("client_assertion").isEmpty()) {
            return Optional.of(new Refusal(401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."));
        }
        if (secret.isPresent() && !knownSecret.test(secret.get())) {
            return Optional.of(new Refusal(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                    + "being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + clientId + "'."));
        }
        Optional<String> scope = request.field("scope");
        if (scope.isEmpty()) {
            return Optional.of(new Refusal(400, "invalid_request", 90014, "The required field 'scope' is missing from the "
                    + "credential. Ensure that you have all the necessary parameters for the login request."));
        }
        for (String s : scope.get().trim().split(" +")) {
            if (!s.endsWith(DEFAULT_SUFFIX)) {
                return Optional.of(new Refusal(400, "invalid_scope", 1002012, "The provided value for scope " + s + " is not valid. "
                        + "Client credential flows must have a scope value with /.default suffixed to the resource identifier "
                        + "(application ID URI)."));
            }
        }
        return Optional.empty();
    }

    /**
     * Why Entra would refuse any request naming this tenant (the token endpoint, the metadata,
     * the keys); empty for the lab's own tenant.
     *
     * @param client the app named in the request, for AADSTS50194's message
     */
    Optional<Refusal> tenantRefusal(String asked, String client) {
        if (asked.equalsIgnoreCase("common") || asked.equalsIgnoreCase("organizations") || asked.equalsIgnoreCase("consumers")) {
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
        return Optional.empty();
    }

    /** Entra's error body, with fresh trace and correlation ids and the time of the answer. */
    String body(Refusal r) {
        String trace = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        String time = TIMESTAMP.format(clock.instant());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", r.error());
        doc.put("error_description", "AADSTS" + r.code() + ": " + r.message() + "\r\nTrace ID: " + trace
                + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + time);
        doc.put("error_codes", List.of(r.code()));
        doc.put("timestamp", time);
        doc.put("trace_id", trace);
        doc.put("correlation_id", correlation);
        doc.put("error_uri", "https://login.microsoftonline.com/error?code=" + r.code());
        return JSONObjectUtils.toJSONString(doc);
    }

    /** The {@code iss} of a client assertion (a JWT), read without checking its signature. */
    private static Optional<String> issuer(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            Object iss = JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).get("iss");
            return iss instanceof String s ? Optional.of(s) : Optional.empty();
        } catch (java.text.ParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
