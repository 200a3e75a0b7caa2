package org.smtpdoctor.relay.config;

import java.nio.file.Path;
import java.util.Optional;

/** Where a TLS listener's certificate and key come from. Immutable values. */
public sealed interface CertificateSource {

    /** Generated at start (RSA 2048, which TLS 1.0 devices can use; ECDSA they often cannot). */
    record SelfSigned() implements CertificateSource {}

    /** A PEM certificate chain and a PEM private key (PKCS#1, PKCS#8 or SEC1), unencrypted. */
    record Pem(Path certificate, Path key) implements CertificateSource {}

    /** A PKCS#12 file; its password from an environment variable or a file, never the config. */
    record Pkcs12(Path file, Optional<String> passwordEnv, Optional<Path> passwordFile) implements CertificateSource {}
}
