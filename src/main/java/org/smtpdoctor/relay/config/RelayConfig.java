package org.smtpdoctor.relay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.relay.spool.SpoolReserve;

/**
 * The relay's whole configuration, read from YAML ({@link RelayConfigReader}) or built from
 * the quick-start flags ({@link #quickStart}). Validated when built: a value of this type is
 * one the relay can start with. Immutable.
 *
 * @param hostName the name in the banner and EHLO reply
 * @param recipientDomains when not empty, the only domains mail may go to
 * @param upstreams where delivery goes, in order of preference (parsed, not contacted)
 * @param retryMaxAge how long delivery keeps retrying before it bounces
 * @param bouncesTo  where bounce reports (DSNs) go instead of the original sender, if set
 * @param guard      how wide a device network may be (never an open relay by accident)
 * @param spoolReserve how much of the spool's volume stays free (below it, no new mail is taken)
 * @param admin      the admin console and /metrics, when configured
 * @param alerts     when mail counts as stuck, and who hears of it
 * @param auth       how failed device logins slow down and lock out, and how many password checks run at once
 */
public record RelayConfig(String hostName, List<ListenerConfig> listeners, List<DeviceRule> devices,
                          List<String> recipientDomains, List<UpstreamUrl> upstreams, Path spoolDir,
                          Pacing pacing, Duration retryMaxAge, Optional<String> bouncesTo, NetworkGuard guard,
                          SpoolReserve spoolReserve, Optional<AdminConfig> admin, AlertsConfig alerts, AuthLimits auth) {

    public static final String DEFAULT_HOST_NAME = "smtp-doctor-relay";
    /** Five days, Postfix's {@code maximal_queue_lifetime} default. */
    public static final Duration DEFAULT_RETRY_MAX_AGE = Duration.ofDays(5);

    public RelayConfig {
        listeners = List.copyOf(listeners);
        devices = List.copyOf(devices);
        recipientDomains = List.copyOf(recipientDomains);
        upstreams = List.copyOf(upstreams);
        for (DeviceRule d : devices) {
            for (Cidr n : d.networks()) {
                guard.refusal(n).ifPresent(problem -> {
                    throw new IllegalArgumentException("device " + d.name() + ": " + problem);
                });
            }
        }
    }

    /** A configuration with the default spool reserve ({@link SpoolReserve#DEFAULT}) and AUTH limits. */
    public RelayConfig(String hostName, List<ListenerConfig> listeners, List<DeviceRule> devices,
                       List<String> recipientDomains, List<UpstreamUrl> upstreams, Path spoolDir,
                       Pacing pacing, Duration retryMaxAge, Optional<String> bouncesTo, NetworkGuard guard) {
        this(hostName, listeners, devices, recipientDomains, upstreams, spoolDir, pacing, retryMaxAge, bouncesTo, guard, SpoolReserve.DEFAULT);
    }

    /** A configuration without a console, with the default alerts and AUTH limits. */
    public RelayConfig(String hostName, List<ListenerConfig> listeners, List<DeviceRule> devices,
                       List<String> recipientDomains, List<UpstreamUrl> upstreams, Path spoolDir,
                       Pacing pacing, Duration retryMaxAge, Optional<String> bouncesTo, NetworkGuard guard, SpoolReserve spoolReserve) {
        this(hostName, listeners, devices, recipientDomains, upstreams, spoolDir, pacing, retryMaxAge, bouncesTo, guard, spoolReserve,
                Optional.empty(), AlertsConfig.DEFAULTS);
    }

    /** A configuration with the default AUTH limits ({@link AuthLimits#DEFAULTS}). */
    public RelayConfig(String hostName, List<ListenerConfig> listeners, List<DeviceRule> devices,
                       List<String> recipientDomains, List<UpstreamUrl> upstreams, Path spoolDir,
                       Pacing pacing, Duration retryMaxAge, Optional<String> bouncesTo, NetworkGuard guard, SpoolReserve spoolReserve,
                       Optional<AdminConfig> admin, AlertsConfig alerts) {
        this(hostName, listeners, devices, recipientDomains, upstreams, spoolDir, pacing, retryMaxAge, bouncesTo, guard, spoolReserve,
                admin, alerts, AuthLimits.DEFAULTS);
    }

    /** The same configuration with other listeners (e.g. --legacy-tls's TLS versions). */
    public RelayConfig withListeners(List<ListenerConfig> replaced) {
        return new RelayConfig(hostName, replaced, devices, recipientDomains, upstreams, spoolDir, pacing, retryMaxAge, bouncesTo, guard,
                spoolReserve, admin, alerts, auth);
    }

    /** The same configuration with another console setting ({@code --admin}). */
    public RelayConfig withAdmin(Optional<AdminConfig> replaced) {
        return new RelayConfig(hostName, listeners, devices, recipientDomains, upstreams, spoolDir, pacing, retryMaxAge, bouncesTo, guard,
                spoolReserve, replaced, alerts, auth);
    }

    /** The same configuration with another spool reserve (the --spool-reserve flag). */
    public RelayConfig withSpoolReserve(SpoolReserve reserve) {
        return new RelayConfig(hostName, listeners, devices, recipientDomains, upstreams, spoolDir, pacing, retryMaxAge, bouncesTo, guard,
                reserve, admin, alerts, auth);
    }

    /** The same configuration with other AUTH limits (tests). */
    public RelayConfig withAuth(AuthLimits limits) {
        return new RelayConfig(hostName, listeners, devices, recipientDomains, upstreams, spoolDir, pacing, retryMaxAge, bouncesTo, guard,
                spoolReserve, admin, alerts, limits);
    }

    /**
     * What differs from {@code other} in what only a restart can change: everything but the
     * devices and recipient domains (which a reload replaces), by section name as in the file.
     */
    public List<String> needsRestartFor(RelayConfig other) {
        List<String> changed = new ArrayList<>();
        if (!hostName.equals(other.hostName)) {
            changed.add("host-name");
        }
        if (!listeners.equals(other.listeners)) {
            changed.add("listeners");
        }
        if (!upstreams.equals(other.upstreams)) {
            changed.add("upstream");
        }
        if (!spoolDir.equals(other.spoolDir)) {
            changed.add("spool");
        }
        if (!spoolReserve.equals(other.spoolReserve)) {
            changed.add("spool-reserve");
        }
        if (!pacing.equals(other.pacing)) {
            changed.add("pacing");
        }
        if (!retryMaxAge.equals(other.retryMaxAge) || !bouncesTo.equals(other.bouncesTo)) {
            changed.add("retry");
        }
        if (!auth.equals(other.auth)) {
            changed.add("auth");
        }
        if (!admin.equals(other.admin)) {
            changed.add("admin");
        }
        if (!alerts.equals(other.alerts)) {
            changed.add("alerts");
        }
        return changed;
    }

    /**
     * The same configuration with each listener's message size limit (EHLO SIZE, the 552 5.3.4 at
     * MAIL FROM SIZE= and after DATA) no larger than the upstreams can send: a message the relay
     * accepted and then could only bounce is worse than one the device is told about at once.
     * The lowering is logged once, with its reason.
     */
    public RelayConfig limitedToUpstreams() {
        long limit = Long.MAX_VALUE;
        String why = null;
        for (UpstreamUrl u : upstreams) {
            java.util.OptionalLong l = u.maxMessageBytes();
            if (l.isPresent() && l.getAsLong() < limit) {
                limit = l.getAsLong();
                why = u.maxMessageReason();
            }
        }
        List<ListenerConfig> out = new ArrayList<>();
        boolean lowered = false;
        for (ListenerConfig l : listeners) {
            if (l.maxMessageBytes() > limit) {
                lowered = true;
                out.add(new ListenerConfig(l.address(), l.port(), l.mode(), l.tlsVersions(), l.certificate(), limit,
                        l.maxConnections(), l.maxConnectionsPerIp(), l.idleTimeout(), l.allowPlaintextAuth()));
            } else {
                out.add(l);
            }
        }
        if (!lowered) {
            return this;
        }
        org.smtpdoctor.relay.RelayEvents.warn("listener.size-limited", "max", limit, "reason", why);
        return withListeners(out);
    }

    /**
     * The quick-start flags, over a file's configuration when there is one: {@code --listen}
     * replaces the listeners, {@code --upstream} the upstreams, {@code --spool} the spool
     * directory; {@code --allow} adds a device per network; {@code openRelayOverride} is the
     * {@code --i-know-this-is-an-open-relay} flag (the file's own setting counts too).
     *
     * @throws ConfigException when the result lacks a listener, a device, an upstream or a spool
     */
    public static RelayConfig quickStart(Optional<RelayConfig> file, List<String> listen, List<String> upstream,
            List<String> allow, Optional<Path> spool, boolean openRelayOverride) throws ConfigException {
        NetworkGuard fileGuard = file.map(RelayConfig::guard).orElse(NetworkGuard.DEFAULT);
        NetworkGuard guard = new NetworkGuard(fileGuard.widestPrefix(), fileGuard.openRelayAccepted() || openRelayOverride);
        List<ListenerConfig> listeners = new ArrayList<>(file.map(RelayConfig::listeners).orElse(List.of()));
        if (!listen.isEmpty()) {
            listeners.clear();
            for (String l : listen) {
                listeners.add(listenFlag(l));
            }
        }
        if (listeners.isEmpty()) {
            listeners.add(ListenerConfig.defaults("127.0.0.1", 2525));
        }
        List<DeviceRule> devices = new ArrayList<>(file.map(RelayConfig::devices).orElse(List.of()));
        for (String a : allow) {
            try {
                Cidr network = Cidr.parse(a);
                Optional<String> refusal = guard.refusal(network);
                if (refusal.isPresent()) {
                    throw new ConfigException("--allow: " + refusal.get());
                }
                devices.add(DeviceRule.network(network));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--allow: " + e.getMessage());
            }
        }
        List<UpstreamUrl> upstreams = new ArrayList<>(file.map(RelayConfig::upstreams).orElse(List.of()));
        if (!upstream.isEmpty()) {
            upstreams.clear();
            for (String u : upstream) {
                try {
                    upstreams.add(UpstreamUrl.parse(u));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--upstream: " + e.getMessage());
                }
            }
        }
        Path spoolDir = spool.orElse(file.map(RelayConfig::spoolDir).orElse(null));
        String where = file.isPresent() ? "the configuration file and the flags" : "the flags";
        if (devices.isEmpty()) {
            throw new ConfigException("no device may send (" + where + " allow none): add --allow CIDR, e.g. --allow 192.168.1.0/24,"
                    + " or devices in the configuration file (smtp-doctor relay --init writes an example)");
        }
        if (upstreams.isEmpty()) {
            throw new ConfigException("no upstream: add --upstream URL, e.g. --upstream 'm365-oauth://relay@contoso.com?tenant=...&client-id=...'");
        }
        if (spoolDir == null) {
            throw new ConfigException("no spool directory: add --spool DIR (where accepted mail waits for delivery)");
        }
        RelayConfig base = file.orElse(null);
        return new RelayConfig(base == null ? DEFAULT_HOST_NAME : base.hostName(), listeners, devices,
                base == null ? List.of() : base.recipientDomains(), upstreams, spoolDir,
                base == null ? Pacing.M365_DEFAULTS : base.pacing(), base == null ? DEFAULT_RETRY_MAX_AGE : base.retryMaxAge(),
                base == null ? Optional.empty() : base.bouncesTo(), guard, base == null ? SpoolReserve.DEFAULT : base.spoolReserve(),
                base == null ? Optional.empty() : base.admin(), base == null ? AlertsConfig.DEFAULTS : base.alerts(),
                base == null ? AuthLimits.DEFAULTS : base.auth());
    }

    /** {@code HOST:PORT}, {@code [v6]:PORT} or {@code PORT} (then 127.0.0.1). */
    static ListenerConfig listenFlag(String text) throws ConfigException {
        try {
            ListenAddress a = ListenAddress.parse(text, "0.0.0.0:2525 or 192.168.1.10:25", "0.0.0.0 for all IPv4 interfaces");
            return ListenerConfig.defaults(a.host(), a.port());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--listen " + text.strip() + ": " + e.getMessage());
        }
    }
}
