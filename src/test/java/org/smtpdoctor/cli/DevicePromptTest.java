package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.oauth.TokenClient;
import org.smtpdoctor.smtp.Secret;

/** What a user waiting for a device code sign-in sees (here not on a terminal: a line a minute). */
class DevicePromptTest {

    @Test
    void theCodeIsShownOnceAndTheCountdownOncePerMinute() {
        StringWriter err = new StringWriter();
        OAuthOptions.DevicePrompt prompt = new OAuthOptions.DevicePrompt(new PrintWriter(err, true));
        TokenClient.DeviceCode code = new TokenClient.DeviceCode(Secret.of("device-code-canary"), "ABCD-EFGH",
                URI.create("https://microsoft.com/devicelogin"), Instant.now().plusSeconds(900), Duration.ofSeconds(5), Optional.empty());

        for (int s = 900; s > 775; s -= 5) {
            prompt.waiting(code, Duration.ofSeconds(s));
        }
        prompt.signedIn(code);

        String shown = err.toString();
        assertThat(shown).containsOnlyOnce("open https://microsoft.com/devicelogin and enter the code ABCD-EFGH");
        assertThat(shown).contains("15:00 left").contains("14:55 left").contains("13:55 left").doesNotContain("14:50 left");
        assertThat(shown).contains("signed in.").doesNotContain("device-code-canary");
    }
}
