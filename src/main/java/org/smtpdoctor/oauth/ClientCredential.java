package org.smtpdoctor.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.smtpdoctor.smtp.Secret;

/**
 * How an app proves who it is to the token endpoint: a client secret, or a certificate
 * whose private key signs a client assertion (private_key_jwt, RFC 7523).
 */
public sealed interface ClientCredential {

    ClientAuthentication authentication(ClientID client, URI tokenEndpoint) throws TokenException;

    /** A one-line description with nothing secret in it, for the checklist. */
    String describe();

    record ClientSecret(Secret secret) implements ClientCredential {
        @Override
        public ClientAuthentication authentication(ClientID client, URI tokenEndpoint) {
            // client_secret_post: Entra documents the secret as a form parameter.
            return new ClientSecretPost(client, new com.nimbusds.oauth2.sdk.auth.Secret(secret.reveal()));
        }

        @Override
        public String describe() {
            return "client secret";
        }
    }

    /**
     * A certificate credential. The assertion follows Microsoft's certificate-credentials
     * page: PS256, the certificate's SHA-256 thumbprint in x5t#S256 and, for the older
     * validators, its SHA-1 thumbprint in x5t; aud is the token endpoint; ten minutes' life.
     */
    record Certificate(X509Certificate certificate, PrivateKey key) implements ClientCredential {
        @Override
        public ClientAuthentication authentication(ClientID client, URI tokenEndpoint) throws TokenException {
            Instant now = Instant.now();
            try {
                JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.PS256).type(JOSEObjectType.JWT)
                        .x509CertSHA256Thumbprint(thumbprint("SHA-256"))
                        .x509CertThumbprint(thumbprint("SHA-1"))
                        .build();
                JWTClaimsSet claims = new JWTClaimsSet.Builder()
                        .issuer(client.getValue()).subject(client.getValue()).audience(tokenEndpoint.toString())
                        .jwtID(UUID.randomUUID().toString()).notBeforeTime(Date.from(now)).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                        .build();
                SignedJWT jwt = new SignedJWT(header, claims);
                jwt.sign(new RSASSASigner(key));
                return new PrivateKeyJWT(jwt);
            } catch (JOSEException | CertificateEncodingException | NoSuchAlgorithmException e) {
                throw TokenException.local("cannot sign the client assertion with the certificate's key: " + e.getMessage());
            }
        }

        private Base64URL thumbprint(String algorithm) throws CertificateEncodingException, NoSuchAlgorithmException {
            return Base64URL.encode(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
        }

        @Override
        public String describe() {
            return "certificate " + certificate.getSubjectX500Principal().getName() + " (expires "
                    + certificate.getNotAfter().toInstant() + ")";
        }
    }
}
