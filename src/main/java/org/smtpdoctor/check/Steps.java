package org.smtpdoctor.check;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.net.MailDns;
import org.smtpdoctor.net.MailDnsAnswer;
import org.smtpdoctor.net.MailDnsMx;
import org.smtpdoctor.net.PortProbe;
import org.smtpdoctor.net.PortResult;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.net.TcpConnector;
import org.smtpdoctor.oauth.AccessToken;
import org.smtpdoctor.oauth.Authority;
import org.smtpdoctor.oauth.TokenCheck;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.oauth.TokenSource;
import org.smtpdoctor.oauth.TenantDiscovery;
import org.smtpdoctor.smtp.Capabilities;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.SmtpConnection;
import org.smtpdoctor.smtp.Timeouts;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.tls.CertificateVerdict;
import org.smtpdoctor.tls.HostnameMatcher;
import org.smtpdoctor.tls.TlsClient;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * The check's steps. Each takes the session so far and returns an {@link Outcome};
 * none prints or throws for a server's "no" or a broken wire: both become outcomes
 * with evidence (a reply or a named event, see docs/rules.md) for the knowledge base.
 */
final class Steps {

    /** Consumer (Outlook.com) hosts that business tenants are often pointed at by mistake. */
    private static final Set<String> CONSUMER_HOSTS = Set.of("smtp-mail.outlook.com", "smtp.live.com", "smtp.outlook.com");
    private static final Set<String> CONSUMER_DOMAINS = Set.of("outlook.com", "hotmail.com", "live.com", "msn.com");
    /** A banner or greeting with a run of asterisks: an SMTP inspection proxy masked it. */
    private static final Pattern MASKED = Pattern.compile("\\*{5,}");
    /** A keyword overwritten with X's (Cisco ESMTP inspection turns STARTTLS into XXXXXXXA). */
    private static final Pattern X_KEYWORD = Pattern.compile("^X{4,}[A-Z]?$");
    private static final int CERT_EXPIRY_WARN_DAYS = 14;

    private final Resolver resolver;
    private final java.util.function.Function<Duration, MailDns> mailDns;

    Steps(Resolver resolver, java.util.function.Function<Duration, MailDns> mailDns) {
        this.resolver = resolver;
        this.mailDns = mailDns;
    }

    Outcome config(CheckSession s) {
        CheckRequest r = s.request;
        if (r.password().isPresent() && r.user().isEmpty()) {
            return Outcome.fail("a password was given but no user name", s.event(StepId.CONFIG, "config.password-without-user"));
        }
        if (r.port() == 465 && r.security() == Security.STARTTLS) {
            return Outcome.fail("port 465 expects implicit TLS, not STARTTLS", s.event(StepId.CONFIG, "config.starttls-on-465"));
        }
        if (r.port() == 587 && r.security() == Security.TLS) {
            return Outcome.fail("port 587 expects STARTTLS, not implicit TLS", s.event(StepId.CONFIG, "config.tls-on-587"));
        }
        String host = r.host().toLowerCase(Locale.ROOT);
        String userDomain = r.user().filter(u -> u.contains("@"))
                .map(u -> u.substring(u.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)).orElse("");
        if (CONSUMER_HOSTS.contains(host) && !userDomain.isEmpty() && !CONSUMER_DOMAINS.contains(userDomain)) {
            return Outcome.warn(host + " is for Outlook.com consumer accounts, not " + userDomain,
                    s.event(StepId.CONFIG, "config.consumer-host"));
        }
        if (r.security() == Security.NONE && Vendor.fromHost(host) == Vendor.MICROSOFT) {
            return Outcome.warn("Microsoft 365 requires TLS; --security none cannot authenticate",
                    s.event(StepId.CONFIG, "config.m365-without-tls"));
        }
        if (r.port() == 25 && !r.lab() && r.domain().isEmpty()) {
            return Outcome.warn("port 25 is often blocked outbound by ISPs and firewalls; submission uses 587",
                    s.event(StepId.CONFIG, "config.port-25"));
        }
        String auth = r.domain().isPresent() ? "MX route for " + r.domain().get() + ", no AUTH"
                : r.noAuth() ? "no AUTH (--no-auth)"
                : r.token().isPresent() ? "XOAUTH2 as " + r.user().orElse("?")
                : r.user().map(u -> "AUTH as " + u).orElse("no credentials given");
        String device = r.tlsProtocols().equals(TlsClient.MODERN) ? "" : ", device TLS " + String.join("/", r.tlsProtocols());
        return Outcome.pass(r.host() + ":" + r.port() + ", " + r.security().id() + ", " + auth + device
                + r.preset().map(p -> " (preset " + p + ")").orElse(""));
    }

