package org.smtpdoctor.oauth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.util.Collections;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.smtpdoctor.smtp.Secret;

/**
 * Reads an app's certificate credential: a PEM file holding the certificate and its RSA
 * private key (PKCS#8, optionally encrypted, or PKCS#1), or a PKCS#12 file (.pfx/.p12,
 * as Windows exports it). Every failure is a {@link TokenException} of kind LOCAL whose
 * message says what is wrong with the file, never the password.
 */
public final class CertificateFile {

    private CertificateFile() {
    }

    public static ClientCredential.Certificate load(Path file, Optional<Secret> password) throws TokenException {
        byte[] bytes;
        try {
            bytes = org.smtpdoctor.io.TextInput.certificateBytes(file, org.smtpdoctor.io.TextInput.CONFIG_BYTES);
        } catch (org.smtpdoctor.io.InputException e) {
            throw TokenException.local(Files.exists(file) ? "cannot read the certificate file " + e.getMessage() : "no certificate file " + file);
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII);
        ClientCredential.Certificate c = head.contains("-----BEGIN") ? pem(file, bytes, password) : pkcs12(file, bytes, password);
        if (!(c.key() instanceof RSAPrivateKey)) {
            throw notRsa(file);
        }
        return c;
    }

    private static ClientCredential.Certificate pem(Path file, byte[] bytes, Optional<Secret> password) throws TokenException {
        X509Certificate cert = null;
        PrivateKey key = null;
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder h && cert == null) {
                    cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(h.getEncoded()));
                } else if (o instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(rsa(info, file));
                } else if (o instanceof PEMKeyPair pair) {
                    key = converter.getPrivateKey(rsa(pair.getPrivateKeyInfo(), file));
                } else if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                    if (password.isEmpty()) {
                        throw TokenException.local("the private key in " + file + " is encrypted: give its password "
                                + "with --client-cert-password-env or --client-cert-password-file");
                    }
                    key = converter.getPrivateKey(rsa(enc.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                            .build(password.get().reveal().toCharArray())), file));
                }
            }
        } catch (PKCSException e) {
            throw TokenException.local("cannot decrypt the private key in " + file + " (wrong password?)");
        } catch (IOException | org.bouncycastle.util.encoders.DecoderException e) {
            throw TokenException.local("cannot read " + file + " as PEM: a block in it is damaged (cut, or edited by hand?)");
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw TokenException.local("cannot read " + file + " as PEM: its certificate or key is malformed or of an unsupported kind");
        }
        if (cert == null) {
            throw TokenException.local("no certificate in " + file + " (expected -----BEGIN CERTIFICATE-----)");
        }
        if (key == null) {
            throw TokenException.local("no private key in " + file + " (expected -----BEGIN PRIVATE KEY----- after the certificate)");
        }
        return new ClientCredential.Certificate(cert, key);
    }

    private static PrivateKeyInfo rsa(PrivateKeyInfo info, Path file) throws TokenException {
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
            throw notRsa(file);
        }
        return info;
    }

    private static TokenException notRsa(Path file) {
        return TokenException.local("the key in " + file + " is not an RSA key; Microsoft Entra certificate credentials need RSA");
    }

    private static ClientCredential.Certificate pkcs12(Path file, byte[] bytes, Optional<Secret> password) throws TokenException {
        if (bytes.length < 4 || bytes[0] != 0x30) {
            // PKCS#12 is a DER SEQUENCE; anything else is not worth a password guess.
            throw TokenException.local("cannot read " + file + ": neither PEM nor PKCS#12");
        }
        char[] pw = password.map(p -> p.reveal().toCharArray()).orElse(new char[0]);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), pw);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate cert) {
                    return new ClientCredential.Certificate(cert, (PrivateKey) store.getKey(alias, pw));
                }
            }
            throw TokenException.local("no private key with a certificate in " + file);
        } catch (UnrecoverableKeyException e) {
            throw TokenException.local("cannot open the private key in " + file + ": wrong password");
        } catch (IOException e) {
            // KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException.
            throw TokenException.local(e.getCause() instanceof UnrecoverableKeyException || password.isEmpty()
                    ? "cannot open " + file + " as PKCS#12: wrong or missing password (--client-cert-password-env)"
                    : "cannot read " + file + ": neither PEM nor PKCS#12");
        } catch (GeneralSecurityException e) {
            throw TokenException.local("cannot read " + file + " as PKCS#12: damaged, or protected by an algorithm Java does not support");
        }
    }
}
