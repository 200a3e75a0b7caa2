package org.smtpdoctor.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EntraErrorTest {

    /** The body of the task brief's example, as Entra sends it (\r\n between the message and its trace lines). */
    static final String INVALID_SECRET = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. "
            + "Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app "
            + "'00001111-aaaa-2222-bbbb-3333cccc4444'.\\r\\nTrace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\\r\\n"
            + "Correlation ID: aaaa0000-bb11-2222-33cc-444444dddddd\\r\\nTimestamp: 2026-11-28 10:02:12Z\",\"error_codes\":[7000215],"
            + "\"timestamp\":\"2026-11-28 10:02:12Z\",\"trace_id\":\"0000aaaa-11bb-cccc-dd33-eeeeee333333\","
            + "\"correlation_id\":\"aaaa0000-bb11-2222-33cc-444444dddddd\",\"error_uri\":\"https://login.microsoftonline.com/error?code=7000215\"}";

    @Test
    void aTokenErrorBodyGivesItsErrorCodeMessageAndIds() {
        EntraError e = EntraError.parse(401, INVALID_SECRET);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.error()).contains("invalid_client");
        assertThat(e.code()).contains(7000215);
        assertThat(e.description()).startsWith("Invalid client secret provided. Ensure the secret")
                .endsWith("for a secret added to app '00001111-aaaa-2222-bbbb-3333cccc4444'.")
                .doesNotContain("Trace ID", "Correlation ID", "Timestamp", "AADSTS");
        assertThat(e.traceId()).contains("0000aaaa-11bb-cccc-dd33-eeeeee333333");
        assertThat(e.correlationId()).contains("aaaa0000-bb11-2222-33cc-444444dddddd");
        assertThat(e.firstSentence()).isEqualTo("Invalid client secret provided.");
        assertThat(e.knowledgeLine()).isEqualTo("AADSTS7000215: Invalid client secret provided.");
        assertThat(e.pending()).isFalse();
    }

    @Test
    void microsoftsSampleErrorResponseIsRead() {
        // https://learn.microsoft.com/entra/identity-platform/reference-error-codes, "Handling error codes".
        EntraError e = EntraError.parse(400, "{\n  \"error\": \"invalid_scope\",\n  \"error_description\": \"AADSTS70011: The provided value "
                + "for the input parameter 'scope' isn't valid. The scope https://example.contoso.com/activity.read isn't valid.\\r\\n"
                + "Trace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\\r\\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\\r\\n"
                + "Timestamp: 2016-01-09 02:02:12Z\",\n  \"error_codes\": [\n    70011\n  ],\n  \"timestamp\": \"2016-01-09 02:02:12Z\",\n"
                + "  \"trace_id\": \"0000aaaa-11bb-cccc-dd33-eeeeee333333\",\n  \"correlation_id\": \"aaaa0000-bb11-2222-33cc-444444dddddd\",\n"
                + "  \"error_uri\":\"https://login.microsoftonline.com/error?code=70011\"\n}");
        assertThat(e.code()).contains(70011);
        assertThat(e.knowledgeLine()).isEqualTo("AADSTS70011: The provided value for the input parameter 'scope' isn't valid.");
        assertThat(e.description()).endsWith("activity.read isn't valid.");
    }

    @Test
    void theCodeAndIdsComeFromTheDescriptionWhenTheFieldsAreMissing() {
        // Some libraries print only error and error_description, with the trace lines inline.
        EntraError e = EntraError.parse(400, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000218: The request body must "
                + "contain the following parameter: 'client_assertion' or 'client_secret'. Trace ID: 4f9d1c92-20bf-4ce3-ab3e-388353615e01 "
                + "Correlation ID: fb10b266-a606-4ee8-a2c3-82875c3a4460 Timestamp: 2024-02-14 02:40:29Z\"}");
        assertThat(e.code()).contains(7000218);
        assertThat(e.description()).isEqualTo("The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        assertThat(e.traceId()).contains("4f9d1c92-20bf-4ce3-ab3e-388353615e01");
        assertThat(e.correlationId()).contains("fb10b266-a606-4ee8-a2c3-82875c3a4460");
    }

    @Test
    void errorCodesWinOverTheDescriptionAndTheFirstOneIsTaken() {
        EntraError e = EntraError.parse(400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70002: Error validating "
                + "credentials. AADSTS50126: Invalid username or password\",\"error_codes\":[70002,50126]}");
        assertThat(e.code()).contains(70002);
        assertThat(e.knowledgeLine()).isEqualTo("AADSTS70002: Error validating credentials.");
    }

    @Test
    void theDeviceCodeFlowsKeepPollingAnswersArePending() {
        assertThat(EntraError.parse(400, "{\"error\":\"authorization_pending\",\"error_description\":\"AADSTS70016: Pending end-user "
                + "authorization.\\r\\nTrace ID: cd417f24-8d41-4d02-89bf-f8fc974e887f\",\"error_codes\":[70016]}").pending()).isTrue();
        assertThat(EntraError.parse(400, "{\"error\":\"slow_down\"}").pending()).isTrue();
        assertThat(EntraError.parse(400, "{\"error\":\"expired_token\",\"error_codes\":[70020]}").pending()).isFalse();
    }

    @Test
    void anHtmlErrorPageWithAnAadstsMessageStillGivesTheCode() {
        EntraError e = EntraError.parse(400, "<!DOCTYPE html><html><head><title>Sign in</title></head><body><div id=\"msg\">"
                + "AADSTS90002: Tenant 'contoso.example' not found. Check to make sure you have the correct tenant ID.</div>"
                + "<div>Trace ID: 5c8ce2fc-1720-45c1-899a-0a6d0e965600</div></body></html>");
        assertThat(e.error()).isEmpty();
        assertThat(e.code()).contains(90002);
        assertThat(e.knowledgeLine()).isEqualTo("AADSTS90002: Tenant 'contoso.example' not found.");
        assertThat(e.traceId()).contains("5c8ce2fc-1720-45c1-899a-0a6d0e965600");
    }

    @Test
    void aBodyWithoutAnythingOfEntrasGivesTheHttpStatusOnly() {
        EntraError e = EntraError.parse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assertThat(e).isEqualTo(new EntraError(502, Optional.empty(), Optional.empty(), "", Optional.empty(), Optional.empty()));
        assertThat(e.knowledgeLine()).isEqualTo("HTTP 502 from the token endpoint, without an OAuth error");
        assertThat(EntraError.parse(0, "").knowledgeLine()).isEqualTo("HTTP status unknown from the token endpoint, without an OAuth error");
    }

    @Test
    void anOAuthErrorWithoutACodeKeepsTheError() {
        EntraError e = EntraError.parse(400, "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed.\"}");
        assertThat(e.code()).isEmpty();
        assertThat(e.knowledgeLine()).isEqualTo("invalid_client: Client authentication failed.");
    }

    @Test
    void missingAndOddlyTypedFieldsAreIgnored() {
        EntraError e = EntraError.parse(400, "{\"error\":{\"nested\":true},\"error_description\":null,\"error_codes\":\"7000215\","
                + "\"trace_id\":[1,2],\"correlation_id\":42}");
        assertThat(e.error()).isEmpty();
        assertThat(e.code()).isEmpty();
        assertThat(e.description()).isEmpty();
        assertThat(e.traceId()).isEmpty();
        assertThat(e.correlationId()).contains("42");
        assertThat(EntraError.parse(400, "{\"error_codes\":[-1, \"x\"]}").code()).isEmpty();
        assertThat(EntraError.parse(400, "{\"error_codes\":[]}").code()).isEmpty();
    }

    @Test
    void controlCharactersCannotReachTheTerminal() {
        EntraError e = EntraError.parse(400, "{\"error\":\"invalid_client\\u001b[2J\",\"error_description\":\"AADSTS50126: Error\\u001b]0;pwned\\u0007 "
                + "validating\\u0000 credentials.\\u202e\"}");
        assertThat(e.error().orElseThrow()).doesNotContain("\u001b");
        assertThat(e.description()).doesNotContain("\u001b", "\u0007", "\u0000", "\u202e");
        assertThat(e.knowledgeLine()).startsWith("AADSTS50126: Error");
    }

    @Test
    void aHugeBodyIsCutAndStillRead() {
        String huge = INVALID_SECRET.replace("\"error_uri\"", "\"padding\":\"" + "x".repeat(10 * EntraError.MAX_BODY) + "\",\"error_uri\"");
        EntraError e = EntraError.parse(400, huge);
        // Cut JSON is not JSON: the text reading still finds the code and its message.
        assertThat(e.code()).contains(7000215);
        assertThat(e.knowledgeLine()).isEqualTo("AADSTS7000215: Invalid client secret provided.");
        String endless = "AADSTS50126: " + "word ".repeat(100_000);
        assertThat(EntraError.parse(400, endless).description()).hasSizeLessThanOrEqualTo(1001);
    }

    static Stream<String> junk() {
        return Stream.of("", " ", "null", "[]", "\"text\"", "42", "{", "}", "{\"error\":", "\u0000\u0001\u0002", "<html>",
                "AADSTS", "AADSTS99999999999999: overflow", "{\"error_codes\":[99999999999]}", "\uFFFF\uD800", "{\"a\":" + "[".repeat(5000));
    }

    @ParameterizedTest
    @MethodSource("junk")
    void junkNeverThrows(String body) {
        assertThatCode(() -> {
            EntraError e = EntraError.parse(400, body);
            e.knowledgeLine();
            e.pending();
        }).doesNotThrowAnyException();
        assertThatCode(() -> EntraError.parse(400, null).knowledgeLine()).doesNotThrowAnyException();
    }
}
