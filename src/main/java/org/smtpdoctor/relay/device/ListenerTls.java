package org.smtpdoctor.relay.device;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.tls.LegacyTls;
import org.smtpdoctor.tls.SelfSignedCertificate;

/**
 * The server side of TLS for one listener: its certificate, and the protocols and cipher
 * suites pinned on every socket it makes (never process defaults, which
 * {@link #allowLegacyInProcess()} may have widened).
 * <p>
 * A listener configured with TLSv1 or TLSv1.1 also enables the CBC-SHA suites that such
 * devices have (ECDHE-RSA and RSA key exchange with AES-CBC, and 3DES for the oldest);
 * every other listener enables only the JDK's default suites minus 3DES, RC4, NULL and
 * anonymous ones. Immutable and thread-safe.
 */
final class ListenerTls {

    /** Suites a TLS 1.0/1.1 device may need, most preferred first. */
    static final List<String> LEGACY_SUITES = List.of(
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "SSL_RSA_WITH_3DES_EDE_CBC_SHA");

    private final SSLContext context;
    private final String[] protocols;
    private final String[] suites;
    private final X509Certificate certificate;

    private ListenerTls(SSLContext context, List<String> protocols, boolean legacy, X509Certificate certificate) {
        this.context = context;
        this.protocols = protocols.toArray(String[]::new);
        this.certificate = certificate;
        Set<String> chosen = new LinkedHashSet<>();
        for (String s : context.getDefaultSSLParameters().getCipherSuites()) {
            if (!s.matches(".*(3DES|RC4|NULL|anon|EXPORT|_DES_).*")) {
                chosen.add(s);
            }
        }
        if (legacy) {
            List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
            LEGACY_SUITES.stream().filter(supported::contains).forEach(chosen::add);
        }
        this.suites = chosen.toArray(String[]::new);
    }

    /**
     * Loads or generates the listener's certificate.
     *
     * @throws ConfigException when a certificate, key or password cannot be read
     */
    static ListenerTls of(ListenerConfig listener, String hostName) throws ConfigException {
        try {
            Loaded loaded = load(listener.certificate(), hostName);
            return new ListenerTls(loaded.context(), listener.tlsVersions(), listener.legacyTls(), loaded.certificate());
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("listener " + listener + ": cannot set up TLS: " + e.getMessage());
        }
    }

    /** A server's key material: the context and the certificate it presents. */
    record Loaded(SSLContext context, X509Certificate certificate) {}

