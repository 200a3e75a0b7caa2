package org.smtpdoctor.relay.config;

import java.util.List;
import java.util.Optional;

/**
 * A device (or group of devices) allowed to send through the relay, and what it may send.
 * A client is this device when its address is in {@code networks} (if any are given) and
 * it authenticated as {@code user} (if one is given); a rule has at least one of the two.
 * Immutable.
 *
 * @param senders the envelope senders and From addresses it may use: full addresses or
 *        {@code @domain}; empty means any (unless {@code rewriteFrom} is set, which makes
 *        the question moot)
 * @param rewriteFrom when present, the envelope sender and the From header become this
 *        address (the upstream mailbox) and the original From goes to Reply-To
 */
public record DeviceRule(String name, List<Cidr> networks, Optional<String> user, Optional<PasswordHash> passwordHash,
                         List<String> senders, Optional<String> rewriteFrom) {

    public DeviceRule {
        networks = List.copyOf(networks);
        senders = List.copyOf(senders);
        if (networks.isEmpty() && user.isEmpty()) {
            throw new IllegalArgumentException("device " + name + " needs networks or a user");
        }
        if (user.isPresent() != passwordHash.isPresent()) {
            throw new IllegalArgumentException("device " + name + ": user and password-hash go together");
        }
    }

    /** A rule for the {@code --allow CIDR} flag: that network, no account, any sender. */
    public static DeviceRule network(Cidr network) {
        return new DeviceRule("allow " + network, List.of(network), Optional.empty(), Optional.empty(), List.of(), Optional.empty());
    }

    public boolean needsAuth() {
        return user.isPresent();
    }
}
