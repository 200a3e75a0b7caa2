package org.smtpdoctor.relay.deliver;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.graph.GraphEndpoint;
import org.smtpdoctor.graph.GraphHttp;
import org.smtpdoctor.graph.GraphMailer;
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
import org.smtpdoctor.smtp.Redactor;
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
            case M365_GRAPH -> graph(url, s);
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

    /**
     * {@code m365-graph://}: an app-only token for the cloud's Graph ({@code graph=} overrides
     * where Graph is, for the lab and tests), HTTP with the settings' timeouts (connect; reply
     * for each request; the whole-transaction bound for uploads) and the URL's extra anchors.
     */
    private static GraphUpstream graph(UpstreamUrl url, UpstreamSettings s) {
        var p = url.parameters();
        MicrosoftCloud cloud = url.cloud().orElseThrow();
        GraphEndpoint endpoint;
        try {
            endpoint = GraphEndpoint.of(p.getOrDefault("graph", cloud.graph().toString()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(url + ": " + e.getMessage());
        }
        String mailbox = url.mailbox().orElseThrow();
        Credentials.OAuth oauth = credentials(url, mailbox, s, cloud, p.containsKey("graph") && !p.containsKey("cloud")
                ? graphScope(endpoint) : cloud.graphScope());
        GraphHttp http = new GraphHttp(s.timeouts().connect(), s.timeouts().read(), trust(url, s), new Redactor());
        GraphMailer.Settings settings = new GraphMailer.Settings(endpoint, mailbox,
                !"false".equalsIgnoreCase(p.getOrDefault("save-to-sent-items", "true")),
                "refuse".equalsIgnoreCase(p.getOrDefault("large", "upload")) ? GraphMailer.Large.REFUSE : GraphMailer.Large.UPLOAD,
                s.timeouts().overall());
        return new GraphUpstream(url.toString(), new GraphMailer(http, settings, GraphUpstream.bearer(oauth)), oauth, http, s.clock());
    }

    /**
     * The scope for a Graph given by URL: the cloud's Graph scope when it is one of the clouds'
     * Graph hosts, else (the lab) the worldwide one, which is what a lab's Entra issues Graph tokens for.
     */
    private static String graphScope(GraphEndpoint endpoint) {
        for (MicrosoftCloud c : MicrosoftCloud.values()) {
            if (c.graph().equals(endpoint.base())) {
                return c.graphScope();
            }
        }
        return MicrosoftCloud.GLOBAL.graphScope();
    }

    static Credentials.OAuth oauth(UpstreamUrl url, String mailbox, UpstreamSettings s) {
        MicrosoftCloud cloud = url.cloud().orElseThrow();
        return credentials(url, mailbox, s, cloud, cloud.appOnlyScope());
    }

    /** An app-only token source for the URL's app and credential, for one scope (Exchange's or Graph's). */
    private static Credentials.OAuth credentials(UpstreamUrl url, String mailbox, UpstreamSettings s, MicrosoftCloud cloud,
                                                 String scope) {
        var p = url.parameters();
        Authority authority;
        try {
            authority = new Authority(p.containsKey("authority") ? URI.create(p.get("authority")) : cloud.authority(), p.get("tenant"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(url + ": " + e.getMessage());
        }
        ClientCredential credential;
        String prefix = p.containsKey("client-cert") ? "client-cert" : "certificate";
        if (p.containsKey(prefix)) {
            Optional<Secret> certPassword = p.containsKey(prefix + "-password-env") || p.containsKey(prefix + "-password-file")
                    ? Optional.of(secret(url, s, prefix + "-password-env", prefix + "-password-file", "the certificate password"))
                    : Optional.empty();
            try {
                credential = CertificateFile.load(Path.of(p.get(prefix)), certPassword);
            } catch (TokenException e) {
                throw new IllegalArgumentException(url + ": " + e.getMessage());
            }
        } else if (p.containsKey("client-secret-env") || p.containsKey("client-secret-file")) {
            credential = new ClientCredential.ClientSecret(secret(url, s, "client-secret-env", "client-secret-file", "the client secret"));
        } else {
            throw new IllegalArgumentException(url + ": the relay needs an app-only token: add client-secret-env=VAR,"
                    + " client-secret-file=PATH or certificate=PATH (also called client-cert=PATH)");
        }
        TokenClient client = new TokenClient(authority, p.get("client-id"), s.tokenTimeout());
        // No token cache on disk: an app-only token costs one request an hour, and a relay's
        // token should not outlive the process in a file.
        return new Credentials.OAuth(mailbox, () -> EntraTokenSource.appOnly(client, credential, Optional.empty(), s.clock(), scope));
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
