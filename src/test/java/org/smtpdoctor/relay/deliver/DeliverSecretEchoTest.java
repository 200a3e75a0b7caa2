package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.spool.Spool;

/**
 * An upstream that echoes the relay's own password (in the clear and base64) in its replies:
 * the relay's log, the recipient state files, relay-status.json and the queue listing must
 * show the reply with the password masked.
 */
class DeliverSecretEchoTest {

    private static final String PASSWORD = "Canary-upstream-pw-91c2";
    private static final String BASE64 = Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    @Test
    void a_reply_echoing_the_upstream_password_is_stored_and_logged_masked() throws Exception {
        try (LogLines logs = new LogLines();
             ScriptedSmtp up = new ScriptedSmtp((line, n) -> {
                 if (line.startsWith("AUTH")) {
                     return n == 1 ? "535 5.7.8 Authentication failed for password " + PASSWORD : null;
                 }
                 return line.startsWith("RCPT") ? "451 4.3.0 Greylisted: you said " + PASSWORD + " (" + BASE64 + ")" : null;
             });
             Spool spool = Fixtures.spool(dir)) {
            Path spoolDir = dir.resolve("spool");
            Upstream upstream = Upstreams.create(UpstreamUrl.parse("smtp://relay@127.0.0.1:" + up.port() + "?password-env=UP_PW"),
                    Fixtures.settings().withEnv(Map.of("UP_PW", PASSWORD)));
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("echo"));
            RetryPolicy fast = new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(100), 0, Duration.ofDays(1),
                    Duration.ofMillis(50), Duration.ofMillis(100));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.of(spoolDir), List.of(upstream),
                    Fixtures.options().withRetry(fast).withStatusInterval(Duration.ofMillis(50)))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> up.count("RCPT") >= 2
                        && RelayStatus.read(spoolDir).flatMap(s -> s.upstreams().get(0).lastReply()).map(r -> r.contains("Greylisted")).orElse(false));
                assertThat(spool.list().get(0).recipients().get(0).lastReply()).hasValueSatisfying(r ->
                        assertThat(r).contains("Greylisted").doesNotContain(PASSWORD).doesNotContain(BASE64));
            }
            StringBuilder everything = new StringBuilder(String.join("\n", logs.all()));
            try (Stream<Path> files = Files.walk(spoolDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    everything.append('\n').append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(everything).contains("Authentication failed for password <redacted>", "Greylisted: you said <redacted>");
            assertThat(everything.toString()).doesNotContain(PASSWORD).doesNotContain(BASE64);
        }
    }
}
