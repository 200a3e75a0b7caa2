package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.lab.ExchangeTokenValidator.Refusal;
import org.smtpdoctor.lab.ExchangeTokenValidator.Refused;
import org.smtpdoctor.lab.ExchangeTokenValidator.Valid;
import org.smtpdoctor.lab.ExchangeTokenValidator.Verdict;

/** Each rule of Exchange Online's token check, on tokens signed here (no server, no clock drift). */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ExchangeTokenValidatorTest {

    private static final String ISSUER = "http://127.0.0.1:1/" + LabOAuth.TENANT + "/oauth2/v2.0";
    private static final String MAILBOX = "scanner@contoso.com";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static RSAKey entraKey;
    private static RSAKey otherKey;
    private static ExchangeTokenValidator exchange;

    @BeforeAll
    static void keys() throws JOSEException {
        entraKey = new RSAKeyGenerator(2048).keyID("entra").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("entra").generate(); // same kid, another key
        exchange = new ExchangeTokenValidator(new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(new JWKSet(entraKey.toPublicJWK())), ISSUER, MAILBOX,
                Set.of(LabOAuth.SERVICE_PRINCIPAL_ID), org.smtpdoctor.oauth.MicrosoftCloud.GLOBAL.exchangeAudiences(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void an_app_only_token_with_send_as_app_and_mailbox_permission_is_valid() {
        assertThat(exchange.validate("Scanner@Contoso.com", appToken(c -> c))).isEqualTo(new Valid(MAILBOX));
    }

    @Test
    void every_exchange_online_audience_is_accepted() {
        assertThat(List.of("https://outlook.office365.com", "https://outlook.office.com", "00000002-0000-0ff1-ce00-000000000000"))
                .allSatisfy(aud -> assertThat(exchange.validate(MAILBOX, appToken(c -> c.audience(aud))))
                        .isInstanceOf(Valid.class));
    }

    @Test
    void a_token_signed_by_another_key_is_refused_even_with_the_right_kid_and_claims() throws JOSEException {
        assertThat(exchange.validate(MAILBOX, sign(otherKey, appClaims().build()))).isEqualTo(refused(Refusal.BAD_SIGNATURE));
    }

    @Test
    void an_unsigned_token_and_a_non_jwt_are_refused() {
        assertThat(exchange.validate(MAILBOX, new PlainJWT(appClaims().build()).serialize()))
                .isEqualTo(refused(Refusal.BAD_SIGNATURE));
        assertThat(exchange.validate(MAILBOX, "EwBwA8l6BAAU-opaque-token")).isEqualTo(refused(Refusal.NOT_A_JWT));
    }

    @Test
    void expiry_and_not_before_allow_five_minutes_of_clock_skew() {
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.expirationTime(at(NOW.minusSeconds(240))))))
                .isInstanceOf(Valid.class);
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.expirationTime(at(NOW.minusSeconds(301))))))
                .isEqualTo(refused(Refusal.EXPIRED));
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.expirationTime(null)))).isEqualTo(refused(Refusal.EXPIRED));
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.notBeforeTime(at(NOW.plusSeconds(301))))))
                .isEqualTo(refused(Refusal.NOT_YET_VALID));
    }

    @Test
    void issuer_audience_and_role_are_checked() {
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.issuer("https://sts.windows.net/" + LabOAuth.TENANT + "/"))))
                .isEqualTo(refused(Refusal.WRONG_ISSUER));
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.audience("https://graph.microsoft.com"))))
                .isEqualTo(refused(Refusal.WRONG_AUDIENCE));
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.claim("roles", List.of("IMAP.AccessAsApp")))))
                .isEqualTo(refused(Refusal.NO_SMTP_PERMISSION));
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.claim("roles", null))))
                .isEqualTo(refused(Refusal.NO_SMTP_PERMISSION));
    }

    @Test
    void the_service_principal_needs_full_access_on_the_mailbox_named_in_user() {
        assertThat(exchange.validate(MAILBOX, appToken(c -> c.claim("oid", "00000000-0000-0000-0000-000000000bad"))))
                .isEqualTo(refused(Refusal.NO_MAILBOX_PERMISSION));
        assertThat(exchange.validate("finance@contoso.com", appToken(c -> c))).isEqualTo(refused(Refusal.UNKNOWN_MAILBOX));
        assertThat(exchange.validate(null, appToken(c -> c))).isEqualTo(refused(Refusal.UNKNOWN_MAILBOX));
    }

    @Test
    void a_delegated_token_needs_smtp_send_and_must_be_the_mailbox_owners() {
        UnaryOperator<JWTClaimsSet.Builder> delegated = c -> c.audience("https://outlook.office.com").claim("roles", null)
                .claim("scp", "offline_access SMTP.Send").claim("upn", MAILBOX);
        assertThat(exchange.validate(MAILBOX, appToken(delegated))).isEqualTo(new Valid(MAILBOX));
        assertThat(exchange.validate(MAILBOX, appToken(c -> delegated.apply(c).claim("scp", "Mail.Read"))))
                .isEqualTo(refused(Refusal.NO_SMTP_PERMISSION));
        assertThat(exchange.validate(MAILBOX, appToken(c -> delegated.apply(c).claim("upn", "finance@contoso.com"))))
                .isEqualTo(refused(Refusal.NOT_THE_MAILBOX_OWNER));
    }

    private static Refused refused(Refusal reason) {
        return new Refused(reason);
    }

    private static Date at(Instant instant) {
        return Date.from(instant);
    }

    /** The claims of the lab Entra's healthy token, valid at {@link #NOW}. */
    private static JWTClaimsSet.Builder appClaims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience("https://outlook.office365.com")
                .subject(LabOAuth.SERVICE_PRINCIPAL_ID)
                .issueTime(at(NOW.minusSeconds(60)))
                .notBeforeTime(at(NOW.minusSeconds(60)))
                .expirationTime(at(NOW.plusSeconds(3539)))
                .claim("tid", LabOAuth.TENANT)
                .claim("appid", LabOAuth.CLIENT_ID)
                .claim("oid", LabOAuth.SERVICE_PRINCIPAL_ID)
                .claim("roles", List.of("SMTP.SendAsApp"));
    }

    private static String appToken(UnaryOperator<JWTClaimsSet.Builder> change) {
        try {
            return sign(entraKey, change.apply(appClaims()).build());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
