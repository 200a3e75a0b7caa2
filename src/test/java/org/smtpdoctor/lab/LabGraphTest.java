package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The lab's Graph over real HTTP: tokens judged as Graph does, Graph's error bodies, the tenant following the lab. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LabGraphTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    static HttpResponse<String> call(String method, String url, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    @Test
    void no_token_an_exchange_token_and_a_forged_one_get_graphs_401() throws Exception {
        try (LabServer lab = LabServer.startWithGraph(Scenarios.byName("healthy").orElseThrow(), 0)) {
            String url = lab.graph().orElseThrow().url() + "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy";
            assertThat(call("GET", url, null, null, null).statusCode()).isEqualTo(401);
            String exchange = TokenRequests.clientCredentials(lab.entra().orElseThrow());
            HttpResponse<String> wrongAudience = call("GET", url, exchange, null, null);
            assertThat(wrongAudience.statusCode()).isEqualTo(401);
            assertThat(wrongAudience.body()).contains("InvalidAuthenticationToken", "Invalid audience");
            String graph = TokenRequests.clientCredentials(lab.entra().orElseThrow(), LabOAuth.GRAPH_SCOPE);
            String[] parts = graph.split("\\.");
            String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[256]);
            assertThat(code(call("GET", url, forged, null, null))).isEqualTo("InvalidAuthenticationToken");
            HttpResponse<String> ok = call("GET", url, graph, null, null);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).get("isEnabled").asBoolean()).isFalse();
        }
    }

    @Test
    void sendmail_takes_base64_mime_checks_send_as_and_recipients_and_keeps_what_it_sent() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("graph-healthy").orElseThrow(), 0)) {
            String token = TokenRequests.clientCredentials(lab.entra().orElseThrow(), LabOAuth.GRAPH_SCOPE);
            String url = lab.graph().orElseThrow().url() + "/v1.0/users/scanner@contoso.com/sendMail";
            String mime = "From: scanner@contoso.com\r\nTo: bob@fabrikam.com\r\nSubject: hi\r\n\r\nHello\r\n";
            String b64 = Base64.getMimeEncoder().encodeToString(mime.getBytes(StandardCharsets.US_ASCII));
            assertThat(call("POST", url, token, "text/plain", b64).statusCode()).isEqualTo(202);
            assertThat(new String(lab.graph().get().sent().get(0).mime(), StandardCharsets.US_ASCII)).isEqualTo(mime);
            assertThat(code(call("POST", url, token, "text/plain", "not base64 at all!"))).isEqualTo("ErrorMimeContentInvalidBase64String");
            String foreign = Base64.getMimeEncoder().encodeToString(mime.replace("From: scanner@", "From: finance@")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(code(call("POST", url, token, "text/plain", foreign))).isEqualTo("ErrorSendAsDenied");
            assertThat(code(call("POST", url, token, "application/json", "{\"message\":{\"subject\":\"x\"}}")))
                    .isEqualTo("ErrorInvalidRecipients");
            assertThat(code(call("POST", lab.graph().get().url() + "/v1.0/users/nobody@contoso.com/sendMail", token, "text/plain", b64)))
                    .isEqualTo("ErrorInvalidUser");
        }
    }

    @Test
    void an_upload_url_refuses_a_bearer_token_and_ranges_out_of_order() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("graph-healthy").orElseThrow(), 0)) {
            String token = TokenRequests.clientCredentials(lab.entra().orElseThrow(), LabOAuth.GRAPH_SCOPE);
            String base = lab.graph().orElseThrow().url() + "/v1.0/users/scanner@contoso.com/messages";
            String mime = Base64.getMimeEncoder().encodeToString("From: scanner@contoso.com\r\nTo: bob@fabrikam.com\r\n\r\nx\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String id = JSON.readTree(call("POST", base, token, "text/plain", mime).body()).get("id").asText();
            JsonNode session = JSON.readTree(call("POST", base + "/" + id + "/attachments/createUploadSession", token,
                    "application/json", "{\"AttachmentItem\":{\"attachmentType\":\"file\",\"name\":\"a.bin\",\"size\":10}}").body());
            String upload = session.get("uploadUrl").asText();
            HttpRequest withBearer = HttpRequest.newBuilder(URI.create(upload)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token).header("Content-Range", "bytes 0-9/10")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build();
            assertThat(HTTP.send(withBearer, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
            HttpRequest late = HttpRequest.newBuilder(URI.create(upload)).timeout(Duration.ofSeconds(5))
                    .header("Content-Range", "bytes 5-9/10").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[5])).build();
            assertThat(HTTP.send(late, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(416);
            HttpRequest whole = HttpRequest.newBuilder(URI.create(upload)).timeout(Duration.ofSeconds(5))
                    .header("Content-Range", "bytes 0-9/10").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build();
            assertThat(HTTP.send(whole, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void the_tenants_sign_in_log_follows_the_labs_scenario_and_records_auth_login() throws Exception {
        try (LabServer lab = LabServer.startWithGraph(Scenarios.byName("healthy").orElseThrow(), 0)) {
            lab.switchTo(Scenarios.byName("wrong-password").orElseThrow());
            try (WireClient c = WireClient.connectOverTls(lab)) {
                c.expect("AUTH LOGIN", "334 ");
                c.expect(Base64.getEncoder().encodeToString("scanner@contoso.com".getBytes(StandardCharsets.UTF_8)), "334 ");
                assertThat(c.send(Base64.getEncoder().encodeToString("Wrong-1".getBytes(StandardCharsets.UTF_8)))).startsWith("535 5.7.139");
            }
            String token = TokenRequests.clientCredentials(lab.entra().orElseThrow(), LabOAuth.GRAPH_SCOPE);
            JsonNode log = JSON.readTree(call("GET", lab.graph().orElseThrow().url()
                    + "/v1.0/auditLogs/signIns?%24filter=userPrincipalName%20eq%20'scanner%40contoso.com'", token, null, null).body());
            assertThat(log.get("value")).hasSize(2);
            assertThat(log.get("value").get(0).get("ipAddress").asText()).isEqualTo("127.0.0.1");
            for (JsonNode entry : log.get("value")) {
                assertThat(entry.path("status").path("errorCode").asInt()).isEqualTo(50126);
                assertThat(entry.path("clientAppUsed").asText()).isEqualTo("Authenticated SMTP");
            }
        }
    }
}
