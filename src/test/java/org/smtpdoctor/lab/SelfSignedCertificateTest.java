package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.tls.SelfSignedCertificate;

/** Lives with the lab's tests because the lab is its first user. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SelfSignedCertificateTest {

    @Test
    void the_default_certificate_is_valid_from_a_day_ago_to_thirty_days_ahead() {
        X509Certificate cert = SelfSignedCertificate.generate().certificate();
        Instant now = Instant.now();
        assertThat(Duration.between(cert.getNotBefore().toInstant(), now)).isBetween(Duration.ofHours(23), Duration.ofHours(25));
        assertThat(Duration.between(now, cert.getNotAfter().toInstant())).isBetween(Duration.ofDays(29), Duration.ofDays(31));
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=smtp.office365.com");
    }

    @Test
    void the_pem_parses_back_to_the_same_certificate() throws Exception {
        SelfSignedCertificate generated = SelfSignedCertificate.generate();
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(generated.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        assertThat(parsed).isEqualTo(generated.certificate());
    }

    @Test
    void rsa_certificates_can_be_made_for_clients_without_ecdsa() {
        SelfSignedCertificate rsa = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.RSA_2048);
        assertThat(rsa.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(rsa.privateKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(rsa.serverContext().getProtocol()).isEqualTo("TLS");
    }

    @Test
    void its_description_never_contains_the_key() {
        SelfSignedCertificate c = SelfSignedCertificate.generate();
        assertThat(c.toString()).doesNotContain("PRIVATE").startsWith("SelfSignedCertificate[");
    }
}
