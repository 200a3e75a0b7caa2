package org.smtpdoctor.check;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.oauth.TokenSource;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.Security;

/**
 * Everything one check needs to know, resolved from options, presets and the lab.
 * Immutable; secrets are {@link Secret}s whose toString hides them.
 *
 * @param preset      the preset name that filled host/port/security, if any
 * @param mechanism   the AUTH mechanism to use, or empty to choose from what the server offers
 * @param token       where the XOAUTH2 access token comes from, if OAuth is used; it is
 *                    acquired by the token step, before the SMTP connection is opened
 * @param noAuth      skip AUTH deliberately, as a device without credentials would
 * @param trusted     certificates to trust in addition to the JDK's authorities
 * @param tlsProtocols the TLS versions the client may use (a legacy device: only TLSv1)
 * @param allowPlaintextAuth send credentials even without TLS (refused otherwise)
 * @param domain      for the MX routes (Direct Send, connector): connect to this domain's MX
 *                    and check its SPF record; {@code host} is then only a label
 */
public record CheckRequest(String host, int port, Security security, Optional<String> preset, String ehloName,
                           Optional<String> user, Optional<Secret> password, Optional<TokenSource> token,
                           Optional<String> mechanism, boolean noAuth, Optional<String> from, Optional<String> to,
                           boolean send, Duration timeout, List<X509Certificate> trusted, boolean lab,
                           List<String> tlsProtocols, boolean allowPlaintextAuth, Optional<String> domain) {

    public CheckRequest {
        trusted = List.copyOf(trusted);
        tlsProtocols = List.copyOf(tlsProtocols);
    }
}