    Outcome dns(CheckSession s) {
        Optional<String> note = Optional.empty();
        if (s.request.domain().isPresent()) {
            Outcome route = mxRoute(s, s.request.domain().get());
            if (route.status() == Status.FAIL) {
                return route;
            }
            if (route.status() == Status.WARN) {
                note = Optional.of(route.summary());
                Outcome resolved = resolve(s);
                if (resolved.status() == Status.FAIL) {
                    return resolved;
                }
                List<String> details = new ArrayList<>(route.details());
                details.addAll(resolved.details());
                return new Outcome(Status.WARN, note.get() + "; " + resolved.summary(), details, route.evidence(), false);
            }
            Outcome resolved = resolve(s);
            if (resolved.status() == Status.FAIL) {
                return resolved;
            }
            List<String> details = new ArrayList<>(route.details());
            details.addAll(resolved.details());
            return Outcome.pass(route.summary() + "; " + resolved.summary(), details.toArray(new String[0]));
        }
        return resolve(s);
    }

    /**
     * The Direct Send / connector route: the domain's MX must be Exchange Online Protection
     * (it becomes the host to connect to), and its SPF record should authorise Microsoft.
     */
    private Outcome mxRoute(CheckSession s, String domain) {
        MailDns dns = mailDns.apply(s.request.timeout());
        MailDnsAnswer<List<MailDnsMx>> mx = dns.mx(domain);
        if (!(mx instanceof MailDnsAnswer.Found<List<MailDnsMx>> found)) {
            String why = mx instanceof MailDnsAnswer.NxDomain<?> ? domain + " does not exist (NXDOMAIN)"
                    : mx instanceof MailDnsAnswer.NoData<?> ? domain + " has no MX record"
                    : "MX lookup for " + domain + " failed: " + ((MailDnsAnswer.Failed<?>) mx).message();
            return Outcome.fail(why, s.event(StepId.DNS, "route.no-mx"));
        }
        List<String> details = new ArrayList<>();
        found.value().forEach(m -> details.add("MX " + m.preference() + " " + m.host()));
        MailDnsMx first = found.value().get(0);
        if (!MailDns.isMicrosoftMx(first.host())) {
            return Outcome.fail("the MX of " + domain + " is " + first.host() + ", not Exchange Online Protection",
                    s.event(StepId.DNS, "route.mx-not-microsoft"), details.toArray(new String[0]));
        }
        s.host = first.host();
        s.transcript.info("MX of " + domain + ": " + first.host(), false);
        Optional<String> spf = dns.spf(domain);
        details.add("SPF " + spf.orElse("(none, or more than one)"));
        if (spf.isEmpty() || !MailDns.spfIncludes(spf.get(), "include:spf.protection.outlook.com")) {
            return new Outcome(Status.WARN, "MX " + first.host() + " is Microsoft's, but SPF of " + domain
                    + " does not include spf.protection.outlook.com", details, Optional.of(s.event(StepId.DNS, "route.spf-missing")), false);
        }
        return Outcome.pass("MX " + first.host() + " is Microsoft's, SPF includes spf.protection.outlook.com",
                details.toArray(new String[0]));
    }

    private Outcome resolve(CheckSession s) {
        String host = s.host;
        try {
            s.addresses = resolver.resolve(host, s.request.timeout());
        } catch (TransportException e) {
            s.transcript.error(e.getMessage(), false);
            return Outcome.fail(e.getMessage(), s.event(StepId.DNS, "dns.unresolved"));
        }
        List<String> shown = s.addresses.stream().map(InetAddress::getHostAddress).toList();
        String first = shown.get(0);
        String literal = host.equals(first) ? " (address literal)" : "";
        s.transcript.info("resolved " + host + " to " + String.join(", ", shown), false);
        return Outcome.pass(host + " -> " + first + literal + (shown.size() > 1 ? " (+" + (shown.size() - 1) + " more)" : ""),
                shown.toArray(new String[0]));
    }

