package org.smtpdoctor.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.mockwebserver.RecordedRequest;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.testing.Ports;
import org.smtpdoctor.tls.SelfSignedCertificate;

/** Token acquisition against a real OAuth server (mock-oauth2-server) on 127.0.0.1. */
class TokenClientTest {

    @TempDir
    Path dir;

    OAuthServer oauth;
    TokenClient client;

    @BeforeEach
    void start() throws Exception {
        oauth = new OAuthServer();
        client = new TokenClient(oauth.authority(), OAuthServer.CLIENT, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        oauth.close();
    }

    @Test
    void clientCredentialsWithASecretPostsTheSecretAndExchangesDefaultScope() throws Exception {
        TokenResult token = client.clientCredentials(new ClientCredential.ClientSecret(Secret.of("s3cret-value")),
                TokenClient.APP_ONLY_SCOPE);

        assertThat(AccessToken.parse(token.accessToken().reveal()).audience()).isPresent();
        assertThat(SignedJWT.parse(token.accessToken().reveal()).getJWTClaimsSet().getIssuer())
                .endsWith("/" + OAuthServer.TENANT + "/oauth2/v2.0");
        RecordedRequest request = oauth.server.takeRequest();
        String body = request.getBody().readUtf8();
        assertThat(request.getPath()).isEqualTo("/" + OAuthServer.TENANT + "/oauth2/v2.0/token");
        assertThat(OAuthServer.form(body, "grant_type")).isEqualTo("client_credentials");
        assertThat(OAuthServer.form(body, "client_secret")).isEqualTo("s3cret-value");
        assertThat(OAuthServer.form(body, "scope")).isEqualTo("https://outlook.office365.com/.default");
    }

    @Test
    void aCertificateInPemSignsAnAssertionMicrosoftAccepts() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.RSA_2048);
        Path pem = dir.resolve("app.pem");
        Files.writeString(pem, cert.certificatePem() + pem(cert.privateKey()));

        client.clientCredentials(CertificateFile.load(pem, Optional.empty()), TokenClient.APP_ONLY_SCOPE);

