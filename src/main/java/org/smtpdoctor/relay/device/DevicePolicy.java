package org.smtpdoctor.relay.device;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.PasswordHash;

/**
 * Who may send, as whom, and to where: never an open relay. A client is a device when a
 * {@link DeviceRule} matches its source address (rules without an account) or its device
 * credentials (rules with one, from any listed network, or anywhere if none are listed).
 * Pure, immutable and thread-safe.
 */
final class DevicePolicy {

    /** Why a recipient is refused, or empty when it is accepted. */
    enum Refusal { NOT_A_DEVICE_AUTH_POSSIBLE, NOT_A_DEVICE, DOMAIN_NOT_ALLOWED, SENDER_ROUTING }

    private final List<DeviceRule> rules;
    private final List<String> recipientDomains;

    DevicePolicy(List<DeviceRule> rules, List<String> recipientDomains) {
        this.rules = List.copyOf(rules);
        this.recipientDomains = recipientDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    }

    /** The first rule that lets this address send without credentials. */
    Optional<DeviceRule> byAddress(InetAddress client) {
        return rules.stream().filter(r -> !r.needsAuth() && inNetworks(r, client)).findFirst();
    }

    /** Whether some device account may log in from this address (AUTH is worth asking for). */
    boolean accountsFrom(InetAddress client) {
        return rules.stream().anyMatch(r -> r.needsAuth() && inNetworks(r, client));
    }

    boolean hasAccounts() {
        return rules.stream().anyMatch(DeviceRule::needsAuth);
    }

    /** The device whose account this is, if the password matches and the address is allowed. */
    Optional<DeviceRule> authenticate(InetAddress client, String user, String password) {
        for (DeviceRule r : rules) {
            if (r.needsAuth() && r.user().get().equals(user) && inNetworks(r, client)) {
                return r.passwordHash().get().matches(password) ? Optional.of(r) : Optional.empty();
            }
        }
        PasswordHash.create("timing".toCharArray()); // as slow as a real check, so user names cannot be probed
        return Optional.empty();
    }

    /** May {@code device} use this envelope sender or From address? The null sender is an empty string. */
    static boolean senderAllowed(DeviceRule device, String address) {
        if (device.senders().isEmpty() || device.rewriteFrom().isPresent()) {
            return true;
        }
        String a = address.toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        return device.senders().stream().anyMatch(s -> s.startsWith("@") ? at > 0 && a.substring(at).equals(s) : a.equals(s));
    }

    Optional<Refusal> recipient(Optional<DeviceRule> device, InetAddress client, String recipient) {
        if (device.isEmpty()) {
            return Optional.of(accountsFrom(client) ? Refusal.NOT_A_DEVICE_AUTH_POSSIBLE : Refusal.NOT_A_DEVICE);
        }
        if (recipientDomains.isEmpty()) {
            return Optional.empty();
        }
        int at = recipient.lastIndexOf('@');
        String domain = at < 0 ? "" : recipient.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!recipientDomains.contains(domain)) {
            return Optional.of(Refusal.DOMAIN_NOT_ALLOWED);
        }
        return routed(recipient.substring(0, Math.max(0, at))) ? Optional.of(Refusal.SENDER_ROUTING) : Optional.empty();
    }

    /**
     * Whether a local part routes the mail on by itself: the %-hack ({@code user%elsewhere@here}),
     * a bang path ({@code elsewhere!user@here}), or an address inside quotes ({@code
     * "user@elsewhere"@here}). An allowed domain is only a limit if what comes before it cannot
     * name another: many MTAs an upstream may be (Postfix with {@code allow_percent_hack} and
     * {@code swap_bangpath}, sendmail) forward such addresses to the other host, and Postfix's own
     * relay check refuses them from untrusted clients for the same reason ({@code
     * allow_untrusted_routing = no}). A source route ({@code @a:user@b}) never gets here: {@link
     * MailPath} drops it, as RFC 5321 appendix C allows.
     */
    static boolean routed(String localPart) {
        return localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0 || localPart.indexOf('@') >= 0;
    }

    private static boolean inNetworks(DeviceRule rule, InetAddress client) {
        return rule.networks().isEmpty() ? rule.needsAuth() : rule.networks().stream().anyMatch(n -> n.contains(client));
    }
}
