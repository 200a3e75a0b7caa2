package org.smtpdoctor.relay.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.smtpdoctor.io.InputException;
import org.smtpdoctor.io.TextInput;
import org.smtpdoctor.relay.spool.SpoolReserve;

/**
 * Reads a relay configuration file (YAML; the format is the commented example that
 * {@code smtp-doctor relay --init} writes, {@code relay-example.yaml} beside this class).
 * Unknown keys are errors, not ignored: a misspelt {@code max-conections} must not
 * silently leave a limit at its default. Every error names the file, the line and the
 * key path ({@code listeners[0].mode}). Stateless.
 */
public final class RelayConfigReader {

    private final String file;

    private RelayConfigReader(String file) {
        this.file = file;
    }

    public static RelayConfig read(Path path) throws ConfigException {
        if (!Files.exists(path)) {
            throw new ConfigException(path + ": no such file (smtp-doctor relay --init " + path + " writes an example)");
        }
        String text;
        try {
            text = TextInput.file(path, TextInput.CONFIG_BYTES);
        } catch (InputException e) {
            throw new ConfigException(e.getMessage());
        }
        return parse(text, path.toString());
    }

    /** @param file the name used in error messages */
    public static RelayConfig parse(String yaml, String file) throws ConfigException {
        return new RelayConfigReader(file).config(ConfigNode.parse(yaml, file));
    }

