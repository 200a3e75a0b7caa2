package org.smtpdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void secretsAndTheirBase64FormsAreMasked() {
        Redactor r = new Redactor();
        r.register("Canary-5ecret!");
        String b64 = Base64.getEncoder().encodeToString("Canary-5ecret!".getBytes(StandardCharsets.UTF_8));
        assertThat(r.redact("pw Canary-5ecret! and " + b64)).isEqualTo("pw <redacted> and <redacted>");
    }

    @Test
    void aSecretNeverShowsInToString() {
        assertThat(Secret.of("Canary-5ecret!").toString()).doesNotContain("Canary");
    }
}
