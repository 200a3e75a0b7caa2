package org.smtpdoctor.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.deliver.ScriptedSmtp;
import org.smtpdoctor.relay.spool.RecipientState;

/** The console on loopback (no login): every route, the actions, and what protects them. */
class AdminConsoleTest {

    @TempDir
    Path dir;

    private final AtomicReference<String> rcpt = new AtomicReference<>("451 4.3.0 Mailbox busy, try again later");
    private ScriptedSmtp upstream;
    private RelayWithConsole relay;
    private ConsoleClient browser;

    @BeforeEach
    void start() throws Exception {
        upstream = new ScriptedSmtp((line, n) -> line.toUpperCase(java.util.Locale.ROOT).startsWith("RCPT") ? rcpt.get() : null);
        relay = RelayWithConsole.start(dir, "smtp://127.0.0.1:" + upstream.port(), "admin:\n  listen: 127.0.0.1:0\n");
        browser = new ConsoleClient(relay.consoleUrl());
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        upstream.close();
    }

    private String deferredMessage() throws Exception {
        String id = relay.send("scanner@lan.test", List.of("bob@contoso.test"), "Scan 1");
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.spool.get(id).orElseThrow().recipients().get(0).status()
                == RecipientState.Status.DEFERRED);
        return id;
    }

    @Test
    void every_page_answers_and_shows_the_queued_message_with_its_cause() throws Exception {
        String id = deferredMessage();
        HttpResponse<String> overview = browser.get("/");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(overview.body()).contains("id=\"accepted-hour\">1<", "id=\"deferred-hour\">1<", "id=\"queue-messages\">1<",
                "451 4.3.0 Mailbox busy", "failing", "Cause:");
        HttpResponse<String> queue = browser.get("/queue");
        assertThat(queue.statusCode()).isEqualTo(200);
        assertThat(queue.body()).contains(id, "bob@contoso.test", "scanner@lan.test", "deferred");
        HttpResponse<String> message = browser.get("/queue/" + id);
        assertThat(message.statusCode()).isEqualTo(200);
        assertThat(message.body()).contains("Subject: Scan 1", "451 4.3.0 Mailbox busy", "class=\"cause\"", "Retry now", "Delete",
                "scanner-2f");
        HttpResponse<String> devices = browser.get("/devices");
        assertThat(devices.body()).contains("data-address=\"127.0.0.1\"", "scanners", "scanner-2f", "deferred");
        HttpResponse<String> config = browser.get("/config");
        assertThat(config.body()).contains("127.0.0.1:0 (plain)", "smtp://127.0.0.1:" + upstream.port(), "device scanners");
        HttpResponse<String> metrics = browser.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body()).contains("smtpdoctor_relay_messages_accepted_total{");
        assertThat(browser.get("/health").body()).isEqualTo("ok\n");
        assertThat(browser.get("/static/console.css").statusCode()).isEqualTo(200);
        assertThat(browser.get("/static/console.js").body()).contains("data-refresh");
        HttpResponse<String> missing = browser.get("/queue/0000000000000000");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(browser.get("/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void every_answer_forbids_framing_caching_and_foreign_scripts_and_the_cookie_is_strict() throws Exception {
        HttpResponse<String> r = browser.get("/");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(AdminConsole.CSP);
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("HttpOnly", "SameSite=Strict"));
    }

    @Test
    void retry_makes_a_deferred_message_go_now_and_delete_removes_one() throws Exception {
        String id = deferredMessage();
        rcpt.set(null); // the upstream takes it now
        browser.get("/queue/" + id);
        HttpResponse<String> retried = browser.post("/queue/" + id + "/retry", Map.of());
        assertThat(retried.statusCode()).isEqualTo(303);
        assertThat(retried.headers().firstValue("Location")).hasValue("/queue/" + id);
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.spool.get(id).isEmpty());
        assertThat(upstream.messages).hasSize(1);
        HttpResponse<String> gone = browser.get("/queue/" + id);
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(gone.body()).contains("no longer in the queue", "state delivered", "451 4.3.0 Mailbox busy", "250 2.0.0 Ok");

        rcpt.set("451 4.3.0 Mailbox busy, try again later");
        String other = deferredMessage();
        browser.get("/queue/" + other);
        assertThat(browser.post("/queue/" + other + "/delete", Map.of()).statusCode()).isEqualTo(303);
        assertThat(relay.spool.get(other)).isEmpty();

        rcpt.set("451 4.3.0 Mailbox busy, try again later");
        String third = deferredMessage();
        rcpt.set(null);
        browser.get("/queue");
        assertThat(browser.post("/queue/retry-deferred", Map.of()).statusCode()).isEqualTo(303);
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.spool.get(third).isEmpty());
    }

    @Test
    void an_action_without_the_csrf_token_or_from_another_site_is_refused_and_changes_nothing() throws Exception {
        String id = deferredMessage();
        browser.get("/queue/" + id);
        HttpResponse<String> noToken = browser.postRaw("/queue/" + id + "/delete", Map.of(), Map.of());
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("security token");
        HttpResponse<String> wrongToken = browser.postRaw("/queue/" + id + "/delete", Map.of("_csrf", "guess"), Map.of());
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> otherSite = browser.post("/queue/" + id + "/delete", Map.of());
        assertThat(otherSite.statusCode()).isEqualTo(303); // control: with the token it works...
        String again = deferredMessage();
        browser.get("/queue/" + again);
        HttpResponse<String> crossSite = browser.postRaw("/queue/" + again + "/delete",
                Map.of("_csrf", csrfOf(browser.get("/queue/" + again).body())), Map.of("Origin", "http://evil.example"));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(relay.spool.get(again)).isPresent();
    }

    @Test
    void a_loopback_console_answers_only_to_loopback_host_names_against_dns_rebinding() throws Exception {
        int port = Integer.parseInt(browser.base.substring(browser.base.lastIndexOf(':') + 1));
        String rebound = rawGet(port, "attacker.example:" + port);
        assertThat(rebound).startsWith("HTTP/1.1 421").doesNotContain("Overview");
        assertThat(rawGet(port, "localhost:" + port)).startsWith("HTTP/1.1 200");
        assertThat(rawGet(port, "127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
    }

    /** A GET / with this Host header, as a rebound page in a browser would send it. */
    static String rawGet(int port, String host) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private static String csrfOf(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        return m.find() ? m.group(1) : "";
    }
}
