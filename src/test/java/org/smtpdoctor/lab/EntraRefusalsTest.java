package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.oauth.EntraError;

/** The lab's Entra refuses an unknown tenant, app or secret as Microsoft Entra does, over HTTP. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EntraRefusalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCOPE = "&scope=https%3A%2F%2Foutlook.office365.com%2F.default";
    private static LabOAuth entra;

    @BeforeAll
    static void start() throws Exception {
        entra = LabOAuth.start(LabOAuth.Issuance.EXCHANGE);
    }

    @AfterAll
    static void stop() {
        entra.close();
    }

    private static HttpResponse<String> ask(String tenant, String clientId, String secret) throws Exception {
        return TokenRequests.post(entra.authority(), tenant, "grant_type=client_credentials&client_id=" + clientId
                + (secret == null ? "" : "&client_secret=" + secret) + SCOPE);
    }

    /** Entra's shape: error, error_description with its trace lines, error_codes, timestamp, ids, error_uri. */
    private static JsonNode refusal(HttpResponse<String> response, int status, String error, int code, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_codes")).hasSize(1);
        assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(code);
        String traceId = body.get("trace_id").asText();
        String correlationId = body.get("correlation_id").asText();
        String timestamp = body.get("timestamp").asText();
        assertThat(traceId).matches("[0-9a-f-]{36}");
        assertThat(correlationId).matches("[0-9a-f-]{36}").isNotEqualTo(traceId);
        assertThat(timestamp).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ");
        assertThat(body.get("error_description").asText()).isEqualTo("AADSTS" + code + ": " + message + "\r\nTrace ID: " + traceId
                + "\r\nCorrelation ID: " + correlationId + "\r\nTimestamp: " + timestamp);
        assertThat(body.get("error_uri").asText()).isEqualTo("https://login.microsoftonline.com/error?code=" + code);
        // smtp-doctor's own reader of Entra's errors understands it as it understands Entra.
        EntraError parsed = EntraError.parse(status, response.body());
        assertThat(parsed.code()).contains(code);
        assertThat(parsed.traceId()).contains(traceId);
        assertThat(parsed.correlationId()).contains(correlationId);
        assertThat(parsed.description()).isEqualTo(message);
        return body;
    }

    @Test
    void a_tenant_it_does_not_hold_is_AADSTS90002() throws Exception {
        refusal(ask("00000000-0000-0000-0000-00000000dead", entra.clientId(), LabOAuth.CLIENT_SECRET), 400, "invalid_request", 90002,
                "Tenant '00000000-0000-0000-0000-00000000dead' not found. Check to make sure you have the correct tenant ID and are "
                        + "signing into the correct cloud. Check with your subscription administrator, this may happen if there are no "
                        + "active subscriptions for the tenant.");
        refusal(ask("fabrikam.onmicrosoft.com", entra.clientId(), LabOAuth.CLIENT_SECRET), 400, "invalid_request", 90002,
                "Tenant 'fabrikam.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID and are "
                        + "signing into the correct cloud. Check with your subscription administrator, this may happen if there are no "
                        + "active subscriptions for the tenant.");
    }

    @Test
    void a_tenant_that_is_no_name_is_AADSTS900023_and_the_common_endpoints_AADSTS50194() throws Exception {
        refusal(ask("wrong", entra.clientId(), LabOAuth.CLIENT_SECRET), 400, "invalid_request", 900023,
                "Specified tenant identifier 'wrong' is neither a valid DNS name, nor a valid external domain.");
        assertThat(JSON.readTree(ask("organizations", entra.clientId(), LabOAuth.CLIENT_SECRET).body()).get("error_codes").get(0).asInt())
                .isEqualTo(50194);
    }

    @Test
    void an_app_it_does_not_know_is_AADSTS700016() throws Exception {
        refusal(ask(entra.tenant(), "11111111-2222-3333-4444-555555555555", LabOAuth.CLIENT_SECRET), 400, "unauthorized_client", 700016,
                "Application with identifier '11111111-2222-3333-4444-555555555555' was not found in the directory '" + entra.tenant()
                        + "'. This can happen if the application has not been installed by the administrator of the tenant or consented "
                        + "to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");
    }

    @Test
    void a_wrong_or_missing_secret_is_AADSTS7000215_or_AADSTS7000218() throws Exception {
        refusal(ask(entra.tenant(), entra.clientId(), "0a1b2c3d-secret-id-not-value"), 401, "invalid_client", 7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the "
                        + "client secret ID, for a secret added to app '" + entra.clientId() + "'.");
        refusal(ask(entra.tenant(), entra.clientId(), null), 401, "invalid_client", 7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    @Test
    void a_secret_added_to_the_app_is_accepted_beside_the_demo_one() throws Exception {
        try (LabOAuth own = LabOAuth.start(LabOAuth.Issuance.EXCHANGE)) {
            String canary = "Canary-added-" + System.nanoTime();
            assertThat(TokenRequests.post(own.authority(), own.tenant(), "grant_type=client_credentials&client_id=" + own.clientId()
                    + "&client_secret=" + canary + SCOPE).statusCode()).isEqualTo(401);
            own.addClientSecret(canary);
            assertThat(TokenRequests.post(own.authority(), own.tenant(), "grant_type=client_credentials&client_id=" + own.clientId()
                    + "&client_secret=" + canary + SCOPE).statusCode()).isEqualTo(200);
            assertThat(TokenRequests.post(own.authority(), own.tenant(), "grant_type=client_credentials&client_id=" + own.clientId()
                    + "&client_secret=" + LabOAuth.CLIENT_SECRET + SCOPE).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void the_right_app_gets_its_token_with_the_secret_in_the_form_or_in_http_basic() throws Exception {
        assertThat(ask(entra.tenant(), entra.clientId(), LabOAuth.CLIENT_SECRET).body()).contains("\"access_token\"");
        String basic = Base64.getEncoder().encodeToString((entra.clientId() + ":" + LabOAuth.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> viaBasic = TokenRequests.post(entra.authority(), entra.tenant(), "grant_type=client_credentials" + SCOPE,
                "Authorization", "Basic " + basic);
        assertThat(viaBasic.statusCode()).as(viaBasic.body()).isEqualTo(200);
        String wrongBasic = Base64.getEncoder().encodeToString((entra.clientId() + ":nope").getBytes(StandardCharsets.UTF_8));
        assertThat(TokenRequests.post(entra.authority(), entra.tenant(), "grant_type=client_credentials" + SCOPE,
                "Authorization", "Basic " + wrongBasic).statusCode()).isEqualTo(401);
    }

    @Test
    void client_credentials_without_a_scope_or_with_a_named_permission_are_AADSTS90014_and_AADSTS1002012() throws Exception {
        String base = "grant_type=client_credentials&client_id=" + entra.clientId() + "&client_secret=" + LabOAuth.CLIENT_SECRET;
        refusal(TokenRequests.post(entra.authority(), entra.tenant(), base), 400, "invalid_request", 90014,
                "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for "
                        + "the login request.");
        refusal(TokenRequests.post(entra.authority(), entra.tenant(), base + "&scope=https%3A%2F%2Foutlook.office365.com%2FSMTP.SendAsApp"),
                400, "invalid_scope", 1002012, "The provided value for scope https://outlook.office365.com/SMTP.SendAsApp is not valid. "
                        + "Client credential flows must have a scope value with /.default suffixed to the resource identifier "
                        + "(application ID URI).");
    }

    @Test
    void a_grant_the_confidential_lab_app_cannot_use_is_AADSTS9002313_and_a_GET_AADSTS900561() throws Exception {
        refusal(TokenRequests.post(entra.authority(), entra.tenant(), "grant_type=password&client_id=" + entra.clientId()
                + "&username=a%40b.c&password=x" + SCOPE), 400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
        refusal(TokenRequests.post(entra.authority(), entra.tenant(), "client_id=" + entra.clientId() + SCOPE), 400, "invalid_request",
                9002313, "Invalid request. Request is malformed or invalid.");
        HttpResponse<String> get = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(entra.tokenEndpoint())).timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        refusal(get, 400, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. Received a GET request.");
    }
}
