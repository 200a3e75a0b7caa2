package org.smtpdoctor.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Entra tenant a mail domain belongs to, from the tenant's public OpenID metadata
 * ({@code https://login.microsoftonline.com/DOMAIN/v2.0/.well-known/openid-configuration},
 * whose issuer holds the tenant id). No credentials are sent; a domain that is not in
 * Entra, or any failure, is simply unknown.
 */
public final class TenantDiscovery {

    private static final Pattern GUID = Pattern.compile(
            "/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    private TenantDiscovery() {
    }

    public static Optional<String> tenantOf(URI authority, String domain, Duration timeout) {
        if (!DOMAIN.matcher(domain).matches()) {
            return Optional.empty();
        }
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(authority + "/" + domain
                    + "/v2.0/.well-known/openid-configuration")).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            String issuer = new ObjectMapper().readTree(r.body()).path("issuer").asText("");
            Matcher m = GUID.matcher(issuer);
            return m.find() ? Optional.of(m.group(1).toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