    private RelayConfig config(ConfigNode root) throws ConfigException {
        ConfigNode.Mapping top = mapping(root, "");
        keys(top, "", Set.of("host-name", "listeners", "devices", "recipient-domains", "upstream", "spool", "spool-reserve", "pacing",
                "retry", "auth", "widest-network", NetworkGuard.OVERRIDE, "admin", "alerts"));
        String hostName = optionalString(top, "host-name", "").orElse(RelayConfig.DEFAULT_HOST_NAME);
        if (!hostName.matches("[A-Za-z0-9.-]+")) {
            throw error(top, "", "host-name", "must be a host name (letters, digits, dots, hyphens)");
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        for (Item item : sequence(top, "listeners", true)) {
            listeners.add(listener(mapping(item.node(), item.path()), item.path()));
        }
        NetworkGuard guard = new NetworkGuard(
                integer(top, "widest-network", "", NetworkGuard.DEFAULT.widestPrefix(), 0, 128),
                bool(top, NetworkGuard.OVERRIDE, "", false));
        List<DeviceRule> devices = new ArrayList<>();
        List<UpstreamUrl> upstreams = new ArrayList<>();
        for (Item item : sequence(top, "upstream", true)) {
            String url = scalar(item.node(), item.path());
            try {
                upstreams.add(UpstreamUrl.parse(url));
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(file, item.node().line(), item.path(), e.getMessage());
            }
        }
        Set<String> names = new HashSet<>();
        for (Item item : sequence(top, "devices", true)) {
            DeviceRule rule = device(mapping(item.node(), item.path()), item.path(), upstreams, guard);
            if (!names.add(rule.name())) {
                throw ConfigException.at(file, item.node().line(), item.path() + ".name", "another device is already called '" + rule.name() + "'");
            }
            devices.add(rule);
        }
        List<String> domains = new ArrayList<>();
        for (Item item : sequence(top, "recipient-domains", false)) {
            String d = scalar(item.node(), item.path()).toLowerCase(Locale.ROOT);
            if (!d.matches("[a-z0-9.-]+\\.[a-z0-9-]+")) {
                throw ConfigException.at(file, item.node().line(), item.path(), "'" + d + "' is not a domain");
            }
            domains.add(d);
        }
        String spool = requiredString(top, "spool", "");
        Path spoolDir;
        try {
            spoolDir = Path.of(spool);
        } catch (RuntimeException e) {
            throw error(top, "", "spool", "not a valid path: the file system refuses a character in it");
        }
        SpoolReserve reserve = SpoolReserve.DEFAULT;
        Optional<String> reserveText = optionalString(top, "spool-reserve", "");
        if (reserveText.isPresent()) {
            try {
                reserve = Quantities.spoolReserve(reserveText.get());
            } catch (IllegalArgumentException e) {
                throw error(top, "", "spool-reserve", e.getMessage());
            }
        }
        Pacing pacing = Pacing.M365_DEFAULTS;
        if (top.entries().containsKey("pacing")) {
            ConfigNode.Mapping p = mapping(top.entries().get("pacing"), "pacing");
            keys(p, "pacing", Set.of("messages-per-minute", "recipients-per-day", "connections"));
            pacing = new Pacing(
                    integer(p, "messages-per-minute", "pacing.", Pacing.M365_DEFAULTS.messagesPerMinute(), 1, 100_000),
                    integer(p, "recipients-per-day", "pacing.", Pacing.M365_DEFAULTS.recipientsPerDay(), 1, 100_000_000),
                    integer(p, "connections", "pacing.", Pacing.M365_DEFAULTS.connections(), 1, 100));
        }
        Duration maxAge = RelayConfig.DEFAULT_RETRY_MAX_AGE;
        Optional<String> bouncesTo = Optional.empty();
        if (top.entries().containsKey("retry")) {
            ConfigNode.Mapping r = mapping(top.entries().get("retry"), "retry");
            keys(r, "retry", Set.of("max-age", "bounces-to"));
            maxAge = duration(r, "max-age", "retry.", maxAge);
            if (r.entries().containsKey("bounces-to")) {
                String to = requiredString(r, "bounces-to", "retry.");
                if (!to.matches("[^@\\s<>]+@[^@\\s<>]+")) {
                    throw error(r, "retry.", "bounces-to", "expected an address like it@contoso.com, got '" + to + "'");
                }
                bouncesTo = Optional.of(to);
            }
        }
        AuthLimits auth = AuthLimits.DEFAULTS;
        if (top.entries().containsKey("auth")) {
            ConfigNode.Mapping a = mapping(top.entries().get("auth"), "auth");
            keys(a, "auth", Set.of("slow-down-after", "max-delay", "lock-out-after", "lock-out-for", "concurrent-checks"));
            auth = new AuthLimits(
                    integer(a, "slow-down-after", "auth.", AuthLimits.DEFAULTS.slowDownAfter(), 1, 1000),
                    duration(a, "max-delay", "auth.", AuthLimits.DEFAULTS.maxDelay()),
                    integer(a, "lock-out-after", "auth.", AuthLimits.DEFAULTS.lockOutAfter(), 1, 100_000),
                    duration(a, "lock-out-for", "auth.", AuthLimits.DEFAULTS.lockOutFor()),
                    integer(a, "concurrent-checks", "auth.", AuthLimits.DEFAULTS.concurrentChecks(), 1, 1000));
            if (auth.maxDelay().compareTo(java.time.Duration.ofMinutes(5)) > 0) {
                throw error(a, "auth.", "max-delay", "at most 5m: a device waits for the answer, and a longer wait only holds its connection");
            }
        }
        if (listeners.isEmpty()) {
            throw ConfigException.at(file, top.line(), "listeners", "at least one listener is needed");
        }
        if (devices.isEmpty()) {
            throw ConfigException.at(file, top.line(), "devices", "at least one device is needed, or nobody may send");
        }
        if (upstreams.isEmpty()) {
            throw ConfigException.at(file, top.line(), "upstream", "at least one upstream URL is needed");
        }
        Optional<AdminConfig> admin = Optional.empty();
        if (top.entries().containsKey("admin")) {
            admin = Optional.of(admin(mapping(top.entries().get("admin"), "admin")));
        }
        AlertsConfig alerts = AlertsConfig.DEFAULTS;
        if (top.entries().containsKey("alerts")) {
            alerts = alerts(mapping(top.entries().get("alerts"), "alerts"));
        }
        return new RelayConfig(hostName, listeners, devices, domains, upstreams, spoolDir, pacing, maxAge, bouncesTo, guard, reserve,
                admin, alerts, auth);
    }

    private AdminConfig admin(ConfigNode.Mapping m) throws ConfigException {
        keys(m, "admin", Set.of("listen", "user", "password-hash", "certificate", "tls"));
        String address = "127.0.0.1";
        int port = AdminConfig.DEFAULT_PORT;
        Optional<String> listen = optionalString(m, "listen", "admin.");
        if (listen.isPresent()) {
            try {
                ListenAddress hp = AdminConfig.parseListen(listen.get());
                address = hp.host();
                port = hp.port();
            } catch (IllegalArgumentException e) {
                throw error(m, "admin.", "listen", e.getMessage());
            }
        }
        String user = optionalString(m, "user", "admin.").orElse(AdminConfig.DEFAULT_USER);
        if (!user.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw error(m, "admin.", "user", "letters, digits and . _ @ - only");
        }
        Optional<PasswordHash> hash = Optional.empty();
        if (m.entries().containsKey("password-hash")) {
            try {
                hash = Optional.of(PasswordHash.parse(requiredString(m, "password-hash", "admin.")));
            } catch (IllegalArgumentException e) {
                throw error(m, "admin.", "password-hash", e.getMessage() + " (never the password itself)");
            }
        }
        CertificateSource certificate = new CertificateSource.SelfSigned();
        if (m.entries().containsKey("certificate")) {
            certificate = certificate(mapping(m.entries().get("certificate"), "admin.certificate"), "admin.certificate");
        }
        try {
            return new AdminConfig(address, port, user, hash, certificate, bool(m, "tls", "admin.", false));
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(file, m.line(), "admin", e.getMessage());
        }
    }

    private AlertsConfig alerts(ConfigNode.Mapping m) throws ConfigException {
        keys(m, "alerts", Set.of("stuck-after", "mail-to", "interval"));
        Optional<String> to = optionalString(m, "mail-to", "alerts.");
        if (to.isPresent() && !to.get().matches("[^@\\s<>]+@[^@\\s<>]+")) {
            throw error(m, "alerts.", "mail-to", "expected an address like it@contoso.com, got '" + to.get() + "'");
        }
        return new AlertsConfig(duration(m, "stuck-after", "alerts.", AlertsConfig.DEFAULTS.stuckAfter()), to,
                duration(m, "interval", "alerts.", AlertsConfig.DEFAULTS.interval()));
    }

    private ListenerConfig listener(ConfigNode.Mapping m, String path) throws ConfigException {
        keys(m, path, Set.of("address", "port", "mode", "tls-versions", "certificate", "max-message-size",
                "max-connections", "max-connections-per-ip", "idle-timeout", "allow-plaintext-auth"));
        String p = path + ".";
        String address = optionalString(m, "address", p).orElse("127.0.0.1");
        if (!isIpLiteral(address)) {
            throw error(m, p, "address", "must be an IP address (0.0.0.0 for every IPv4 interface, :: for every interface)");
        }
        int port = integer(m, "port", p, -1, 0, 65535);
        if (port < 0) {
            throw ConfigException.at(file, m.line(), p + "port", "missing (the TCP port to listen on, e.g. 2525 or 25)");
        }
        String modeText = optionalString(m, "mode", p).orElse("starttls").toLowerCase(Locale.ROOT);
        ListenerMode mode = switch (modeText) {
            case "plain" -> ListenerMode.PLAIN;
            case "starttls" -> ListenerMode.STARTTLS;
            case "tls" -> ListenerMode.TLS;
            default -> throw error(m, p, "mode", "expected plain, starttls or tls, got '" + modeText + "'");
        };
        List<String> versions = new ArrayList<>();
        for (Item item : sequence(m, "tls-versions", false, p)) {
            String v = scalar(item.node(), item.path());
            String canonical = ListenerConfig.KNOWN_TLS_VERSIONS.stream().filter(k -> k.equalsIgnoreCase(v)
                    || k.equalsIgnoreCase(v.replace("TLSv1.0", "TLSv1"))).findFirst()
                    .orElseThrow(() -> ConfigException.at(file, item.node().line(), item.path(),
                            "unknown TLS version '" + v + "'; use TLSv1.3, TLSv1.2, TLSv1.1 or TLSv1"));
            versions.add(canonical);
        }
        if (mode == ListenerMode.PLAIN && (m.entries().containsKey("tls-versions") || m.entries().containsKey("certificate"))) {
            throw error(m, p, m.entries().containsKey("tls-versions") ? "tls-versions" : "certificate",
                    "a plain listener has no TLS; use mode: starttls or tls");
        }
        if (m.entries().containsKey("tls-versions") && versions.isEmpty()) {
            throw error(m, p, "tls-versions", "must list at least one version");
        }
        CertificateSource certificate = new CertificateSource.SelfSigned();
        if (m.entries().containsKey("certificate")) {
            certificate = certificate(mapping(m.entries().get("certificate"), p + "certificate"), p + "certificate");
        }
        Duration idle = duration(m, "idle-timeout", p, ListenerConfig.DEFAULT_IDLE_TIMEOUT);
        if (idle.compareTo(ListenerConfig.MAX_IDLE_TIMEOUT) > 0) {
            throw error(m, p, "idle-timeout", "at most 24h: a silent device holds its place (and its file descriptor) that long");
        }
        return new ListenerConfig(address, port, mode, versions.isEmpty() ? ListenerConfig.DEFAULT_TLS_VERSIONS : versions,
                certificate, size(m, "max-message-size", p, ListenerConfig.DEFAULT_MAX_MESSAGE_BYTES),
                integer(m, "max-connections", p, ListenerConfig.DEFAULT_MAX_CONNECTIONS, 1, 100_000),
                integer(m, "max-connections-per-ip", p, ListenerConfig.DEFAULT_MAX_CONNECTIONS_PER_IP, 1, 100_000),
                idle,
                bool(m, "allow-plaintext-auth", p, false));
    }

    private CertificateSource certificate(ConfigNode.Mapping m, String path) throws ConfigException {
        keys(m, path, Set.of("self-signed", "pem-certificate", "pem-key", "pkcs12", "password-env", "password-file"));
        String p = path + ".";
        if (bool(m, "self-signed", p, false)) {
            if (m.entries().size() > 1) {
                throw ConfigException.at(file, m.line(), path, "self-signed: true takes no other keys");
            }
            return new CertificateSource.SelfSigned();
        }
        Optional<String> pkcs12 = optionalString(m, "pkcs12", p);
        if (pkcs12.isPresent()) {
            for (String k : List.of("pem-certificate", "pem-key")) {
                if (m.entries().containsKey(k)) {
                    throw error(m, p, k, "give pkcs12 or pem-certificate/pem-key, not both");
                }
            }
            Optional<String> env = optionalString(m, "password-env", p);
            Optional<String> pwFile = optionalString(m, "password-file", p);
            if (env.isPresent() == pwFile.isPresent()) {
                throw ConfigException.at(file, m.line(), path, "a PKCS#12 file needs exactly one of password-env or password-file");
            }
            if (env.isPresent() && !TextInput.isVariableName(env.get())) {
                throw error(m, p, "password-env", "takes the NAME of an environment variable (letters, digits, _), not its value;"
                        + " what was given is not shown (it may be the secret itself)");
            }
            return new CertificateSource.Pkcs12(Path.of(pkcs12.get()), env, pwFile.map(Path::of));
        }
        for (String k : List.of("password-env", "password-file")) {
            if (m.entries().containsKey(k)) {
                throw error(m, p, k, "only a pkcs12 certificate has a password (PEM keys must be unencrypted)");
            }
        }
        String cert = requiredString(m, "pem-certificate", p);
        String key = requiredString(m, "pem-key", p);
        return new CertificateSource.Pem(Path.of(cert), Path.of(key));
    }

    private DeviceRule device(ConfigNode.Mapping m, String path, List<UpstreamUrl> upstreams, NetworkGuard guard) throws ConfigException {
        keys(m, path, Set.of("name", "networks", "user", "password-hash", "senders", "rewrite-from"));
        String p = path + ".";
        String name = requiredString(m, "name", p);
        List<Cidr> networks = new ArrayList<>();
        for (Item item : sequence(m, "networks", false, p)) {
            try {
                Cidr network = Cidr.parse(scalar(item.node(), item.path()));
                Optional<String> refusal = guard.refusal(network);
                if (refusal.isPresent()) {
                    throw ConfigException.at(file, item.node().line(), item.path(), refusal.get());
                }
                networks.add(network);
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(file, item.node().line(), item.path(), e.getMessage());
            }
        }
        Optional<String> user = optionalString(m, "user", p);
        Optional<PasswordHash> hash = Optional.empty();
        if (m.entries().containsKey("password-hash")) {
            try {
                hash = Optional.of(PasswordHash.parse(requiredString(m, "password-hash", p)));
            } catch (IllegalArgumentException e) {
                throw error(m, p, "password-hash", e.getMessage() + " (never the password itself)");
            }
        }
        if (user.isPresent() != hash.isPresent()) {
            throw ConfigException.at(file, m.line(), path, "user and password-hash go together");
        }
        if (networks.isEmpty() && user.isEmpty()) {
            throw ConfigException.at(file, m.line(), path, "a device needs networks, or a user and password-hash, or both");
        }
        List<String> senders = new ArrayList<>();
        for (Item item : sequence(m, "senders", false, p)) {
            String s = scalar(item.node(), item.path()).toLowerCase(Locale.ROOT);
            if (!s.matches("[^@\\s]*@[^@\\s]+")) {
                throw ConfigException.at(file, item.node().line(), item.path(), "'" + s + "' is neither an address nor @domain");
            }
            senders.add(s);
        }
        Optional<String> rewrite = optionalString(m, "rewrite-from", p);
        if (rewrite.isPresent()) {
            if (!senders.isEmpty()) {
                throw error(m, p, "rewrite-from", "give senders or rewrite-from, not both: with rewrite-from every message goes out as that mailbox");
            }
            if (rewrite.get().equals("upstream")) {
                rewrite = upstreams.stream().flatMap(u -> u.mailbox().stream()).findFirst();
                if (rewrite.isEmpty()) {
                    throw error(m, p, "rewrite-from", "'upstream' needs an upstream with a mailbox (m365-oauth://MAILBOX or a user that is an address); give the address instead");
                }
            } else if (!rewrite.get().matches("[^@\\s]+@[^@\\s]+")) {
                throw error(m, p, "rewrite-from", "expected the mailbox address to send as, or 'upstream'");
            }
        }
        return new DeviceRule(name, networks, user, hash, senders, rewrite);
    }

    // --- typed access, each failure naming the line and key ---

    private record Item(ConfigNode node, String path) {}

    private ConfigNode.Mapping mapping(ConfigNode node, String path) throws ConfigException {
        if (node instanceof ConfigNode.Mapping m) {
            return m;
        }
        throw ConfigException.at(file, node.line(), path, "expected a mapping of keys (key: value)");
    }

    private List<Item> sequence(ConfigNode.Mapping m, String key, boolean required) throws ConfigException {
        return sequence(m, key, required, "");
    }

    private List<Item> sequence(ConfigNode.Mapping m, String key, boolean required, String prefix) throws ConfigException {
        ConfigNode node = m.entries().get(key);
        if (node == null) {
            if (required) {
                throw ConfigException.at(file, m.line(), prefix + key, "missing");
            }
            return List.of();
        }
        List<ConfigNode> items;
        if (node instanceof ConfigNode.Sequence s) {
            items = s.items();
        } else if (node instanceof ConfigNode.Scalar s && s.value() != null) {
            items = List.of(s); // a single value where a list is expected
        } else if (node instanceof ConfigNode.Scalar) {
            items = List.of();
        } else {
            throw error(m, prefix, key, "expected a list");
        }
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(new Item(items.get(i), prefix + key + "[" + i + "]"));
        }
        return out;
    }

