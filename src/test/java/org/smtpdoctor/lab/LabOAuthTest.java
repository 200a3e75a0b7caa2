package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The lab's Entra, asked for tokens over HTTP by client credentials as any OAuth client does. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LabOAuthTest {

    @Test
    void its_endpoints_are_laid_out_like_login_microsoftonline_com() throws Exception {
        try (LabOAuth entra = LabOAuth.start(LabOAuth.Issuance.EXCHANGE)) {
            assertThat(entra.authority()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(entra.tenant()).isEqualTo(LabOAuth.TENANT);
            assertThat(entra.tokenEndpoint()).isEqualTo(entra.authority() + "/" + entra.tenant() + "/oauth2/v2.0/token");
            assertThat(entra.issuer()).isEqualTo(entra.authority() + "/" + entra.tenant() + "/oauth2/v2.0");
            assertThat(entra.jwksUri()).isEqualTo(entra.issuer() + "/jwks");
        }
    }

    @Test
    void a_client_credentials_token_is_shaped_like_entras_app_only_token_for_exchange_online() throws Exception {
        try (LabOAuth entra = LabOAuth.start(LabOAuth.Issuance.EXCHANGE)) {
            SignedJWT jwt = SignedJWT.parse(TokenRequests.clientCredentials(entra));
            RSAKey key = entra.fetchKeys().getKeys().get(0).toRSAKey();
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
            assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            assertThat(claims.getAudience()).containsExactly("https://outlook.office365.com");
            assertThat(claims.getIssuer()).isEqualTo(entra.issuer());
            assertThat(claims.getStringClaim("tid")).isEqualTo(LabOAuth.TENANT);
            assertThat(claims.getStringClaim("appid")).isEqualTo(LabOAuth.CLIENT_ID);
            assertThat(claims.getStringClaim("azp")).isEqualTo(LabOAuth.CLIENT_ID);
            assertThat(claims.getStringClaim("oid")).isEqualTo(LabOAuth.SERVICE_PRINCIPAL_ID).isEqualTo(claims.getSubject());
            assertThat(claims.getStringListClaim("roles")).containsExactly("SMTP.SendAsApp");
            assertThat(claims.getClaim("scp")).isNull();
            assertThat(Duration.between(Instant.now(), claims.getExpirationTime().toInstant()))
                    .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(60));
        }
    }

    @Test
    void each_server_signs_with_a_key_of_its_own() throws Exception {
        try (LabOAuth one = LabOAuth.start(LabOAuth.Issuance.EXCHANGE);
                LabOAuth other = LabOAuth.start(LabOAuth.Issuance.EXCHANGE)) {
            RSAKey oneKey = one.fetchKeys().getKeys().get(0).toRSAKey();
            RSAKey otherKey = other.fetchKeys().getKeys().get(0).toRSAKey();
            assertThat(oneKey.getKeyID()).isEqualTo(otherKey.getKeyID());
            assertThat(oneKey.getModulus()).isNotEqualTo(otherKey.getModulus());
        }
    }

    @Test
    void each_issuance_changes_only_what_it_says() throws Exception {
        try (LabOAuth entra = LabOAuth.start(new LabOAuth.Issuance(LabOAuth.GRAPH_AUDIENCE, List.of(), true))) {
            JWTClaimsSet claims = SignedJWT.parse(TokenRequests.clientCredentials(entra)).getJWTClaimsSet();
            assertThat(claims.getAudience()).containsExactly("https://graph.microsoft.com");
            assertThat(claims.getClaim("roles")).isNull();
            assertThat(claims.getExpirationTime().toInstant()).isBefore(Instant.now().minus(Duration.ofMinutes(59)));
            assertThat(claims.getNotBeforeTime().toInstant()).isBefore(claims.getExpirationTime().toInstant());
            assertThat(claims.getStringClaim("oid")).isEqualTo(LabOAuth.SERVICE_PRINCIPAL_ID);
        }
    }
}
