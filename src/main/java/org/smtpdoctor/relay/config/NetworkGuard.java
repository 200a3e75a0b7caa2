package org.smtpdoctor.relay.config;

import java.util.List;

/**
 * The bound that keeps a configuration from making the relay an open relay: no device
 * network wider than {@code /widestPrefix} (IPv4 and IPv6 alike; {@code 0.0.0.0/0} and
 * {@code ::/0} are the extreme), unless the operator set the loudly named override
 * {@code i-know-this-is-an-open-relay}. Every listed network counts, those of device
 * accounts too (an account with no network may log in from anywhere: it needs its password).
 * Immutable.
 *
 * @param widestPrefix the shortest prefix length a device network may have (8 by default)
 * @param openRelayAccepted the override: wider networks are accepted, with a warning at every start
 */
public record NetworkGuard(int widestPrefix, boolean openRelayAccepted) {

    public static final NetworkGuard DEFAULT = new NetworkGuard(8, false);
    public static final String OVERRIDE = "i-know-this-is-an-open-relay";

    public NetworkGuard {
        if (widestPrefix < 0 || widestPrefix > 128) {
            throw new IllegalArgumentException("the widest network must be a prefix length 0-128");
        }
    }

    public boolean tooWide(Cidr network) {
        return network.prefixLength() < widestPrefix;
    }

    /** Empty when the network may be used; otherwise why not, fit for the user. */
    public java.util.Optional<String> refusal(Cidr network) {
        if (!tooWide(network) || openRelayAccepted) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(network + " is wider than /" + widestPrefix + ": every device there could relay mail as you"
                + " (an open relay). Name the LAN instead (e.g. 192.168.1.0/24); if this is truly intended, set "
                + OVERRIDE + ": true in the file or --" + OVERRIDE + " (and widest-network for a wider bound)");
    }

    /** The networks the override lets through, for the warning at start; empty when none. */
    public List<Cidr> acceptedWide(List<DeviceRule> devices) {
        return devices.stream().flatMap(d -> d.networks().stream()).filter(this::tooWide).toList();
    }
}
