package org.smtpdoctor.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class TokenCheckTest {

    static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A JWT with these payload claims and a signature nobody checks here. */
    public static String jwt(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    private static List<String> events(String payload, String user) throws Exception {
        return TokenCheck.problems(AccessToken.parse(jwt(payload)), Optional.ofNullable(user), CLOCK).stream()
                .map(TokenCheck.Problem::event).toList();
    }

    private static final long LATER = NOW.getEpochSecond() + 3600;

    @Test
    void aGoodAppOnlyTokenHasNoProblem() throws Exception {
        assertThat(events("{\"aud\":\"https://outlook.office365.com\",\"tid\":\"t\",\"appid\":\"a\",\"exp\":" + LATER
                + ",\"roles\":[\"SMTP.SendAsApp\"]}", null)).isEmpty();
    }

    @Test
    void aGoodDelegatedTokenForTheSameUserHasNoProblem() throws Exception {
        assertThat(events("{\"aud\":\"00000002-0000-0ff1-ce00-000000000000\",\"exp\":" + LATER
                + ",\"scp\":\"SMTP.Send offline_access\",\"upn\":\"Scanner@Contoso.com\"}", "scanner@contoso.com")).isEmpty();
    }

    @Test
    void eachCloudsExchangeAudienceIsAcceptedAndNamesItsCloud() throws Exception {
        for (String aud : List.of("https://outlook.office365.us", "https://outlook-dod.office365.us", "https://partner.outlook.cn/",
                "https://outlook.office.com")) {
            assertThat(events("{\"aud\":\"" + aud + "\",\"exp\":" + LATER + ",\"roles\":[\"SMTP.SendAsApp\"]}", null))
                    .as(aud).isEmpty();
        }
        assertThat(AccessToken.parse(jwt("{\"aud\":\"https://outlook.office365.us\"}")).cloud()).contains(MicrosoftCloud.GCC_HIGH);
        assertThat(AccessToken.parse(jwt("{\"aud\":\"https://outlook-dod.office365.us\"}")).cloud()).contains(MicrosoftCloud.DOD);
        assertThat(AccessToken.parse(jwt("{\"aud\":\"https://partner.outlook.cn\"}")).cloud()).contains(MicrosoftCloud.CHINA);
        assertThat(AccessToken.parse(jwt("{\"aud\":\"https://outlook.office365.com/\"}")).cloud()).contains(MicrosoftCloud.GLOBAL);
        assertThat(AccessToken.parse(jwt("{\"aud\":\"00000002-0000-0ff1-ce00-000000000000\"}")).cloud()).isEmpty();
        assertThat(events("{\"aud\":\"https://graph.microsoft.us\",\"exp\":" + LATER + ",\"roles\":[\"SMTP.SendAsApp\"]}", null))
                .containsExactly("token.wrong-audience");
    }

    @Test
    void aGraphTokenIsTheWrongAudience() throws Exception {
        assertThat(events("{\"aud\":\"https://graph.microsoft.com\",\"exp\":" + LATER + ",\"scp\":\"Mail.Send\"}", null))
                .contains("token.wrong-audience", "token.missing-permission");
    }

    @Test
    void expiredAndNotYetValidAreFound() throws Exception {
        assertThat(events("{\"aud\":\"https://outlook.office365.com\",\"exp\":" + (NOW.getEpochSecond() - 10)
                + ",\"roles\":[\"SMTP.SendAsApp\"]}", null)).containsExactly("token.expired");
        assertThat(events("{\"aud\":\"https://outlook.office365.com\",\"exp\":" + LATER + ",\"nbf\":" + LATER
                + ",\"roles\":[\"SMTP.SendAsApp\"]}", null)).containsExactly("token.expired");
    }

    @Test
    void theSmtpPermissionMustBeThere() throws Exception {
        assertThat(events("{\"aud\":\"https://outlook.office365.com\",\"exp\":" + LATER + ",\"roles\":[\"full_access_as_app\"]}", null))
                .containsExactly("token.missing-permission");
        assertThat(events("{\"aud\":\"https://outlook.office.com\",\"exp\":" + LATER + ",\"scp\":\"IMAP.AccessAsUser.All\"}", null))
                .containsExactly("token.missing-permission");
    }

    @Test
    void aDelegatedTokenForAnotherUserIsAMismatch() throws Exception {
        assertThat(events("{\"aud\":\"https://outlook.office.com\",\"exp\":" + LATER + ",\"scp\":\"SMTP.Send\",\"upn\":\"admin@contoso.com\"}",
                "shared@contoso.com")).containsExactly("token.user-mismatch");
    }

    @Test
    void malformedTokensAreNamedWithoutEchoingThem() {
        assertThatThrownBy(() -> AccessToken.parse("not-a-jwt")).hasMessageContaining("three dot-separated parts")
                .hasMessageNotContaining("not-a-jwt");
        assertThatThrownBy(() -> AccessToken.parse("eyJ!!!.eyJ.sig")).hasMessageContaining("not base64url");
        assertThatThrownBy(() -> AccessToken.parse(Base64.getUrlEncoder().encodeToString("{}".getBytes()) + ".bm90anNvbg.sig"))
                .hasMessageContaining("payload is not JSON");
    }

    @Test
    void aTimeClaimBeyondWhatAnInstantHoldsIsAMalformedTokenNotACrash() {
        // Found by the CI's short fuzzing run: Instant.ofEpochSecond threw DateTimeException.
        for (String claim : List.of("exp", "nbf")) {
            for (String value : List.of("99999999999999999", "-99999999999999999")) {
                assertThatThrownBy(() -> AccessToken.parse(jwt("{\"aud\":\"https://outlook.office365.com\",\"" + claim + "\":" + value + "}")))
                        .isInstanceOf(AccessToken.MalformedToken.class).hasMessage("the " + claim + " claim is not a time (seconds since 1970)");
            }
        }
    }

    @Test
    void aTokenFromAnotherTenantThanTheMailboxsIsFlaggedWhenTheMailboxTenantIsKnown() throws Exception {
        AccessToken t = AccessToken.parse(jwt("{\"aud\":\"https://outlook.office365.com\",\"tid\":\"aaaa\",\"exp\":" + LATER
                + ",\"roles\":[\"SMTP.SendAsApp\"],\"iss\":\"https://sts.windows.net/aaaa/\"}"));
        assertThat(t.fromEntraWorldwide()).isTrue();
        assertThat(TokenCheck.problems(t, Optional.of("scanner@contoso.com"), Optional.of("bbbb"), CLOCK))
                .extracting(TokenCheck.Problem::event).containsExactly("token.tenant-mismatch");
        assertThat(TokenCheck.problems(t, Optional.of("scanner@contoso.com"), Optional.of("AAAA"), CLOCK)).isEmpty();
        assertThat(TokenCheck.problems(t, Optional.of("scanner@contoso.com"), Optional.empty(), CLOCK)).isEmpty();
    }
}
