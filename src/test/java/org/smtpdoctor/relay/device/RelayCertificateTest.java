package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.tls.SelfSignedCertificate;

/** A listener presents the configured certificate: PEM files or a PKCS#12 file with its password from a file. */
class RelayCertificateTest {

    @TempDir
    Path dir;

    private static final SelfSignedCertificate CERT = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.RSA_2048,
            "relay.contoso.com", List.of("relay.contoso.com"), List.of(), Clock.systemUTC());

    private X509Certificate presented(CertificateSource source) throws Exception {
        ListenerConfig l = new ListenerConfig("127.0.0.1", 0, ListenerMode.STARTTLS, ListenerConfig.DEFAULT_TLS_VERSIONS, source,
                1 << 20, 5, 5, Duration.ofSeconds(5), false);
        try (RelayServer relay = RelayServer.start(TestRelay.config(List.of(l), List.of(TestRelay.loopback()), List.of()), new RecordingSink());
                DeviceClient c = new DeviceClient(relay.ports().get(0))) {
            c.reply();
            assertThat(c.send("STARTTLS")).startsWith("220 ");
            return (X509Certificate) c.startTls().getSession().getPeerCertificates()[0];
        }
    }

    private static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
        return w.toString();
    }

    @Test
    void a_pem_certificate_and_key_are_presented() throws Exception {
        Path cert = Files.writeString(dir.resolve("relay.crt"), pem(CERT.certificate()));
        Path key = Files.writeString(dir.resolve("relay.key"), pem(CERT.privateKey()));
        assertThat(presented(new CertificateSource.Pem(cert, key))).isEqualTo(CERT.certificate());
    }

    @Test
    void a_pkcs12_file_is_presented_with_its_password_from_a_file() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("relay", CERT.privateKey(), "p12-pass".toCharArray(), new X509Certificate[] {CERT.certificate()});
        Path p12 = dir.resolve("relay.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            store.store(out, "p12-pass".toCharArray());
        }
        Path pass = Files.writeString(dir.resolve("pass"), "p12-pass\n", StandardCharsets.UTF_8);
        assertThat(presented(new CertificateSource.Pkcs12(p12, Optional.empty(), Optional.of(pass)))).isEqualTo(CERT.certificate());
        Path wrong = Files.writeString(dir.resolve("wrong"), "nope\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> presented(new CertificateSource.Pkcs12(p12, Optional.empty(), Optional.of(wrong))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("relay.p12: cannot read the PKCS#12 file");
    }

    @Test
    void legacy_listeners_also_enable_the_old_cbc_and_3des_suites_and_others_never_do() throws Exception {
        ListenerConfig modern = TestRelay.listener(ListenerMode.STARTTLS);
        ListenerConfig legacy = new ListenerConfig("127.0.0.1", 0, ListenerMode.STARTTLS, List.of("TLSv1.2", "TLSv1"),
                new CertificateSource.SelfSigned(), 1 << 20, 5, 5, Duration.ofSeconds(5), false);
        assertThat(ListenerTls.of(modern, "relay.test").suites()).noneMatch(s -> s.contains("3DES") || s.contains("RC4") || s.contains("NULL"));
        // 3DES and RSA key exchange (disabled by default from JDK 24) only where this JVM still supports them: a relay with
        // a legacy listener re-enables them process-wide at start (asserted in the child JVM of RelayPeersTest).
        List<String> supported = List.of(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        assertThat(ListenerTls.of(legacy, "relay.test").suites()).contains("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")
                .containsAll(ListenerTls.LEGACY_SUITES.stream().filter(supported::contains).toList());
    }

    @Test
    void a_missing_or_empty_certificate_file_is_a_configuration_error_naming_it() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.crt"), "");
        Path key = Files.writeString(dir.resolve("relay.key"), pem(CERT.privateKey()));
        assertThatThrownBy(() -> presented(new CertificateSource.Pem(dir.resolve("missing.crt"), key)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.crt: no such certificate file");
        assertThatThrownBy(() -> presented(new CertificateSource.Pem(empty, key)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("empty.crt: no PEM certificate");
    }
}
