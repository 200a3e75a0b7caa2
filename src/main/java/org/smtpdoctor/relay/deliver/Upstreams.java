package org.smtpdoctor.relay.deliver;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.net.MailDnsAnswer;
import org.smtpdoctor.net.MailDnsMx;
import org.smtpdoctor.oauth.Authority;
import org.smtpdoctor.oauth.CertificateFile;
import org.smtpdoctor.oauth.ClientCredential;
import org.smtpdoctor.oauth.EntraTokenSource;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.oauth.TokenClient;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.tls.TlsClient;

/**
 * Builds {@link Upstream}s from {@link UpstreamUrl}s: the one place that knows what each
 * scheme means on the wire. Secrets are read here, once, at start-up (a missing variable or
 * file stops the relay before it accepts mail it could never deliver). Stateless.
 */
public final class Upstreams {

    private Upstreams() {
    }

    /** @throws IllegalArgumentException with a message for the user when a secret cannot be read */
    public static List<Upstream> create(List<UpstreamUrl> urls, UpstreamSettings settings) {
        List<Upstream> out = new ArrayList<>();
        for (UpstreamUrl u : urls) {
            out.add(create(u, settings));
        }
        return out;
    }

    /**
     * What {@link #create} would refuse, one line per upstream (an unset {@code password-env}
     * variable, a missing {@code password-file}, an {@code m365-oauth://} URL without a
     * credential, a certificate that cannot be loaded); empty when every upstream can be made.
     * Contacts nothing.
     */
    public static List<String> problems(List<UpstreamUrl> urls, UpstreamSettings settings) {
        List<String> out = new ArrayList<>();
        for (UpstreamUrl u : urls) {
            try {
                create(u, settings);
            } catch (IllegalArgumentException e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    public static Upstream create(UpstreamUrl url, UpstreamSettings s) {
        TlsClient tls = new TlsClient(trust(url, s));
        return switch (url.scheme()) {
            case SMTP, SMTP_STARTTLS, SMTPS -> {
                SmtpUpstream.TlsMode mode = url.scheme() == UpstreamUrl.Scheme.SMTPS ? SmtpUpstream.TlsMode.IMPLICIT
                        : url.scheme() == UpstreamUrl.Scheme.SMTP_STARTTLS ? SmtpUpstream.TlsMode.STARTTLS
                        : SmtpUpstream.TlsMode.OPPORTUNISTIC;
                Credentials c = url.user().<Credentials>map(user -> new Credentials.Password(user, password(url, s)))
                        .orElse(new Credentials.None());
                List<SmtpUpstream.Target> one = List.of(new SmtpUpstream.Target(url.host(), url.port()));
                yield new SmtpUpstream(url.toString(), url.mailbox().orElse(url.host()), url.mailbox(), () -> one, mode, c,
                        tls, s.timeouts(), ehlo(url, s), s.resolver(), s.clock(), Vendor.OTHER);
            }
            case MX -> new SmtpUpstream(url.toString(), url.host(), Optional.empty(), () -> mxTargets(url.host(), s),
                    SmtpUpstream.TlsMode.OPPORTUNISTIC, new Credentials.None(), tls, s.timeouts(), ehlo(url, s), s.resolver(), s.clock(), Vendor.OTHER);
            case M365_OAUTH -> {
                String mailbox = url.mailbox().orElseThrow();
                Credentials.OAuth oauth = oauth(url, mailbox, s);
                List<SmtpUpstream.Target> one = List.of(s.m365Endpoint().orElse(new SmtpUpstream.Target(url.host(), url.port())));
                yield new SmtpUpstream(url.toString(), mailbox, Optional.of(mailbox), () -> one, SmtpUpstream.TlsMode.STARTTLS,
                        oauth, tls, s.timeouts(), s.ehloName(), s.resolver(), s.clock(), Vendor.MICROSOFT);
            }
        };
    }

    /**
     * The settings' extra anchors plus the URL's {@code ca-file=PATH} (PEM), for a smarthost with
     * a private CA or a self-signed certificate.
     */
    private static List<java.security.cert.X509Certificate> trust(UpstreamUrl url, UpstreamSettings s) {
        String file = url.parameters().get("ca-file");
        if (file == null) {
            return s.extraTrust();
        }
        List<java.security.cert.X509Certificate> all = new ArrayList<>(s.extraTrust());
        try {
            all.addAll(TlsClient.readPem(Path.of(file)));
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new IllegalArgumentException(url + ": cannot read the trusted certificates in " + file + " (" + e.getMessage() + ")");
        }
        return all;
    }

    private static String ehlo(UpstreamUrl url, UpstreamSettings s) {
        return url.parameters().getOrDefault("helo", s.ehloName());
    }

    /** RFC 5321 section 5.1: MX hosts by preference; no MX records means the domain itself; a null MX means no mail. */
    static List<SmtpUpstream.Target> mxTargets(String domain, UpstreamSettings s) throws SmtpUpstream.LookupFailed {
        MailDnsAnswer<List<MailDnsMx>> answer = s.mx().apply(domain);
        if (answer instanceof MailDnsAnswer.Found<List<MailDnsMx>> found) {
            List<MailDnsMx> mx = found.value().stream().sorted(MailDnsMx.BY_PREFERENCE).toList();
            if (mx.stream().anyMatch(MailDnsMx::isNullMx)) {
                throw new SmtpUpstream.LookupFailed(SessionFailure.event(domain, "dns", "route.no-mx",
                        domain + " publishes a null MX (RFC 7505): it accepts no mail"));
            }
            return mx.stream().map(m -> new SmtpUpstream.Target(m.host(), s.mxPort())).toList();
        }
        if (answer instanceof MailDnsAnswer.NoData<List<MailDnsMx>>) {
            return List.of(new SmtpUpstream.Target(domain, s.mxPort()));
        }
        if (answer instanceof MailDnsAnswer.NxDomain<List<MailDnsMx>>) {
            throw new SmtpUpstream.LookupFailed(SessionFailure.event(domain, "dns", "dns.unresolved", domain + " does not exist (NXDOMAIN)"));
        }
        MailDnsAnswer.Failed<List<MailDnsMx>> failed = (MailDnsAnswer.Failed<List<MailDnsMx>>) answer;
        throw new SmtpUpstream.LookupFailed(SessionFailure.event(domain, "dns", "dns.unresolved", failed.message()));
    }

    private static Secret password(UpstreamUrl url, UpstreamSettings s) {
        return secret(url, s, "password-env", "password-file", "the upstream password");
    }

    static Credentials.OAuth oauth(UpstreamUrl url, String mailbox, UpstreamSettings s) {
        var p = url.parameters();
        MicrosoftCloud cloud = url.cloud().orElseThrow();
        Authority authority;
        try {
            authority = new Authority(p.containsKey("authority") ? URI.create(p.get("authority")) : cloud.authority(), p.get("tenant"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(url + ": " + e.getMessage());
        }
        ClientCredential credential;
        if (p.containsKey("certificate")) {
            Optional<Secret> certPassword = p.containsKey("certificate-password-env") || p.containsKey("certificate-password-file")
                    ? Optional.of(secret(url, s, "certificate-password-env", "certificate-password-file", "the certificate password"))
                    : Optional.empty();
            try {
                credential = CertificateFile.load(Path.of(p.get("certificate")), certPassword);
            } catch (TokenException e) {
                throw new IllegalArgumentException(url + ": " + e.getMessage());
            }
        } else if (p.containsKey("client-secret-env") || p.containsKey("client-secret-file")) {
            credential = new ClientCredential.ClientSecret(secret(url, s, "client-secret-env", "client-secret-file", "the client secret"));
        } else {
            throw new IllegalArgumentException(url + ": the relay needs an app-only token: add client-secret-env=VAR,"
                    + " client-secret-file=PATH or certificate=PATH");
        }
        TokenClient client = new TokenClient(authority, p.get("client-id"), s.tokenTimeout());
        // No token cache on disk: an app-only token costs one request an hour, and a relay's
        // token should not outlive the process in a file.
        return new Credentials.OAuth(mailbox, () -> new EntraTokenSource(client, Optional.of(credential), Optional.empty(),
                new TokenClient.DeviceCodeListener() {
                    @Override
                    public void waiting(TokenClient.DeviceCode code, java.time.Duration left) {
                    }

                    @Override
                    public void signedIn(TokenClient.DeviceCode code) {
                    }
                }, s.clock(), cloud));
    }

    private static Secret secret(UpstreamUrl url, UpstreamSettings s, String envKey, String fileKey, String what) {
        var p = url.parameters();
        if (p.containsKey(envKey)) {
            String var = p.get(envKey);
            String value = s.env().get(var);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(url + ": " + what + " should be in the environment variable " + var + ", which is not set");
            }
            return Secret.of(value);
        }
        Path file = Path.of(p.get(fileKey));
        String first;
        try {
            first = org.smtpdoctor.io.TextInput.firstLine(file, org.smtpdoctor.io.TextInput.SECRET_BYTES).strip();
        } catch (org.smtpdoctor.io.InputException e) {
            throw new IllegalArgumentException(url + ": cannot read " + what + " from " + e.getMessage());
        }
        if (first.isEmpty()) {
            throw new IllegalArgumentException(url + ": " + what + " file " + file + " is empty");
        }
        return Secret.of(first);
    }
}
