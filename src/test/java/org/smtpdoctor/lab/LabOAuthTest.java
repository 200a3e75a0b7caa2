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

    @Test
    void its_openid_metadata_names_the_issuer_token_endpoint_and_keys_that_verify_its_tokens() throws Exception {
        try (LabOAuth entra = LabOAuth.start(LabOAuth.Issuance.EXCHANGE)) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String where : List.of(entra.metadataUri(), entra.authority() + "/" + entra.tenant() + "/v2.0/.well-known/openid-configuration")) {
                java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(where))
                        .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(where).isEqualTo(200);
                com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata metadata =
                        com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata.parse(response.body());
                assertThat(metadata.getIssuer().getValue()).isEqualTo(entra.issuer());
                assertThat(metadata.getTokenEndpointURI()).hasToString(entra.tokenEndpoint());
                assertThat(metadata.getJWKSetURI()).hasToString(entra.jwksUri());
                RSAKey key = com.nimbusds.jose.jwk.JWKSet.load(metadata.getJWKSetURI().toURL()).getKeys().get(0).toRSAKey();
                assertThat(key.isPrivate()).as("only the public key is published").isFalse();
                assertThat(SignedJWT.parse(TokenRequests.clientCredentials(entra)).verify(new RSASSAVerifier(key))).isTrue();
            }
            java.net.http.HttpResponse<String> otherTenant = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    entra.authority() + "/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(otherTenant.statusCode()).isEqualTo(400);
            assertThat(otherTenant.body()).contains("AADSTS90002");
        }
    }

    @Test
    void a_graph_or_national_cloud_scope_gets_that_resource_as_audience_and_the_token_response_is_entras() throws Exception {
        try (LabOAuth entra = LabOAuth.start(LabOAuth.Issuance.EXCHANGE)) {
            JWTClaimsSet graph = SignedJWT.parse(TokenRequests.clientCredentials(entra, LabOAuth.GRAPH_SCOPE)).getJWTClaimsSet();
            assertThat(graph.getAudience()).containsExactly("https://graph.microsoft.com");
            assertThat(graph.getStringListClaim("roles")).containsExactlyElementsOf(LabOAuth.GRAPH_ROLES);
            JWTClaimsSet usGov = SignedJWT.parse(TokenRequests.clientCredentials(entra, "https://outlook.office365.us/.default"))
                    .getJWTClaimsSet();
            assertThat(usGov.getAudience()).containsExactly("https://outlook.office365.us");
            java.net.http.HttpResponse<String> raw = TokenRequests.post(entra.authority(), entra.tenant(), "grant_type=client_credentials"
                    + "&client_id=" + entra.clientId() + "&client_secret=" + LabOAuth.CLIENT_SECRET + "&scope="
                    + java.net.URLEncoder.encode(LabOAuth.EXCHANGE_SCOPE, java.nio.charset.StandardCharsets.UTF_8));
            com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(raw.body());
            assertThat(raw.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(body.get("expires_in").asLong()).isBetween(3590L, 3599L);
            assertThat(body.get("ext_expires_in").asLong()).isBetween(3590L, 3599L);
        }
    }

    @Test
    void its_key_is_generated_ahead_only_for_command_lines_that_start_it() {
        assertThat(LabOAuth.startsEntra("check", "--lab", "oauth-healthy")).isTrue();
        assertThat(LabOAuth.startsEntra("check", "--json", "--lab=graph-healthy")).isTrue();
        assertThat(LabOAuth.startsEntra("relay", "--lab")).isTrue();
        assertThat(LabOAuth.startsEntra("tenant", "--lab", "security-defaults")).isTrue();
        assertThat(LabOAuth.startsEntra("check", "--lab", "healthy")).isFalse();
        assertThat(LabOAuth.startsEntra("check", "--lab", "no-such-scenario")).isFalse();
        assertThat(LabOAuth.startsEntra("check", "--lab", "oauth-healthy", "--help")).isFalse();
        assertThat(LabOAuth.startsEntra("check", "--host", "smtp.office365.com")).isFalse();
        assertThat(LabOAuth.startsEntra("relay", "--config", "relay.yaml")).isFalse();
        assertThat(LabOAuth.startsEntra()).isFalse();
    }

    @Test
    void a_key_prepared_ahead_serves_one_server_and_the_next_gets_its_own() throws Exception {
        LabOAuth.prepareFor("check", "--lab", "oauth-healthy");
        try (LabOAuth first = LabOAuth.start(LabOAuth.Issuance.EXCHANGE);
                LabOAuth second = LabOAuth.start(LabOAuth.Issuance.EXCHANGE)) {
            RSAKey one = first.fetchKeys().getKeys().get(0).toRSAKey();
            RSAKey other = second.fetchKeys().getKeys().get(0).toRSAKey();
            assertThat(one.getModulus()).isNotEqualTo(other.getModulus());
            assertThat(SignedJWT.parse(TokenRequests.clientCredentials(first)).verify(new RSASSAVerifier(one))).isTrue();
        }
    }
}