    private String scalar(ConfigNode node, String path) throws ConfigException {
        if (node instanceof ConfigNode.Scalar s && s.value() != null && !s.value().isBlank()) {
            return s.value().strip();
        }
        throw ConfigException.at(file, node.line(), path, node instanceof ConfigNode.Scalar ? "empty" : "expected a single value");
    }

    private Optional<String> optionalString(ConfigNode.Mapping m, String key, String prefix) throws ConfigException {
        ConfigNode node = m.entries().get(key);
        return node == null ? Optional.empty() : Optional.of(scalar(node, prefix + key));
    }

    private String requiredString(ConfigNode.Mapping m, String key, String prefix) throws ConfigException {
        return optionalString(m, key, prefix).orElseThrow(() -> ConfigException.at(file, m.line(), prefix + key, "missing"));
    }

    private int integer(ConfigNode.Mapping m, String key, String prefix, int fallback, int min, int max) throws ConfigException {
        Optional<String> text = optionalString(m, key, prefix);
        if (text.isEmpty()) {
            return fallback;
        }
        if (!text.get().matches("\\d{1,10}") || Long.parseLong(text.get()) < min || Long.parseLong(text.get()) > max) {
            throw ConfigException.at(file, m.entries().get(key).line(), prefix + key,
                    "expected a whole number from " + min + " to " + max + ", got '" + text.get() + "'");
        }
        return Integer.parseInt(text.get());
    }

