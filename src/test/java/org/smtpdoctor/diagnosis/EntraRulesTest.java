package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpdoctor.oauth.EntraError;

/**
 * Every AADSTS rule of rules/entra.yaml, fed a token endpoint error body in the shape of
 * Microsoft's sample error response (reference-error-codes), both as smtp-doctor reads it
 * ({@link EntraError#knowledgeLine()}) and as a user pastes it (the whole body).
 */
class EntraRulesTest {

    private static final KnowledgeBase KB = KnowledgeBase.bundled();
    private static final Explainer EXPLAINER = new Explainer(KB);

    /** A token endpoint error body as Entra sends it: the message, then its trace lines. */
    static String body(String error, int code, String message) {
        String json = message.replace("\\", "\\\\").replace("\"", "\\\"");
        return "{\"error\":\"" + error + "\",\"error_description\":\"AADSTS" + code + ": " + json
                + "\\r\\nTrace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\\r\\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd"
                + "\\r\\nTimestamp: 2026-11-28 10:02:12Z\",\"error_codes\":[" + code + "],"
                + "\"timestamp\":\"2026-11-28 10:02:12Z\",\"trace_id\":\"0000aaaa-11bb-cccc-dd33-eeeeee333333\","
                + "\"correlation_id\":\"aaaa0000-bb11-2222-33cc-444444dddddd\","
                + "\"error_uri\":\"https://login.microsoftonline.com/error?code=" + code + "\"}";
    }

