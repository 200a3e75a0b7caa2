package org.smtpdoctor.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate generated in memory, for listeners that need TLS
 * without any files: the Microsoft 365 lab, tests, and demos.
 * <p>
 * The default certificate ({@link #generate()}) is EC P-256 / SHA256withECDSA (fast to
 * generate, a few milliseconds), subject {@code CN=smtp.office365.com, O=smtp-doctor lab
 * (self-signed)}, with the subject alternative names DNS {@code localhost}, DNS
 * {@code smtp.office365.com} and IP {@code 127.0.0.1}, valid from one day ago to thirty
 * days ahead, key usage digitalSignature (plus keyEncipherment for RSA) and extended key
 * usage serverAuth. No public CA issued it: a client must trust it explicitly, for
 * example from {@link #certificatePem()}.
 * <p>
 * Immutable and thread-safe once generated. The private key never leaves the object
 * except through {@link #privateKey()} and {@link #serverContext()}; nothing here prints
 * or logs it.
 */
public final class SelfSignedCertificate {

    /** Key algorithms offered; RSA suits old TLS clients that lack ECDSA suites. */
    public enum KeyAlgorithm { EC_P256, RSA_2048 }

    /** Subject alternative names of the default certificate. */
    public static final List<String> DEFAULT_DNS_NAMES = List.of("localhost", "smtp.office365.com");

    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** The default lab certificate: EC P-256, the SANs and validity described above. */
    public static SelfSignedCertificate generate() {
        return generate(KeyAlgorithm.EC_P256, "smtp.office365.com", DEFAULT_DNS_NAMES,
                List.of(loopbackV4()), Clock.systemUTC());
    }

    /** The default names and validity with another key algorithm. */
    public static SelfSignedCertificate generate(KeyAlgorithm algorithm) {
        return generate(algorithm, "smtp.office365.com", DEFAULT_DNS_NAMES,
                List.of(loopbackV4()), Clock.systemUTC());
    }

    /**
     * Generates a certificate valid from {@code clock.instant() - 1 day} to
     * {@code clock.instant() + 30 days}.
     *
     * @param commonName the subject CN
     * @param dnsNames DNS subject alternative names (may be empty)
     * @param ipAddresses IP subject alternative names (may be empty)
     * @throws IllegalStateException if the JDK lacks the algorithms (never on a standard JDK 17)
     */
    public static SelfSignedCertificate generate(KeyAlgorithm algorithm, String commonName,
            List<String> dnsNames, List<InetAddress> ipAddresses, Clock clock) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(commonName, "commonName");
        try {
            KeyPair keys = keyPair(algorithm);
            Instant now = clock.instant();
            X500Name subject = new X500Name("CN=" + commonName + ", O=smtp-doctor lab (self-signed)");
            BigInteger serial = new BigInteger(63, new SecureRandom()).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());

            List<GeneralName> names = new ArrayList<>();
            for (String dns : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, dns));
            }
            for (InetAddress ip : ipAddresses) {
                names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
            }
            JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int usage = algorithm == KeyAlgorithm.RSA_2048
                    ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                    : KeyUsage.digitalSignature;
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensionUtils.createSubjectKeyIdentifier(keys.getPublic()));

            String signature = algorithm == KeyAlgorithm.RSA_2048 ? "SHA256withRSA" : "SHA256withECDSA";
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
            cert.verify(keys.getPublic());
            return new SelfSignedCertificate(cert, keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}), LF line ends, 64 columns. */
    public String certificatePem() {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the certificate", e);
        }
    }

    /**
     * A fresh server-side {@link SSLContext} ("TLS") whose only key is this certificate
     * and key. Protocol versions are not restricted here: a listener sets its enabled
     * protocols per socket.
     */
    public SSLContext serverContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SingleKeyManager(certificate, privateKey)}, null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a server TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[" + certificate.getSubjectX500Principal().getName()
                + ", notAfter=" + certificate.getNotAfter().toInstant() + "]";
    }

    private static KeyPair keyPair(KeyAlgorithm algorithm) throws GeneralSecurityException {
        if (algorithm == KeyAlgorithm.RSA_2048) {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return rsa.generateKeyPair();
        }
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        return ec.generateKeyPair();
    }

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: the address has four bytes
        }
    }

    /**
     * Offers the one certificate for every server handshake whose key type matches. Used
     * instead of a PKCS12 key store, whose key encryption (PBKDF2) costs tens of
     * milliseconds per context for nothing here.
     */
    private static final class SingleKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "server";
        private final X509Certificate certificate;
        private final PrivateKey key;

        SingleKeyManager(X509Certificate certificate, PrivateKey key) {
            this.certificate = certificate;
            this.key = key;
        }

        private String aliasFor(String keyType) {
            return key.getAlgorithm().equalsIgnoreCase(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return aliasFor(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return aliasFor(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {certificate} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null; // server-side only
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