    /** One connection attempt: the socket, or why there is none. */
    private record Attempt(InetAddress address, Socket socket, long ms, TransportException failure) {
        String describe(int port) {
            String family = address instanceof java.net.Inet6Address ? "IPv6 " : "IPv4 ";
            return family + address.getHostAddress() + ":" + port + ": "
                    + (socket != null ? "connected in " + ms + " ms" : failure.kind().description());
        }
    }

    private static Attempt attempt(InetAddress address, int port, Duration timeout) {
        long start = System.nanoTime();
        try {
            Socket socket = TcpConnector.connect(new InetSocketAddress(address, port), timeout);
            return new Attempt(address, socket, Duration.ofNanos(System.nanoTime() - start).toMillis(), null);
        } catch (TransportException e) {
            return new Attempt(address, null, 0, e);
        }
    }

    /** Mail ports tried when the chosen one cannot be reached: which other routes are open from here. */
    private static final List<Integer> MAIL_PORTS = List.of(25, 465, 587, 2525);

    /**
     * What the other mail ports of the same address do, probed at once (so this costs one
     * short timeout): on Microsoft 365, port 587 open means SMTP AUTH submission is reachable,
     * port 25 open means the MX routes (Direct Send, connector) can be.
     */
    private static List<String> otherPorts(CheckSession s, InetAddress address, int failedPort) {
        List<Integer> ports = MAIL_PORTS.stream().filter(p -> p != failedPort).toList();
        Duration wait = s.request.timeout().compareTo(Duration.ofSeconds(3)) < 0 ? s.request.timeout() : Duration.ofSeconds(3);
        List<String> out = new ArrayList<>();
        for (PortResult r : new PortProbe(wait, Duration.ofMillis(Math.min(2000, wait.toMillis()))).probeAll(address, s.host, ports)) {
            out.add("port " + r.port() + " from here: " + r.state().id()
                    + r.service().map(x -> " (" + x.id() + ")").orElse(""));
        }
        return out;
    }

