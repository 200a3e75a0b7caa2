package org.smtpdoctor.relay.deliver;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.smtpdoctor.net.MailDns;
import org.smtpdoctor.net.MailDnsAnswer;
import org.smtpdoctor.net.MailDnsMx;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.net.SystemResolver;
import org.smtpdoctor.smtp.Timeouts;

/**
 * What {@link Upstreams} needs besides the URL: the name to say in EHLO, timeouts, extra
 * trust anchors (a smarthost with a private CA or a self-signed certificate), the environment
 * to read {@code password-env} and {@code client-secret-env} from, DNS, and for tests where
 * the fixed endpoints really are ({@code m365Endpoint} instead of smtp.office365.com:587,
 * {@code mxPort} instead of 25). Immutable.
 */
public record UpstreamSettings(String ehloName, Timeouts timeouts, List<X509Certificate> extraTrust,
                               Map<String, String> env, Resolver resolver,
                               Function<String, MailDnsAnswer<List<MailDnsMx>>> mx,
                               Optional<SmtpUpstream.Target> m365Endpoint, int mxPort, Duration tokenTimeout, Clock clock) {

    /**
     * RFC 5321 section 4.5.3.2 asks clients to wait 5 minutes for most replies and 10 for the
     * reply to the final "."; the overall limit bounds one reused session (5 minutes of reuse
     * at most, then one long transaction), and stays under the spool's 30-minute lease so no
     * other worker can take a message still in delivery.
     */
    public static final Timeouts DEFAULT_TIMEOUTS =
            new Timeouts(Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(20));

    public UpstreamSettings {
        extraTrust = List.copyOf(extraTrust);
        env = Map.copyOf(env);
    }

    public static UpstreamSettings defaults(String ehloName) {
        MailDns dns = MailDns.system(Duration.ofSeconds(10));
        return new UpstreamSettings(ehloName, DEFAULT_TIMEOUTS, List.of(), System.getenv(), new SystemResolver(),
                dns::mx, Optional.empty(), 25, Duration.ofSeconds(30), Clock.systemUTC());
    }

    public UpstreamSettings withTimeouts(Timeouts t) {
        return new UpstreamSettings(ehloName, t, extraTrust, env, resolver, mx, m365Endpoint, mxPort, tokenTimeout, clock);
    }

    public UpstreamSettings withExtraTrust(List<X509Certificate> anchors) {
        return new UpstreamSettings(ehloName, timeouts, anchors, env, resolver, mx, m365Endpoint, mxPort, tokenTimeout, clock);
    }

    public UpstreamSettings withEnv(Map<String, String> e) {
        return new UpstreamSettings(ehloName, timeouts, extraTrust, e, resolver, mx, m365Endpoint, mxPort, tokenTimeout, clock);
    }

    public UpstreamSettings withResolver(Resolver r) {
        return new UpstreamSettings(ehloName, timeouts, extraTrust, env, r, mx, m365Endpoint, mxPort, tokenTimeout, clock);
    }

    public UpstreamSettings withM365Endpoint(String host, int port) {
        return new UpstreamSettings(ehloName, timeouts, extraTrust, env, resolver, mx,
                Optional.of(new SmtpUpstream.Target(host, port)), mxPort, tokenTimeout, clock);
    }

    public UpstreamSettings withMx(Function<String, MailDnsAnswer<List<MailDnsMx>>> lookup, int port) {
        return new UpstreamSettings(ehloName, timeouts, extraTrust, env, resolver, lookup, m365Endpoint, port, tokenTimeout, clock);
    }
}
