package org.smtpdoctor.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.PasswordHash;
import org.smtpdoctor.relay.deliver.ScriptedSmtp;
import org.smtpdoctor.testing.SettableClock;

/**
 * A console on a non-loopback address (0.0.0.0): HTTPS only, a login, and nothing at all for
 * whoever has not logged in; the brute-force delay; HTTP Basic for Prometheus on /metrics. The
 * console's clock stands still unless a test moves it (the delay is timed by it, not by sleeps).
 */
class ConsoleLoginTest {

    static final String PASSWORD = "correct horse battery staple";
    static final PasswordHash HASH = PasswordHash.create(PASSWORD.toCharArray());

    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(Instant.now());
    private ScriptedSmtp upstream;
    private RelayWithConsole relay;
    private String id;

    @BeforeEach
    void start() throws Exception {
        upstream = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") ? "451 4.3.0 Mailbox busy" : null);
        relay = RelayWithConsole.start(dir, "smtp://127.0.0.1:" + upstream.port(),
                "admin:\n  listen: 0.0.0.0:0\n  user: it-admin\n  password-hash: \"" + HASH + "\"\n", clock);
        id = relay.send("scanner@lan.test", List.of("bob@contoso.test"), "Secret plans");
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.spool.get(id).orElseThrow().attempts() > 0);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        upstream.close();
    }

    @Test
    void the_console_speaks_https_only_with_a_host_prefixed_secure_cookie() throws Exception {
        assertThat(relay.consoleUrl()).startsWith("https://127.0.0.1:");
        ConsoleClient browser = new ConsoleClient(relay.consoleUrl());
        HttpResponse<String> login = browser.get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                .startsWith("__Host-smtpdoctor=").contains("Secure", "HttpOnly", "SameSite=Strict", "Path=/"));
        assertThat(login.headers().firstValue("Strict-Transport-Security")).isPresent();
        String plain = relay.consoleUrl().replace("https://", "http://");
        ConsoleClient http = new ConsoleClient(plain);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.get("/")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void an_unauthenticated_request_gets_nothing() throws Exception {
        ConsoleClient stranger = new ConsoleClient(relay.consoleUrl());
        for (String path : List.of("/", "/queue", "/queue/" + id, "/devices", "/config")) {
            HttpResponse<String> r = stranger.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(path).hasValueSatisfying(l -> assertThat(l).startsWith("/login"));
            assertNothingIn(r.body());
        }
        HttpResponse<String> metrics = stranger.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(401);
        assertThat(metrics.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Basic"));
        assertNothingIn(metrics.body());
        assertThat(metrics.body()).doesNotContain("smtpdoctor_");
        stranger.get("/login");
        for (String path : List.of("/queue/" + id + "/delete", "/queue/" + id + "/retry", "/queue/retry-deferred")) {
            HttpResponse<String> r = stranger.post(path, Map.of()); // even with the login page's CSRF token
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertNothingIn(r.body());
        }
        assertThat(relay.spool.get(id)).isPresent();
        HttpResponse<String> loginPage = stranger.get("/login");
        assertNothingIn(loginPage.body());
    }

    private void assertNothingIn(String body) {
        assertThat(body).doesNotContain(id, "scanner@lan.test", "bob@contoso.test", "Secret plans", "127.0.0.1/32", "Mailbox busy");
    }

    @Test
    void a_login_opens_every_page_and_a_new_session_replaces_the_anonymous_one() throws Exception {
        ConsoleClient browser = new ConsoleClient(relay.consoleUrl());
        browser.get("/login");
        String before = browser.cookie().orElseThrow();
        HttpResponse<String> in = browser.post("/login", Map.of("user", "it-admin", "password", PASSWORD, "next", "/queue"));
        assertThat(in.statusCode()).isEqualTo(303);
        assertThat(in.headers().firstValue("Location")).hasValue("/queue");
        assertThat(browser.cookie().orElseThrow()).isNotEqualTo(before);
        assertThat(browser.get("/queue").body()).contains(id, "bob@contoso.test");
        assertThat(browser.get("/metrics").body()).contains("smtpdoctor_relay_messages_accepted_total");
        HttpResponse<String> out = browser.post("/logout", Map.of());
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(browser.get("/queue").statusCode()).isEqualTo(303);
    }

    @Test
    void a_wrong_password_is_refused_and_the_next_try_waits_longer_each_time() throws Exception {
        ConsoleClient attacker = new ConsoleClient(relay.consoleUrl());
        HttpResponse<String> first = attacker.login("it-admin", "guess1");
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertNothingIn(first.body());
        HttpResponse<String> tooSoon = attacker.post("/login", Map.of("user", "it-admin", "password", PASSWORD));
        assertThat(tooSoon.statusCode()).as("even the right password is not checked during the delay").isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> second = attacker.post("/login", Map.of("user", "it-admin", "password", "guess2"));
        assertThat(second.statusCode()).isEqualTo(401);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("2");
        clock.advance(Duration.ofMillis(1900));
        assertThat(attacker.post("/login", Map.of("user", "it-admin", "password", PASSWORD)).statusCode()).as("1.9 s of 2").isEqualTo(429);
        clock.advance(Duration.ofMillis(100));
        assertThat(attacker.post("/login", Map.of("user", "root", "password", PASSWORD)).statusCode()).as("wrong user").isEqualTo(401);
        clock.advance(Duration.ofSeconds(3));
        HttpResponse<String> third = attacker.post("/login", Map.of("user", "it-admin", "password", PASSWORD));
        assertThat(third.statusCode()).as("3 s of 4").isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(attacker.post("/login", Map.of("user", "it-admin", "password", PASSWORD)).statusCode()).isEqualTo(303);
    }

    @Test
    void prometheus_scrapes_metrics_with_http_basic_credentials() throws Exception {
        ConsoleClient prometheus = new ConsoleClient(relay.consoleUrl());
        String basic = "Basic " + Base64.getEncoder().encodeToString(("it-admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> ok = prometheus.get("/metrics", Map.of("Authorization", basic));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("smtpdoctor_relay_messages_accepted_total");
        String wrong = "Basic " + Base64.getEncoder().encodeToString("it-admin:nope".getBytes(StandardCharsets.UTF_8));
        assertThat(new ConsoleClient(relay.consoleUrl()).get("/metrics", Map.of("Authorization", wrong)).statusCode()).isEqualTo(401);
    }
}