    static Stream<Arguments> table() {
        return Stream.of(
                row(7000215, "invalid_client", "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '00001111-aaaa-2222-bbbb-3333cccc4444'.",
                        "oauth_app_registration", "entra.client-secret-invalid"),
                row(7000222, "invalid_client", "The provided client secret keys for app '00001111-aaaa-2222-bbbb-3333cccc4444' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
                        "oauth_app_registration", "entra.client-secret-expired"),
                row(700027, "invalid_client", "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678']",
                        "oauth_app_registration", "entra.client-assertion-invalid"),
                row(700024, "invalid_client", "Client assertion is not within its valid time range. Current time: 2026-11-28T10:02:12.0000000Z, assertion valid from 2026-11-28T11:00:00.0000000Z, expiry time of assertion 2026-11-28T11:10:00.0000000Z.",
                        "oauth_app_registration", "entra.client-assertion-time"),
                row(7000218, "invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                        "oauth_app_registration", "entra.client-credential-missing"),
                row(700025, "invalid_client", "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
                        "oauth_app_registration", "entra.public-client-secret"),
                row(700016, "unauthorized_client", "Application with identifier '00001111-aaaa-2222-bbbb-3333cccc4444' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                        "oauth_app_registration", "entra.app-not-found"),
                row(90002, "invalid_request", "Tenant 'contoso.example' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
                        "oauth_app_registration", "entra.tenant-not-found"),
                row(900023, "invalid_request", "Specified tenant identifier 'undefined' is neither a valid DNS name, nor a valid external domain.",
                        "oauth_app_registration", "entra.tenant-id-invalid"),
                row(50020, "invalid_grant", "User account 'scanner@fabrikam.com' from identity provider 'https://sts.windows.net/aaaabbbb-0000-cccc-1111-dddd2222eeee/' does not exist in tenant 'Contoso' and cannot access the application '00001111-aaaa-2222-bbbb-3333cccc4444'(smtp-relay) in that tenant.",
                        "oauth_app_registration", "entra.user-other-tenant"),
                row(700054, "invalid_request", "response_type 'id_token' is not enabled for the application.",
                        "oauth_app_registration", "entra.id-token-not-enabled"),
                row(7000112, "unauthorized_client", "Application '00001111-aaaa-2222-bbbb-3333cccc4444'(smtp-relay) is disabled.",
                        "oauth_app_registration", "entra.app-disabled"),
                row(50011, "invalid_request", "The redirect URI 'https://relay.contoso.com/oauth' specified in the request does not match the redirect URIs configured for the application '00001111-aaaa-2222-bbbb-3333cccc4444'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
                        "oauth_app_registration", "entra.redirect-uri"),
                row(500113, "invalid_request", "No reply address is registered for the application.",
                        "oauth_app_registration", "entra.redirect-uri"),
                row(50059, "invalid_request", "No tenant-identifying information found in either the request or implied by any provided credentials.",
                        "oauth_app_registration", "entra.tenant-missing"),
                row(90033, "temporarily_unavailable", "A transient error has occurred. Please try again.",
                        "service_unavailable_transient", "entra.service-busy"),
                row(50196, "invalid_request", "The server terminated an operation because it encountered a client request loop. Please contact your app vendor.",
                        "throttling_rate_limit", "entra.throttled"),
                row(50055, "invalid_grant", "The password is expired.",
                        "other", "entra.password-expired"),
                row(500021, "access_denied", "Access to 'fabrikam' tenant is denied.",
                        "other", "entra.cross-tenant-policy"),
                row(80012, "invalid_grant", "The users attempted to log on outside of the allowed hours (this is specified in AD).",
                        "account_locked_or_disabled", "entra.logon-hours"),
                row(135011, "invalid_grant", "Device used during the authentication is disabled.",
                        "account_locked_or_disabled", "entra.device-disabled"),
                row(65001, "invalid_grant", "The user or administrator has not consented to use the application with ID '00001111-aaaa-2222-bbbb-3333cccc4444' named 'smtp-relay'. Send an interactive authorization request for this user and resource.",
                        "oauth_scope_or_permission", "entra.consent-missing"),
                row(65004, "access_denied", "User declined to consent to access the app.",
                        "oauth_scope_or_permission", "entra.consent-declined"),
                row(70011, "invalid_scope", "The provided value for the input parameter 'scope' isn't valid. The scope https://example.contoso.com/activity.read isn't valid.",
                        "oauth_scope_or_permission", "entra.scope-invalid"),
                row(1002012, "invalid_scope", "The provided value for scope SMTP.SendAsApp is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
                        "oauth_scope_or_permission", "entra.scope-needs-default"),
                row(70000, "invalid_grant", "The request was denied because one or more scopes requested are unauthorized or expired. The user must first sign in and grant the client application access to the requested scope.",
                        "oauth_scope_or_permission", "entra.scope-unauthorized"),
                row(70000, "invalid_grant", "The provided access grant is invalid or malformed.",
                        "oauth_token_invalid", "entra.grant-invalid"),
                row(500011, "invalid_resource", "The resource principal named https://outlook.office365.com was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
                        "oauth_scope_or_permission", "entra.resource-not-found"),
                row(650057, "invalid_client", "Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration.",
                        "oauth_scope_or_permission", "entra.resource-not-in-registration"),
                row(50076, "invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'.",
                        "unknown", "entra.mfa-required"),
                row(50079, "interaction_required", "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'.",
                        "conditional_access_block", "entra.mfa-registration-required"),
                row(53003, "interaction_required", "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
                        "conditional_access_block", "entra.conditional-access"),
                row(530035, "invalid_grant", "Access has been blocked by security defaults. This is due to the request using legacy auth or being deemed unsafe by security defaults policies.",
                        "security_defaults_block", "entra.security-defaults"),
                row(50034, "invalid_grant", "The user account scanner@contoso.com does not exist in the aaaabbbb-0000-cccc-1111-dddd2222eeee directory. To sign into this application, the account must be added to the directory.",
                        "wrong_credentials", "entra.user-not-found"),
                row(50126, "invalid_grant", "Error validating credentials due to invalid username or password.",
                        "wrong_credentials", "entra.password-wrong"),
                row(50053, "invalid_grant", "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
                        "account_locked_or_disabled", "entra.account-locked"),
                row(50057, "invalid_grant", "The user account is disabled.",
                        "account_locked_or_disabled", "entra.account-disabled"),
                row(70016, "authorization_pending", "Pending end-user authorization.",
                        "other", "entra.device-code-pending"),
                row(70019, "expired_token", "Verification code expired.",
                        "other", "entra.device-code-expired"),
                row(70020, "expired_token", "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
                        "other", "entra.device-code-expired"),
                row(50173, "invalid_grant", "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
                        "oauth_token_invalid", "entra.refresh-token-revoked"),
                row(700082, "invalid_grant", "The refresh token has expired due to inactivity. The token was issued on 2026-08-01T09:12:44.0000000Z and was inactive for 90.00:00:00.",
                        "oauth_token_invalid", "entra.refresh-token-expired"),
                row(90014, "invalid_request", "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request.",
                        "other", "entra.missing-field"),
                row(9002313, "invalid_request", "Invalid request. Request is malformed or invalid.",
                        "unknown", "entra.aadsts-unknown"));
    }

    private static Arguments row(int code, String error, String message, String cause, String ruleId) {
        return Arguments.of(code, error, message, cause, ruleId);
    }

    @ParameterizedTest(name = "AADSTS{0} ({1}) -> {3} by {4}")
    @MethodSource("table")
    void aTokenErrorBodyDecidesToItsCauseAndRule(int code, String error, String message, String cause, String ruleId) {
        EntraError parsed = EntraError.parse(400, body(error, code, message));
        Diagnosis d = KB.diagnose(Evidence.raw(parsed.knowledgeLine(), Vendor.MICROSOFT));
        assertThat(d.cause().id()).as("%s decided by %s", parsed.knowledgeLine(), d.ruleId()).isEqualTo(cause);
        assertThat(d.ruleId()).isEqualTo(ruleId);
        assertThat(d.matchedText()).startsWith("AADSTS" + code);
    }

    @ParameterizedTest(name = "pasted AADSTS{0} -> {3} by {4}")
    @MethodSource("table")
    void thePastedBodyDecidesTheSame(int code, String error, String message, String cause, String ruleId) {
        Diagnosis d = EXPLAINER.explain(body(error, code, message));
        assertThat(d.cause().id()).as("decided by %s", d.ruleId()).isEqualTo(cause);
        assertThat(d.ruleId()).isEqualTo(ruleId);
    }

    @Test
    void everyEntraRuleIsInTheTable() {
        Set<String> tabled = table().map(a -> (String) a.get()[4]).collect(Collectors.toSet());
        Set<String> rules = KB.rules().stream().map(Rule::id).filter(id -> id.startsWith("entra."))
                .collect(Collectors.toSet());
        assertThat(tabled).isEqualTo(rules);
    }

    @Test
    void anUnknownCodeIsAnHonestUnknownThatShowsTheCodeVerbatim() {
        EntraError parsed = EntraError.parse(400, body("invalid_request", 9876543, "Something Entra added last week."));
        Diagnosis d = KB.diagnose(Evidence.raw(parsed.knowledgeLine(), Vendor.MICROSOFT));
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(d.ruleId()).isEqualTo("entra.aadsts-unknown");
        assertThat(d.matchedText()).isEqualTo("AADSTS9876543: Something Entra added last week.");
        assertThat(d.remedies()).anyMatch(r -> r.contains("https://login.microsoftonline.com/error"));
    }

    @Test
    void aCodeIsMatchedWholeNotAsAPrefix() {
        // AADSTS700160 is not AADSTS70016 (pending) nor AADSTS700016 (app not found).
        Diagnosis d = KB.diagnose(Evidence.raw("AADSTS700160: Some other condition.", Vendor.MICROSOFT));
        assertThat(d.ruleId()).isEqualTo("entra.aadsts-unknown");
    }

    @Test
    void anAadstsCodeMakesThePasteMicrosofts() {
        assertThat(Vendor.fromText("AADSTS50126: Error validating credentials due to invalid username or password."))
                .isEqualTo(Vendor.MICROSOFT);
    }

    @Test
    void theOldClientRulesAreGoneSoEntraIsTheOneSourceOfTruth() {
        assertThat(KB.rules()).extracting(Rule::id).doesNotContain("client.aadsts-consent", "client.aadsts-credentials");
        assertThat(KB.rules()).filteredOn(r -> !r.id().startsWith("entra.") && r.match() != null && r.match().text() != null)
                .extracting(r -> r.match().text()).noneMatch(t -> t.contains("AADSTS"));
    }

    @Test
    void aTokenErrorWithoutACodeIsNotGivenAnEntraCause() {
        Diagnosis d = KB.diagnose(Evidence.raw(EntraError.parse(503, "<html><body>Service Unavailable</body></html>")
                .knowledgeLine(), Vendor.MICROSOFT));
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(d.ruleId()).isEqualTo("unknown");
    }
}