    /** Loads or generates a certificate from any of the sources a listener may name (the console uses it too). */
    static Loaded load(CertificateSource source, String hostName) throws ConfigException, GeneralSecurityException, IOException {
        if (source instanceof CertificateSource.Pem pem) {
            List<X509Certificate> chain = readCertificates(pem.certificate());
            PrivateKey key = readKey(pem.key());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", key, none, chain.toArray(X509Certificate[]::new));
            return new Loaded(context(store, none), chain.get(0));
        }
        if (source instanceof CertificateSource.Pkcs12 p12) {
            char[] password = p12Password(p12);
            KeyStore store = KeyStore.getInstance("PKCS12");
            byte[] p12Bytes;
            try {
                p12Bytes = org.smtpdoctor.io.TextInput.bytes(p12.file(), org.smtpdoctor.io.TextInput.CONFIG_BYTES);
            } catch (org.smtpdoctor.io.InputException e) {
                throw new ConfigException(e.getMessage());
            }
            try {
                store.load(new ByteArrayInputStream(p12Bytes), password);
            } catch (IOException e) {
                throw new ConfigException(p12.file() + ": cannot read the PKCS#12 file: a wrong password, or not a PKCS#12 file");
            }
            X509Certificate first = null;
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    first = (X509Certificate) store.getCertificate(alias);
                    break;
                }
            }
            if (first == null) {
                throw new ConfigException(p12.file() + ": the PKCS#12 file holds no private key");
            }
            return new Loaded(context(store, password), first);
        }
        SelfSignedCertificate generated = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.RSA_2048,
                hostName, List.of(hostName, "localhost"), List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})),
                Clock.systemUTC());
        return new Loaded(generated.serverContext(), generated.certificate());
    }

    /**
     * What a legacy listener takes off {@code jdk.tls.disabledAlgorithms} besides TLS 1.0/1.1:
     * 3DES, and what JDK 24 added to the list, RSA key exchange ({@code TLS_RSA_*}, often the only
     * kind an old device has) and SHA-1 handshake signatures. What JDK 17 allows for such a device,
     * on every JDK.
     */
    static final java.util.Set<String> LEGACY_ENTRIES = java.util.Set.of("3DES_EDE_CBC", "TLS_RSA_*",
            "rsa_pkcs1_sha1 usage HandshakeSignature", "ecdsa_sha1 usage HandshakeSignature");

    /**
     * Re-enables TLS 1.0/1.1 and the suites of {@link #LEGACY_ENTRIES} in this process for
     * listeners configured with them. Process-wide and effective only before the process's first
     * TLS use (see {@link LegacyTls}); every socket the relay makes pins its own protocols and suites.
     */
    static synchronized void allowLegacyInProcess() {
        LegacyTls.allow();
        String property = "jdk.tls.disabledAlgorithms";
        String current = Security.getProperty(property);
        if (current != null) {
            List<String> kept = new ArrayList<>();
            for (String entry : current.split(",")) {
                if (!LEGACY_ENTRIES.contains(entry.trim().replaceAll("\\s+", " "))) {
                    kept.add(entry.trim());
                }
            }
            Security.setProperty(property, String.join(", ", kept));
        }
    }

    private static final java.util.regex.Pattern CLIENT_VERSIONS =
            java.util.regex.Pattern.compile("(?:client supported protocol versions \\[([^]]*)]|Client requested protocol (\\S+) is not enabled)");

    /** What to do about a failed handshake, when the reason suggests something; else null. */
    static String hint(ListenerConfig listener, IOException e) {
        String m = String.valueOf(e.getMessage());
        java.util.regex.Matcher versions = CLIENT_VERSIONS.matcher(m);
        if (versions.find()) {
            String list = versions.group(1) != null ? versions.group(1) : versions.group(2);
            List<String> offered = Arrays.stream(list.split(",\\s*")).toList();
            if (offered.stream().allMatch(v -> v.equals("TLSv1") || v.equals("TLSv1.1"))) {
                return "the device speaks only " + String.join("/", offered) + ": add it to this listener's tls-versions"
                        + " (best on a listener of its own, so no other device can be talked down to it)";
            }
            return "the device offers " + String.join("/", offered) + "; this listener allows " + String.join("/", listener.tlsVersions());
        }
        if (m.contains("cipher")) {
            return "no cipher suite in common; old devices may need TLSv1 in tls-versions, which also enables the CBC/3DES suites they have";
        }
        return null;
    }

    /** The cipher suites enabled on this listener's sockets, most preferred first. */
    List<String> suites() {
        return List.of(suites);
    }

    X509Certificate certificate() {
        return certificate;
    }

    /**
     * Server-side TLS over an accepted connection, handshake not yet done.
     *
     * @param consumed bytes already read from {@code raw} that belong to the TLS stream
     */
    SSLSocket serverSocket(Socket raw, byte[] consumed) throws IOException {
        SSLSocketFactory factory = context.getSocketFactory();
        SSLSocket tls = (SSLSocket) factory.createSocket(raw, new ByteArrayInputStream(consumed), true);
        tls.setUseClientMode(false);
        tls.setEnabledProtocols(protocols.clone());
        tls.setEnabledCipherSuites(suites.clone());
        return tls;
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, new SecureRandom());
        return context;
    }

    private static List<X509Certificate> readCertificates(Path file) throws ConfigException, IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = pemText(file, "certificate"); PEMParser pem = new PEMParser(reader)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (org.bouncycastle.util.encoders.DecoderException e) {
            throw new ConfigException(file + ": a PEM block in it is damaged (cut, or edited by hand?)");
        }
        if (chain.isEmpty()) {
            throw new ConfigException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) throws ConfigException, IOException {
        try (Reader reader = pemText(file, "key"); PEMParser pem = new PEMParser(reader)) {
            Object o;
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            while ((o = pem.readObject()) != null) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o.getClass().getSimpleName().contains("Encrypted")) {
                    throw new ConfigException(file + ": the private key is encrypted; decrypt it (openssl pkey -in KEY -out PLAIN) or use a PKCS#12 file with password-env");
                }
            }
        } catch (org.bouncycastle.util.encoders.DecoderException e) {
            throw new ConfigException(file + ": a PEM block in it is damaged (cut, or edited by hand?)");
        }
        throw new ConfigException(file + ": no PEM private key in it");
    }

    /** A PEM file's text, in whatever encoding Windows tools wrote it (a BOM, UTF-16), bounded. */
    private static Reader pemText(Path file, String what) throws ConfigException {
        if (!Files.exists(file)) {
            throw new ConfigException(file + ": no such " + what + " file");
        }
        try {
            return new java.io.StringReader(org.smtpdoctor.io.TextInput.file(file, org.smtpdoctor.io.TextInput.CONFIG_BYTES));
        } catch (org.smtpdoctor.io.InputException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static char[] p12Password(CertificateSource.Pkcs12 p12) throws ConfigException, IOException {
        if (p12.passwordEnv().isPresent()) {
            String value = System.getenv(p12.passwordEnv().get());
            if (value == null) {
                throw new ConfigException("environment variable " + p12.passwordEnv().get() + " (the password of " + p12.file() + ") is not set");
            }
            return value.toCharArray();
        }
        Path file = p12.passwordFile().orElseThrow();
        try {
            return org.smtpdoctor.io.TextInput.firstLine(file, org.smtpdoctor.io.TextInput.SECRET_BYTES).toCharArray();
        } catch (org.smtpdoctor.io.InputException e) {
            throw new ConfigException(e.getMessage() + " (the password file for " + p12.file() + ")");
        }
    }
}
