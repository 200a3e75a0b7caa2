package org.smtpdoctor.check;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.net.MailDns;
import org.smtpdoctor.net.MailDnsAnswer;
import org.smtpdoctor.net.MailDnsMx;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.smtp.TransportException;

/**
 * dns: the addresses of the host to connect to. Needs {@code s.host} and, for an MX route
 * ({@code --domain}), the domain; sets {@code s.addresses} and, for an MX route,
 * {@code s.host} to the MX. FAIL {@code dns.unresolved}, or for an MX route
 * {@code route.no-mx} or {@code route.mx-not-microsoft}; WARN {@code route.spf-missing};
 * PASS with the addresses (and the MX and SPF records) as details.
 */
final class DnsStep implements Step {

    private final Resolver resolver;
    private final Function<Duration, MailDns> mailDns;

    /** @param mailDns the DNS for MX and SPF lookups of the MX routes, given the timeout */
    DnsStep(Resolver resolver, Function<Duration, MailDns> mailDns) {
        this.resolver = resolver;
        this.mailDns = mailDns;
    }

    @Override
    public Outcome run(CheckSession s) {
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
        List<String> shown = s.addresses.stream().map(HostPort::literal).toList();
        String first = shown.get(0);
        String literal = host.equals(first) ? " (address literal)" : "";
        s.transcript.info("resolved " + host + " to " + String.join(", ", shown), false);
        return Outcome.pass(host + " -> " + first + literal + (shown.size() > 1 ? " (+" + (shown.size() - 1) + " more)" : ""),
                shown.toArray(new String[0]));
    }
}
