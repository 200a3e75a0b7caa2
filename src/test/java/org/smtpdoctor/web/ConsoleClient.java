package org.smtpdoctor.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A browser-like HTTP client for the console tests: keeps the session cookie, follows no
 * redirect by itself, reads the CSRF token from the last page, and trusts any certificate
 * (the console's self-signed one).
 */
final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern COOKIE = Pattern.compile("^((?:__Host-)?smtpdoctor)=([^;]*)");

    final String base;
    private final HttpClient http;
    private String cookie;
    private String csrf;

    ConsoleClient(String base) throws Exception {
        this.base = base;
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm(null);
        this.http = HttpClient.newBuilder().sslContext(trustAll).sslParameters(params).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return remember(http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).GET();
        headers.forEach(b::header);
        return remember(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** POST with the CSRF token of the last page read, plus these fields. */
    HttpResponse<String> post(String path, Map<String, String> fields) throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>();
        if (csrf != null) {
            all.put("_csrf", csrf);
        }
        all.putAll(fields);
        return postRaw(path, all, Map.of());
    }

    /** POST exactly these fields and headers (no token added). */
    HttpResponse<String> postRaw(String path, Map<String, String> fields, Map<String, String> headers)
            throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        return remember(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Logs in through the form; returns the answer to the POST. */
    HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
        get("/login");
        return post("/login", Map.of("user", user, "password", password));
    }

    Optional<String> cookie() {
        return Optional.ofNullable(cookie);
    }

    void forgetCookie() {
        cookie = null;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return b;
    }

    private HttpResponse<String> remember(HttpResponse<String> r) {
        for (String set : r.headers().allValues("Set-Cookie")) {
            Matcher m = COOKIE.matcher(set);
            if (m.find()) {
                cookie = m.group(2).isEmpty() ? null : m.group(1) + "=" + m.group(2);
            }
        }
        Matcher m = CSRF.matcher(r.body() == null ? "" : r.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return r;
    }
}
