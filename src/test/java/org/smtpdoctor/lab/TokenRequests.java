package org.smtpdoctor.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client-credentials token request to the lab's Entra over HTTP, as any OAuth client makes it. */
final class TokenRequests {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TokenRequests() {
    }

    /** POSTs grant_type=client_credentials to the token endpoint; returns the access_token. */
    static String clientCredentials(LabOAuth entra) throws IOException {
        return clientCredentials(entra, LabOAuth.EXCHANGE_SCOPE);
    }

    /** The same for another scope (Graph's: {@link LabOAuth#GRAPH_SCOPE}). */
    static String clientCredentials(LabOAuth entra, String scope) throws IOException {
        HttpResponse<String> response = post(entra.authority(), entra.tenant(), "grant_type=client_credentials&client_id="
                + entra.clientId() + "&client_secret=" + LabOAuth.CLIENT_SECRET + "&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode body = new ObjectMapper().readTree(response.body());
        return body.get("access_token").asText();
    }

    /** POSTs this form to {@code authority/tenant/oauth2/v2.0/token}, with these extra headers (name, value, ...). */
    static HttpResponse<String> post(String authority, String tenant, String form, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(authority + "/" + tenant + "/oauth2/v2.0/token"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
