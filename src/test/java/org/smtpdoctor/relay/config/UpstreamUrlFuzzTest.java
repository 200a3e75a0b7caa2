package org.smtpdoctor.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target: the upstream URL parser ({@link UpstreamUrl#parse}), fed any text, and text with
 * a password where none belongs. Properties: the only failure is an IllegalArgumentException with
 * a message for the user; an accepted URL has a scheme, a host and a port in range; and a canary
 * password written into the URL (as {@code user:PASSWORD@}, or as a {@code password}, {@code
 * client-secret} or {@code token} parameter) never appears in an error message or in the URL as
 * logs show it ({@code toString}).
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/relay/config/UpstreamUrlFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class UpstreamUrlFuzzTest {

    private static final String CANARY = "Canary5ecretXyz";

    @FuzzTest
    void urls(FuzzedDataProvider data) {
        int where = data.consumeInt(0, 4);
        String text = data.consumeRemainingAsString();
        String url = switch (where) {
            case 1 -> text.replaceFirst("@", ":" + CANARY + "@");
            case 2 -> text + (text.contains("?") ? "&" : "?") + "password=" + CANARY;
            case 3 -> text + (text.contains("?") ? "&" : "?") + "client-secret=" + CANARY;
            case 4 -> text + (text.contains("?") ? "&" : "?") + "token=" + CANARY;
            default -> text;
        };
        boolean planted = where != 0 && url.contains(CANARY) && !text.contains(CANARY);
        try {
            UpstreamUrl u = UpstreamUrl.parse(url);
            assertThat(u.host()).isNotEmpty();
            assertThat(u.port()).isBetween(1, 65535);
            if (planted) {
                assertThat(u.toString()).doesNotContain(CANARY);
            }
            u.cloud();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            if (planted) {
                assertThat(e.getMessage()).as("a secret in an error message").doesNotContain(CANARY);
            }
        }
    }
}
