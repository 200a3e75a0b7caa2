package org.smtpdoctor.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

/**
 * Fuzz target: the JWT reader behind {@code smtp-doctor token} ({@link AccessToken#parse}, then
 * {@link TokenCheck}). Half the inputs are taken as the token text as it is; the other half build
 * a token from fuzzed header and payload bytes (base64url, as a JWT carries them), so that the
 * claim handling is reached. Properties: the only failure is {@link AccessToken.MalformedToken},
 * whose message never repeats the token (it is a secret); every accepted token can be checked.
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/oauth/AccessTokenFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class AccessTokenFuzzTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    @FuzzTest
    void tokens(FuzzedDataProvider data) {
        String token;
        if (data.consumeBoolean()) {
            byte[] header = data.consumeBytes(data.consumeInt(0, 200));
            String user = data.consumeString(40);
            token = B64URL.encodeToString(header) + "." + B64URL.encodeToString(data.consumeRemainingAsBytes()) + "." + user;
        } else {
            token = data.consumeRemainingAsString();
        }
        try {
            AccessToken t = AccessToken.parse(token);
            TokenCheck.problems(t, Optional.of("relay@contoso.com"), Optional.of("tenant"), CLOCK);
            t.cloud();
            t.fromEntraWorldwide();
            assertThat(t.roles()).doesNotContainNull();
        } catch (AccessToken.MalformedToken e) {
            String m = e.getMessage();
            for (String part : token.trim().split("\\.")) {
                // A part of 8-15 lower-case letters may be one of the message's own words ("consumer"
                // in "an opaque token, e.g. from a consumer account"): a token's parts are not.
                if (part.length() >= 16 || part.length() >= 8 && !part.matches("[a-z]+")) {
                    assertThat(m).as("the token is never repeated").doesNotContain(part);
                }
            }
        }
    }
}