    /**
     * Connects. When the name has IPv4 and IPv6 addresses, one of each is tried at once and
     * both results are reported (a device may prefer the family that fails); otherwise the
     * addresses are tried in the resolver's order, at most three, each within the timeout.
     */
    Outcome tcp(CheckSession s) {
        int port = s.request.port();
        Duration timeout = s.request.timeout();
        Optional<InetAddress> v4 = s.addresses.stream().filter(a -> a instanceof java.net.Inet4Address).findFirst();
        Optional<InetAddress> v6 = s.addresses.stream().filter(a -> a instanceof java.net.Inet6Address).findFirst();
        List<Attempt> attempts = new ArrayList<>();
        if (v4.isPresent() && v6.isPresent()) {
            java.util.concurrent.CompletableFuture<Attempt> other = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> attempt(v6.get(), port, timeout), r -> {
                        Thread t = new Thread(r, "tcp-ipv6");
                        t.setDaemon(true);
                        t.start();
                    });
            Attempt four = attempt(v4.get(), port, timeout);
            Attempt six = other.join();
            boolean v6First = s.addresses.get(0) instanceof java.net.Inet6Address;
            attempts.addAll(v6First ? List.of(six, four) : List.of(four, six));
        } else {
            for (InetAddress address : s.addresses.stream().limit(3).toList()) {
                Attempt a = attempt(address, port, timeout);
                attempts.add(a);
                if (a.socket() != null) {
                    break;
                }
            }
        }
        String[] details = attempts.stream().map(a -> a.describe(port)).toArray(String[]::new);
        attempts.stream().filter(a -> a.socket() == null)
                .forEach(a -> s.transcript.error(a.address().getHostAddress() + ":" + port + ": " + a.failure().getMessage(), false));
        Optional<Attempt> used = attempts.stream().filter(a -> a.socket() != null).findFirst();
        attempts.stream().filter(a -> a.socket() != null && a != used.orElse(null)).forEach(a -> TcpConnector.closeQuietly(a.socket()));
        if (used.isEmpty()) {
            // The most telling failure: refused or filtered say more than "no route".
            TransportException last = attempts.stream().map(Attempt::failure)
                    .min(java.util.Comparator.comparingInt(f -> f.kind() == TransportException.Kind.UNREACHABLE ? 1 : 0))
                    .orElseThrow();
            String event = switch (last.kind()) {
                case CONNECT_REFUSED -> "tcp.refused";
                case CONNECT_TIMEOUT -> "tcp.timeout";
                case UNREACHABLE -> "tcp.unreachable";
                case RESET -> "tcp.reset";
                default -> "tcp.failed";
            };
            List<String> all = new ArrayList<>(List.of(details));
            all.addAll(otherPorts(s, attempts.get(0).address(), port));
            return Outcome.fail("cannot connect to port " + port + ": " + last.kind().description(), s.event(StepId.TCP, event),
                    all.toArray(new String[0]));
        }
        Attempt ok = used.get();
        try {
            s.client = new SmtpClient(new SmtpConnection(ok.socket(), new Timeouts(timeout, timeout, timeout.multipliedBy(6)),
                    s.transcript));
        } catch (java.io.IOException e) {
            TcpConnector.closeQuietly(ok.socket());
            return Outcome.fail("connection lost at once: " + e.getMessage(), s.event(StepId.TCP, "tcp.reset"), details);
        }
        s.connectedTo = ok.address();
        s.transcript.info("connected to " + ok.address().getHostAddress() + ":" + port, false);
        String summary = "connected to " + ok.address().getHostAddress() + ":" + port + " in " + ok.ms() + " ms";
        // A family this machine has no route for ("network unreachable") is not the path's fault.
        Optional<Attempt> failedFamily = attempts.stream()
                .filter(a -> a.socket() == null && a.failure().kind() != TransportException.Kind.UNREACHABLE).findFirst();
        if (v4.isPresent() && v6.isPresent() && failedFamily.isPresent()) {
            return Outcome.warn(summary + "; " + failedFamily.get().describe(port), s.event(StepId.TCP, "tcp.family-failed"), details);
        }
        return Outcome.pass(summary, details);
    }

    Outcome banner(CheckSession s) {
        Reply banner;
        try {
            banner = s.client.greeting();
        } catch (TransportException e) {
            return transportFailure(s, StepId.BANNER, e);
        }
        s.banner = banner;
        if (banner.code() != 220) {
            return Outcome.fail("the server refused the session: " + shorten(banner.oneLine()), s.reply(StepId.BANNER, banner));
        }
        if (MASKED.matcher(banner.text()).find()) {
            s.bannerMasked = true;
            return Outcome.warn("banner is masked (" + shorten(banner.oneLine()) + "): something in between rewrites SMTP",
                    s.event(StepId.BANNER, "banner.masked"));
        }
        return Outcome.pass(shorten(banner.oneLine()));
    }

    Outcome ehlo(CheckSession s) {
        Reply reply;
        try {
            reply = s.client.hello(ehloName(s));
        } catch (TransportException e) {
            return transportFailure(s, StepId.EHLO, e);
        }
        if (!reply.isPositive()) {
            return Outcome.fail("EHLO and HELO refused: " + shorten(reply.oneLine()), s.reply(StepId.EHLO, reply));
        }
        Capabilities caps = s.client.capabilities();
        s.plainCapabilities = caps;
        if (!s.client.extended()) {
            return Outcome.warn("the server knows only HELO: no STARTTLS, no AUTH, no extensions",
                    s.event(StepId.EHLO, "ehlo.helo-only"));
        }
        List<String> masked = caps.names().stream().filter(k -> X_KEYWORD.matcher(k).matches()).toList();
        if (!masked.isEmpty() || MASKED.matcher(caps.greeting()).find()) {
            s.keywordsMasked = true;
            return Outcome.warn("EHLO keywords are masked " + masked + ": an SMTP inspection device rewrites them",
                    s.event(StepId.EHLO, "ehlo.masked"), describe(caps));
        }
        return Outcome.pass(caps.names().size() + " extensions: " + String.join(" ", caps.names()), describe(caps));
    }

    Outcome tls(CheckSession s) {
        Security security = s.request.security();
        if (security == Security.NONE) {
            return Outcome.skip("not requested (--security none): the session stays in plain text");
        }
        TlsClient tlsClient = new TlsClient(s.request.trusted(), s.request.tlsProtocols());
        if (security == Security.TLS) {
            try {
                s.tls = Optional.of(s.client.implicitTls(tlsClient, s.host, s.request.port()));
            } catch (TransportException e) {
                return tlsFailure(s, e);
            }
            return Outcome.pass("implicit TLS: " + describe(s.tls.get()));
        }
        if (!s.plainCapabilities.startTls()) {
            String event = s.bannerMasked || s.keywordsMasked ? "tls.starttls-stripped" : "tls.starttls-not-offered";
            return Outcome.fail("the server does not offer STARTTLS", s.event(StepId.TLS, event));
        }
        try {
            SmtpClient.StartTlsResult result = s.client.startTls(tlsClient, s.host, s.request.port());
            if (result.session().isEmpty()) {
                return Outcome.fail("STARTTLS refused: " + shorten(result.reply().oneLine()), s.reply(StepId.TLS, result.reply()));
            }
            s.tls = result.session();
            Reply again = s.client.hello(ehloName(s));
            if (!again.isPositive()) {
                return Outcome.fail("EHLO after STARTTLS refused: " + shorten(again.oneLine()), s.reply(StepId.TLS, again));
            }
        } catch (TransportException e) {
            return tlsFailure(s, e);
        }
        return Outcome.pass("STARTTLS: " + describe(s.tls.get()), describe(s.client.capabilities()));
    }

    Outcome certificate(CheckSession s) {
        if (s.tls.isEmpty()) {
            return Outcome.skip("no TLS session, no certificate");
        }
        TlsSessionInfo info = s.tls.get();
        CertificateVerdict verdict = info.verdict();
        List<String> details = new ArrayList<>();
        for (X509Certificate c : info.peerChain()) {
            details.add(c.getSubjectX500Principal().getName() + " (issuer " + c.getIssuerX500Principal().getName()
                    + ", until " + c.getNotAfter().toInstant() + ")");
        }
        String[] d = details.toArray(new String[0]);
        return switch (verdict.kind()) {
            case TRUSTED -> {
                X509Certificate leaf = info.peerChain().get(0);
                long days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
                String names = String.join(", ", HostnameMatcher.dnsNames(leaf).stream().limit(3).toList());
                if (days < CERT_EXPIRY_WARN_DAYS) {
                    yield Outcome.warn("trusted, but expires in " + days + " days", s.event(StepId.CERTIFICATE, "cert.expiring"), d);
                }
                yield Outcome.pass("trusted for " + s.host + (names.isEmpty() ? "" : " (" + names + ")")
                        + ", expires in " + days + " days", d);
            }
            case EXPIRED -> Outcome.fail("certificate " + verdict.detail(), s.event(StepId.CERTIFICATE, "cert.expired"), d);
            case NOT_YET_VALID -> Outcome.fail("certificate " + verdict.detail(), s.event(StepId.CERTIFICATE, "cert.not-yet-valid"), d);
            case HOSTNAME_MISMATCH -> Outcome.fail(verdict.detail(), s.event(StepId.CERTIFICATE, "cert.hostname"), d);
            case UNTRUSTED -> Outcome.fail("certificate " + verdict.detail(), s.event(StepId.CERTIFICATE, "cert.untrusted"), d);
            case NO_CERTIFICATE -> Outcome.fail(verdict.detail(), s.event(StepId.CERTIFICATE, "cert.untrusted"), d);
        };
    }

    Outcome authMechanisms(CheckSession s) {
        CheckRequest r = s.request;
        if (r.noAuth()) {
            return Outcome.skip("--no-auth: not authenticating, as a device without credentials would");
        }
        if (r.user().isEmpty()) {
            return Outcome.skip("no --user given: not authenticating");
        }
        Capabilities caps = s.client.capabilities();
        Set<String> offered = caps.authMechanisms();
        if (offered.isEmpty()) {
            boolean tlsWouldHelp = !s.client.isTls() && caps.startTls();
            return Outcome.fail("the server offers no AUTH" + (s.client.isTls() ? "" : " on this unencrypted session"),
                    s.event(StepId.AUTH_MECHANISMS, tlsWouldHelp ? "auth.requires-tls" : "auth.not-offered"));
        }
        String wanted;
        if (r.token().isPresent()) {
            wanted = "XOAUTH2";
        } else if (r.mechanism().isPresent()) {
            wanted = r.mechanism().get().toUpperCase(Locale.ROOT);
        } else {
            wanted = offered.contains("PLAIN") ? "PLAIN" : offered.contains("LOGIN") ? "LOGIN" : null;
        }
        if (!s.client.isTls() && !r.allowPlaintextAuth()) {
            return Outcome.fail("not sending credentials over an unencrypted connection (use TLS, or --allow-plaintext-auth)",
                    s.event(StepId.AUTH_MECHANISMS, "auth.plaintext-refused"));
        }
        if (wanted == null || !offered.contains(wanted)) {
            return Outcome.fail("offered: " + String.join(" ", offered) + "; none that we can use"
                            + (wanted == null ? " (LOGIN, PLAIN or XOAUTH2)" : " (" + wanted + ")"),
                    s.event(StepId.AUTH_MECHANISMS, "auth.no-common-mechanism"));
        }
        s.mechanism = wanted;
        return Outcome.pass("offered: " + String.join(" ", offered) + "; using " + wanted);
    }

    Outcome token(CheckSession s) {
        TokenSource source = s.request.token().orElseThrow();
        long start = System.nanoTime();
        try {
            s.accessToken = source.token();
        } catch (TokenException e) {
            return Outcome.fail(e.getMessage(), tokenEvidence(s, e),
                    e.ticketIds().map(ids -> new String[] {source.describe(), "Entra " + ids}).orElse(new String[] {source.describe()}));
        }
        s.redactor.register(s.accessToken.reveal());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        AccessToken token;
        try {
            token = AccessToken.parse(s.accessToken.reveal());
        } catch (AccessToken.MalformedToken e) {
            return Outcome.fail("the access token cannot be read: " + e.getMessage(), s.event(StepId.TOKEN, "token.malformed"));
        }
        s.tokenClaims = token;
        // Only worldwide Entra tokens: their tenant can be compared with the one the mailbox's domain belongs to.
        Optional<String> mailboxTenant = !token.fromEntraWorldwide() ? Optional.empty()
                : s.request.user().filter(u -> u.indexOf('@') > 0)
                        .flatMap(u -> TenantDiscovery.tenantOf(Authority.MICROSOFT, u.substring(u.indexOf('@') + 1), s.request.timeout()));
        List<TokenCheck.Problem> problems = TokenCheck.problems(token, s.request.user(), mailboxTenant, java.time.Clock.systemUTC());
        String summary = (token.appOnly() ? "app-only" : "delegated") + " token for " + token.audience().orElse("?")
                + (token.appOnly() ? ", roles " + String.join(" ", token.roles()) : ", scopes " + String.join(" ", token.scopes()))
                + token.expires().map(e -> ", expires " + e).orElse("");
        if (!problems.isEmpty()) {
            TokenCheck.Problem first = problems.get(0);
            return Outcome.fail(first.detail(), s.event(StepId.TOKEN, first.event()),
                    problems.stream().skip(1).map(TokenCheck.Problem::detail).toArray(String[]::new));
        }
        return Outcome.pass(summary, source.describe() + (tookMs > 5 ? " (" + tookMs + " ms)" : ""));
    }

    /** What a failed token request tells the knowledge base: the endpoint's own words, or what kept it from answering. */
    private static Evidence tokenEvidence(CheckSession s, TokenException e) {
        return e.event().map(event -> s.event(StepId.TOKEN, event)).orElseGet(() -> Evidence.raw(e.reason(), Vendor.MICROSOFT));
    }

    Outcome auth(CheckSession s) {
        CheckRequest r = s.request;
        if (s.mechanism == null) {
            return Outcome.skip(r.noAuth() ? "--no-auth" : "not authenticating");
        }
        String user = r.user().orElseThrow();
        Reply reply;
        try {
            reply = switch (s.mechanism) {
                case "XOAUTH2" -> s.client.authXoauth2(user, s.accessToken);
                case "PLAIN" -> s.client.authPlain(user, r.password().orElseThrow());
                default -> s.client.authLogin(user, r.password().orElseThrow());
            };
        } catch (TransportException e) {
            return transportFailure(s, StepId.AUTH, e);
        }
        if (reply.code() == 235) {
            s.authenticated = true;
            return Outcome.pass("authenticated as " + user + " with " + s.mechanism);
        }
        // An OAuth rejection means something else than a password one (rules phase "xoauth2").
        Evidence evidence = "XOAUTH2".equals(s.mechanism)
                ? Evidence.reply("xoauth2", reply, s.vendor(), s.values()) : s.reply(StepId.AUTH, reply);
        boolean catchAll = reply.code() == 535 && reply.enhanced().map(e -> e.toString().equals("5.7.3")).orElse(false);
        if ("XOAUTH2".equals(s.mechanism) && catchAll && s.tokenClaims != null && s.tokenClaims.appOnly()
                && s.vendor() == Vendor.MICROSOFT) {
            // The token step found nothing wrong with the token: what is left is Exchange's side.
            evidence = s.event(StepId.AUTH, "xoauth2.app-token-refused");
        }
        return Outcome.fail("authentication failed: " + shorten(reply.oneLine()), evidence);
    }

    Outcome mailFrom(CheckSession s) {
        String sender = s.request.from().orElse(s.request.user().filter(u -> u.contains("@")).orElse(null));
        if (sender == null) {
            return new Outcome(Status.SKIP, "no --from given (and the user name is not an address)", List.of(),
                    Optional.empty(), true);
        }
        s.sender = sender;
        try {
            Reply reply = s.client.mailFrom(sender);
            if (reply.isPositive()) {
                return Outcome.pass("sender <" + sender + "> accepted: " + shorten(reply.oneLine()));
            }
            return Outcome.fail("sender <" + sender + "> refused: " + shorten(reply.oneLine()), s.reply(StepId.MAIL_FROM, reply));
        } catch (TransportException e) {
            return transportFailure(s, StepId.MAIL_FROM, e);
        }
    }

    Outcome rcptTo(CheckSession s) {
        if (s.request.to().isEmpty()) {
            return new Outcome(Status.SKIP, "no --to given: add --to to test a recipient", List.of(),
                    Optional.empty(), true);
        }
        String to = s.request.to().get();
        try {
            Reply reply = s.client.rcptTo(to);
            if (reply.isPositive()) {
                return Outcome.pass("recipient <" + to + "> accepted: " + shorten(reply.oneLine()));
            }
            return Outcome.fail("recipient <" + to + "> refused: " + shorten(reply.oneLine()), s.reply(StepId.RCPT_TO, reply));
        } catch (TransportException e) {
            return transportFailure(s, StepId.RCPT_TO, e);
        }
    }

    Outcome data(CheckSession s) {
        if (!s.request.send()) {
            return Outcome.skip("not sending (add --send to deliver a test message)");
        }
        try {
            Reply reply = s.client.data(testMessage(s));
            if (reply.isPositive()) {
                return Outcome.pass("test message accepted: " + shorten(reply.oneLine()));
            }
            return Outcome.fail("message refused: " + shorten(reply.oneLine()), s.reply(StepId.DATA, reply));
        } catch (TransportException e) {
            return transportFailure(s, StepId.DATA, e);
        }
    }

    /** The EHLO name: as given, else this side's address literal (RFC 5321 section 4.1.3). */
    private static String ehloName(CheckSession s) {
        if (!s.request.ehloName().isBlank()) {
            return s.request.ehloName();
        }
        InetAddress local = s.client.localAddress();
        return local instanceof java.net.Inet6Address ? "[IPv6:" + local.getHostAddress() + "]" : "[" + local.getHostAddress() + "]";
    }

    private static byte[] testMessage(CheckSession s) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String text = "From: <" + s.sender + ">\r\n"
                + "To: <" + s.request.to().orElseThrow() + ">\r\n"
                + "Subject: smtp-doctor test message\r\n"
                + "Date: " + date + "\r\n"
                + "Message-ID: <" + UUID.randomUUID() + "@smtp-doctor>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "\r\n"
                + "This test message was sent by smtp-doctor to verify mail submission through\r\n"
                + s.host + ":" + s.request.port() + ". No action is needed.\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Outcome tlsFailure(CheckSession s, TransportException e) {
        if (e.kind() != TransportException.Kind.TLS_HANDSHAKE) {
            return transportFailure(s, StepId.TLS, e);
        }
        String m = e.getMessage();
        // In STARTTLS mode a plain-text answer means the 220 was not followed by TLS: not a port mix-up.
        String plain = s.request.security() == Security.STARTTLS ? "tls.starttls-plaintext" : "tls.plaintext-answer";
        String event = m.contains("plain text") ? plain
                : m.contains("no TLS version in common") ? "tls.protocol-version" : "tls.handshake";
        return Outcome.fail(m, s.event(StepId.TLS, event));
    }

    /** A broken wire in any step: named by its kind, as event {@code transport.<kind>}. */
    static Outcome transportFailure(CheckSession s, StepId step, TransportException e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return Outcome.fail(e.getMessage(), s.event(step, "transport." + kind));
    }

    private static String describe(TlsSessionInfo info) {
        return info.protocol() + ", " + info.cipherSuite();
    }

    private static String[] describe(Capabilities caps) {
        List<String> out = new ArrayList<>();
        caps.keywords().forEach((k, v) -> out.add(v.isEmpty() ? k : k + " " + String.join(" ", v)));
        return out.toArray(new String[0]);
    }

    static String shorten(String text) {
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }
}
