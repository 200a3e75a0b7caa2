package org.smtpdoctor.check;

import java.util.Locale;
import java.util.Set;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.tls.TlsClient;

/**
 * config: the request alone, before anything goes on the wire. Needs only
 * {@code s.request}. FAIL for a contradiction ({@code config.password-without-user},
 * {@code config.starttls-on-465}, {@code config.tls-on-587}); WARN for a common mistake
 * ({@code config.consumer-host}, {@code config.m365-without-tls}, {@code config.port-25});
 * otherwise PASS with what the check will try.
 */
final class ConfigStep implements Step {

    /** Consumer (Outlook.com) hosts that business tenants are often pointed at by mistake. */
    private static final Set<String> CONSUMER_HOSTS = Set.of("smtp-mail.outlook.com", "smtp.live.com", "smtp.outlook.com");
    private static final Set<String> CONSUMER_DOMAINS = Set.of("outlook.com", "hotmail.com", "live.com", "msn.com");

    @Override
    public Outcome run(CheckSession s) {
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
        return Outcome.pass(HostPort.display(r.host(), r.port()) + ", " + r.security().id() + ", " + auth + device
                + r.preset().map(p -> " (preset " + p + ")").orElse(""));
    }
}
