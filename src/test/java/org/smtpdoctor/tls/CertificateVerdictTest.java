package org.smtpdoctor.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.tls.SelfSignedCertificate.KeyAlgorithm;

class CertificateVerdictTest {

    private static SelfSignedCertificate cert(List<String> names, Clock clock) throws Exception {
        return SelfSignedCertificate.generate(KeyAlgorithm.EC_P256, "test", names,
                List.of(InetAddress.getByName("127.0.0.1")), clock);
    }

    private static CertificateVerdict.Kind judge(SelfSignedCertificate c, boolean trusted, String host) {
        TlsClient client = new TlsClient(trusted ? List.of(c.certificate()) : List.of());
        return client.judge(List.of(c.certificate()), "ECDHE_ECDSA", host).kind();
    }

    @Test
    void anExplicitlyTrustedCertificateForTheHostIsTrusted() throws Exception {
        SelfSignedCertificate c = cert(List.of("mail.example.test"), Clock.systemUTC());
        assertThat(judge(c, true, "mail.example.test")).isEqualTo(CertificateVerdict.Kind.TRUSTED);
        assertThat(judge(c, true, "127.0.0.1")).isEqualTo(CertificateVerdict.Kind.TRUSTED);
    }

    @Test
    void aSelfSignedCertificateIsUntrustedByDefault() throws Exception {
        SelfSignedCertificate c = cert(List.of("mail.example.test"), Clock.systemUTC());
        assertThat(judge(c, false, "mail.example.test")).isEqualTo(CertificateVerdict.Kind.UNTRUSTED);
    }

    @Test
    void anExpiredCertificateIsExpiredEvenWhenTrusted() throws Exception {
        SelfSignedCertificate c = cert(List.of("mail.example.test"), Clock.offset(Clock.systemUTC(), Duration.ofDays(-90)));
        assertThat(judge(c, true, "mail.example.test")).isEqualTo(CertificateVerdict.Kind.EXPIRED);
    }

    @Test
    void aCertificateForAnotherNameIsAMismatch() throws Exception {
        SelfSignedCertificate c = cert(List.of("other.example.test"), Clock.systemUTC());
        assertThat(judge(c, true, "smtp.office365.com")).isEqualTo(CertificateVerdict.Kind.HOSTNAME_MISMATCH);
        assertThat(judge(c, true, "10.0.0.1")).isEqualTo(CertificateVerdict.Kind.HOSTNAME_MISMATCH);
    }

    @Test
    void aWildcardCoversExactlyOneLabel() {
        assertThat(HostnameMatcher.nameMatches("*.outlook.com", "a.outlook.com")).isTrue();
        assertThat(HostnameMatcher.nameMatches("*.outlook.com", "a.b.outlook.com")).isFalse();
        assertThat(HostnameMatcher.nameMatches("*.outlook.com", "outlook.com")).isFalse();
        assertThat(HostnameMatcher.nameMatches("smtp.office365.com.", "smtp.office365.com")).isTrue();
    }
}