    private boolean bool(ConfigNode.Mapping m, String key, String prefix, boolean fallback) throws ConfigException {
        Optional<String> text = optionalString(m, key, prefix);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw ConfigException.at(file, m.entries().get(key).line(), prefix + key, "expected true or false, got '" + text.get() + "'");
        };
    }

    private Duration duration(ConfigNode.Mapping m, String key, String prefix, Duration fallback) throws ConfigException {
        Optional<String> text = optionalString(m, key, prefix);
        if (text.isEmpty()) {
            return fallback;
        }
        return Quantities.duration(text.get()).orElseThrow(() -> ConfigException.at(file, m.entries().get(key).line(), prefix + key,
                "expected a duration like 30s, 5m, 48h or 5d, got '" + text.get() + "'"));
    }

    private long size(ConfigNode.Mapping m, String key, String prefix, long fallback) throws ConfigException {
        Optional<String> text = optionalString(m, key, prefix);
        if (text.isEmpty()) {
            return fallback;
        }
        OptionalLong bytes = Quantities.size(text.get());
        if (bytes.isPresent() && bytes.getAsLong() >= 1024 && bytes.getAsLong() <= Integer.MAX_VALUE) {
            return bytes.getAsLong();
        }
        throw ConfigException.at(file, m.entries().get(key).line(), prefix + key,
                "expected a size from 1KB to 2047MB like 25MB (1 MB = 1024 KB = 1048576 bytes), got '" + text.get() + "'");
    }

    private void keys(ConfigNode.Mapping m, String path, Set<String> known) throws ConfigException {
        for (Map.Entry<String, ConfigNode> e : m.entries().entrySet()) {
            if (!known.contains(e.getKey())) {
                String where = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                throw ConfigException.at(file, m.keyLines().get(e.getKey()), where,
                        "unknown key; known here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private ConfigException error(ConfigNode.Mapping m, String prefix, String key, String problem) {
        ConfigNode node = m.entries().get(key);
        return ConfigException.at(file, node == null ? m.line() : node.line(), prefix + key, problem);
    }

    static boolean isIpLiteral(String s) {
        if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        return s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
    }
}