        String body = oauth.server.takeRequest().getBody().readUtf8();
        assertThat(OAuthServer.form(body, "client_assertion_type")).isEqualTo("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        assertThat(OAuthServer.form(body, "client_secret")).isNull();
        SignedJWT assertion = SignedJWT.parse(OAuthServer.form(body, "client_assertion"));
        assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) cert.certificate().getPublicKey()))).isTrue();
        assertThat(assertion.getHeader().getAlgorithm().getName()).isEqualTo("PS256");
        assertThat(assertion.getHeader().getX509CertSHA256Thumbprint().decode())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(cert.certificate().getEncoded()));
        assertThat(assertion.getJWTClaimsSet().getAudience()).containsExactly(oauth.authority().tokenEndpoint().toString());
        assertThat(assertion.getJWTClaimsSet().getIssuer()).isEqualTo(OAuthServer.CLIENT);
        assertThat(assertion.getJWTClaimsSet().getSubject()).isEqualTo(OAuthServer.CLIENT);
    }

    @Test
    void aPkcs12FileOpensWithItsPasswordAndNotWithout() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.RSA_2048);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("app", cert.privateKey(), "pfx-pw".toCharArray(), new java.security.cert.Certificate[] {cert.certificate()});
        Path pfx = dir.resolve("app.pfx");
        try (var out = Files.newOutputStream(pfx)) {
            store.store(out, "pfx-pw".toCharArray());
        }

        ClientCredential.Certificate loaded = CertificateFile.load(pfx, Optional.of(Secret.of("pfx-pw")));
        assertThat(loaded.certificate()).isEqualTo(cert.certificate());
        client.clientCredentials(loaded, TokenClient.APP_ONLY_SCOPE);

        assertThatThrownBy(() -> CertificateFile.load(pfx, Optional.of(Secret.of("wrong-pw"))))
                .isInstanceOf(TokenException.class).hasMessageContaining("wrong").hasMessageNotContaining("wrong-pw");
        assertThatThrownBy(() -> CertificateFile.load(pfx, Optional.empty()))
                .isInstanceOf(TokenException.class).hasMessageContaining("password");
    }

    @Test
    void unusableCertificateFilesSayWhatIsWrong() throws Exception {
        SelfSignedCertificate rsa = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.RSA_2048);
        Path certOnly = Files.writeString(dir.resolve("cert.pem"), rsa.certificatePem());
        assertThatThrownBy(() -> CertificateFile.load(certOnly, Optional.empty())).hasMessageContaining("no private key");
        Path keyOnly = Files.writeString(dir.resolve("key.pem"), pem(rsa.privateKey()));
        assertThatThrownBy(() -> CertificateFile.load(keyOnly, Optional.empty())).hasMessageContaining("no certificate");
        SelfSignedCertificate ec = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.EC_P256);
        Path ecPem = Files.writeString(dir.resolve("ec.pem"), ec.certificatePem() + pem(ec.privateKey()));
        assertThatThrownBy(() -> CertificateFile.load(ecPem, Optional.empty())).hasMessageContaining("RSA");
        Path junk = Files.writeString(dir.resolve("junk.pfx"), "not a key store");
        assertThatThrownBy(() -> CertificateFile.load(junk, Optional.of(Secret.of("x")))).isInstanceOf(TokenException.class);
        assertThatThrownBy(() -> CertificateFile.load(dir.resolve("missing.pem"), Optional.empty())).hasMessageContaining("no certificate file");
    }

    @Test
    void theDeviceCodeFlowWaitsForTheUserThenReturnsTheToken() throws Exception {
        TokenClient.DeviceCode code = client.startDeviceCode(TokenClient.DELEGATED_SCOPE);
        assertThat(code.userCode()).isEqualTo("LAB-CODE");
        assertThat(code.verificationUri()).hasToString("http://127.0.0.1/devicelogin");
        List<Duration> shown = new ArrayList<>();

        TokenResult token = client.awaitDeviceCode(code, (c, left) -> {
            shown.add(left);
            if (oauth.devicePolls.get() >= 2) {
                oauth.approveDevice();
            }
        }, Clock.systemUTC());

        assertThat(oauth.devicePolls.get()).isGreaterThanOrEqualTo(3);
        assertThat(shown).isNotEmpty().allMatch(d -> d.compareTo(Duration.ofSeconds(900)) <= 0);
        AccessToken claims = AccessToken.parse(token.accessToken().reveal());
        assertThat(claims.scopes()).contains("SMTP.Send");
        assertThat(claims.user()).contains("scanner@contoso.com");
    }

    @Test
    void aRefreshTokenFromTheServerGetsANewAccessToken() throws Exception {
        String refresh = oauth.realRefreshToken();
        assertThat(refresh).isNotBlank().doesNotContain("{");

        TokenResult token = client.refresh(Secret.of(refresh), TokenClient.DELEGATED_SCOPE);

        assertThat(SignedJWT.parse(token.accessToken().reveal()).getJWTClaimsSet().getExpirationTime()).isAfter(new java.util.Date());
    }

    @Test
    void aRefusalCarriesTheErrorBodyForDecoding() {
        TokenClient unknownTenant = new TokenClient(new Authority(oauth.authority().base(), OAuthServer.UNKNOWN_TENANT),
                OAuthServer.CLIENT, Duration.ofSeconds(5));
        assertThatThrownBy(() -> unknownTenant.clientCredentials(new ClientCredential.ClientSecret(Secret.of("x")), TokenClient.APP_ONLY_SCOPE))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TokenException.Kind.REFUSED);
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.body()).get().asString().contains("\"error_codes\":[90002]");
                    assertThat(e.getMessage()).isEqualTo("the token endpoint refused: invalid_request (AADSTS90002: Tenant '"
                            + OAuthServer.UNKNOWN_TENANT + "' not found. Check to make sure you have the correct tenant ID and "
                            + "are signing into the correct cloud.)");
                });
    }

    @Test
    void anUnreachableAuthorityIsOneClearLine() throws Exception {
        int closed = Ports.free();
        TokenClient nowhere = new TokenClient(new Authority(URI.create("http://127.0.0.1:" + closed), "t"), "c", Duration.ofSeconds(2));
        assertThatThrownBy(() -> nowhere.clientCredentials(new ClientCredential.ClientSecret(Secret.of("x")), TokenClient.APP_ONLY_SCOPE))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TokenException.Kind.UNREACHABLE);
                    assertThat(e.getMessage()).contains("cannot connect to 127.0.0.1:" + closed).doesNotContain("\n");
                });
    }

    @Test
    void secretsNeverTravelToAPlainHttpAuthorityOffTheLoopback() {
        assertThatThrownBy(() -> new Authority(URI.create("http://login.example.com"), "t")).hasMessageContaining("plain http");
        assertThatThrownBy(() -> new Authority(URI.create("https://login.microsoftonline.com"), "../x")).hasMessageContaining("not a tenant");
        assertThat(new Authority(URI.create("https://login.microsoftonline.com/"), "contoso.com").tokenEndpoint())
                .hasToString("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token");
    }

    @Test
    void theCacheKeepsTheDeviceSignInSoTheUserSignsInOnce() throws Exception {
        oauth.refreshToken = oauth.realRefreshToken();
        oauth.approveDevice();
        Path file = dir.resolve("cache").resolve("tokens.json");
        EntraTokenSource first = new EntraTokenSource(client, Optional.empty(), Optional.of(new TokenCache(file)), (c, l) -> { }, Clock.systemUTC());
        Secret token = first.token();
        int polls = oauth.devicePolls.get();
        assertThat(polls).isEqualTo(1);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        EntraTokenSource second = new EntraTokenSource(client, Optional.empty(), Optional.of(new TokenCache(file)), (c, l) -> { }, Clock.systemUTC());
        assertThat(second.token().reveal()).isEqualTo(token.reveal());

        // An hour later the access token is stale: the refresh token renews it without a device sign-in.
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(58));
        EntraTokenSource third = new EntraTokenSource(client, Optional.empty(), Optional.of(new TokenCache(file)), (c, l) -> { }, later);
        assertThat(third.token().reveal()).isNotEqualTo(token.reveal());
        assertThat(oauth.devicePolls.get()).isEqualTo(polls);
    }

    @Test
    void aCacheOthersCanReadIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.json"), "{\"version\":1,\"entries\":{}}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        EntraTokenSource source = new EntraTokenSource(client, Optional.of(new ClientCredential.ClientSecret(Secret.of("x"))),
                Optional.of(new TokenCache(file)), (c, l) -> { }, Clock.systemUTC());
        assertThatThrownBy(source::token).hasMessageContaining("chmod 600");
    }

    @Test
    void appOnlyTokensAreReusedWhileTheyLast() throws Exception {
        EntraTokenSource source = new EntraTokenSource(client, Optional.of(new ClientCredential.ClientSecret(Secret.of("x"))),
                Optional.empty(), (c, l) -> { }, Clock.systemUTC());
        Secret a = source.token();
        Secret b = source.token();
        assertThat(b.reveal()).isEqualTo(a.reveal());
        oauth.server.takeRequest();
        assertThatThrownBy(() -> oauth.server.takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                .hasMessageContaining("no request");
    }

    @Test
    void aDomainsTenantIdComesFromItsPublicOpenIdMetadata() throws Exception {
        URI base = oauth.authority().base();
        String guid = "5ab7e9d0-0c70-4d0c-9365-00000000c0de";
        // The mock names its issuer after the path: a GUID path stands for a domain Entra knows.
        assertThat(TenantDiscovery.tenantOf(base, guid, Duration.ofSeconds(5))).contains(guid);
        assertThat(TenantDiscovery.tenantOf(base, "contoso.com", Duration.ofSeconds(5))).isEmpty();
        assertThat(TenantDiscovery.tenantOf(base, "../etc", Duration.ofSeconds(5))).isEmpty();
        assertThat(TenantDiscovery.tenantOf(URI.create("http://127.0.0.1:1"), guid, Duration.ofSeconds(2))).isEmpty();
    }

    private static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }
}
