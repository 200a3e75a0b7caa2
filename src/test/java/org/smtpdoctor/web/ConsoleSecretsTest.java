package org.smtpdoctor.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.deliver.ScriptedSmtp;

/**
 * No secret reaches the console or /metrics: not the upstream's password (also when the upstream
 * echoes it back, clear or base64), not a device account's or the admin's password hash.
 */
class ConsoleSecretsTest {

    static final String CANARY = "Canary-Pw-7f3a9Q";

    @TempDir
    Path dir;

    @Test
    void no_page_and_no_metric_shows_a_password_or_a_password_hash() throws Exception {
        Path secret = Files.writeString(dir.resolve("upstream.pass"), CANARY + "\n");
        String plainB64 = Base64.getEncoder().encodeToString(("\0relayuser\0" + CANARY).getBytes(StandardCharsets.UTF_8));
        String canaryB64 = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));
        try (ScriptedSmtp upstream = new ScriptedSmtp((line, n) -> line.startsWith("MAIL")
                ? "451 4.3.0 AUTH was " + plainB64 + " that is " + CANARY + " or " + canaryB64 : null);
             RelayWithConsole relay = RelayWithConsole.start(dir, "smtp://relayuser@127.0.0.1:" + upstream.port()
                     + "?password-file=" + secret, "admin:\n  listen: 127.0.0.1:0\n  password-hash: \"" + ConsoleLoginTest.HASH + "\"\n")) {
            String id = relay.send("scanner@lan.test", List.of("bob@contoso.test"), "secret test");
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.spool.get(id).orElseThrow().attempts() > 0);
            assertThat(upstream.commands).anyMatch(c -> c.startsWith("AUTH")); // the password did go upstream
            ConsoleClient admin = new ConsoleClient(relay.consoleUrl());
            assertThat(admin.login("admin", ConsoleLoginTest.PASSWORD).statusCode()).isEqualTo(303);
            StringBuilder everything = new StringBuilder();
            for (String path : List.of("/", "/queue", "/queue/" + id, "/devices", "/config", "/metrics")) {
                everything.append(admin.get(path).body());
            }
            String all = everything.toString();
            assertThat(all).contains("451 4.3.0 AUTH was", "account nas01 (password hash set)");
            assertThat(all).doesNotContain(CANARY, plainB64, canaryB64, ConsoleLoginTest.HASH.toString(), RelayWithConsole.NAS_HASH,
                    RelayWithConsole.NAS_PASSWORD, ConsoleLoginTest.PASSWORD, "pbkdf2-sha512$");
        }
    }
}
