package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ConfigException;

/**
 * The listeners' certificate machinery for other servers of the relay (the admin console):
 * the same sources (self-signed, PEM, PKCS#12 with its password from the environment or a
 * file), the same errors. Stateless.
 */
public final class ServerCertificates {

    private ServerCertificates() {
    }

    /**
     * A server-side TLS context presenting the certificate {@code source} names (generated now for
     * a self-signed one, for {@code hostName}, localhost and 127.0.0.1).
     *
     * @param what names the server in errors, e.g. {@code admin.certificate}
     * @throws ConfigException when the certificate, key or password cannot be read
     */
    public static SSLContext context(CertificateSource source, String hostName, String what) throws ConfigException {
        try {
            return ListenerTls.load(source, hostName).context();
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(what + ": cannot set up TLS: " + e.getMessage());
        }
    }
}
