package org.smtpdoctor.relay.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.io.TextInput;
import org.smtpdoctor.oauth.MicrosoftCloud;

/**
 * Where the relay delivers, as a URL. Parsed and validated here; delivery is elsewhere.
 * <ul>
 *   <li>{@code m365-oauth://MAILBOX?tenant=T&client-id=C} — SMTP AUTH XOAUTH2 to the
 *       cloud's submission endpoint (smtp.office365.com:587 worldwide) as MAILBOX with an
 *       app-only token ({@code client-secret-env}, {@code client-secret-file} or
 *       {@code certificate} may follow). {@code cloud=} (global, gcc, gcc-high, dod, china,
 *       see {@link MicrosoftCloud}) sets the host, the sign-in authority and the token scope;
 *       {@code host=}, {@code port=}, {@code authority=} and {@code ca-file=} override them for
 *       the unusual cases (a test tenant, a TLS-inspecting proxy the admin trusts).</li>
 *   <li>{@code m365-graph://MAILBOX?tenant=T&client-id=C} — Microsoft Graph {@code sendMail} as
 *       MAILBOX with an app-only token for Graph (application permission Mail.Send, scoped to the
 *       mailbox by RBAC for Applications or an application access policy); no SMTP AUTH at all.
 *       The same credential parameters as m365-oauth ({@code client-cert=} is the certificate),
 *       {@code cloud=} and {@code authority=}; {@code graph=} overrides the cloud's Graph
 *       (https, or http to loopback for the lab); {@code save-to-sent-items=false} keeps no copy
 *       in Sent Items and {@code large=refuse} refuses messages over one request (both change
 *       what Mail permissions are needed, see docs/graph.md).</li>
 *   <li>{@code smtp://[USER@]HOST[:PORT]} (port 25, STARTTLS if offered),
 *       {@code smtp+starttls://} (587, STARTTLS required), {@code smtps://} (465, implicit
 *       TLS); with a USER, the password comes from {@code ?password-env=VAR} or
 *       {@code ?password-file=PATH}. A password inside the URL is refused: config files are
 *       copied, pasted into tickets and read by backup tools.</li>
 *   <li>{@code mx://DOMAIN} — port 25 to DOMAIN's MX (Direct Send or an inbound connector).</li>
 * </ul>
 * Immutable.
 *
 * @param mailbox the upstream mailbox the relay sends as: the m365-oauth mailbox, or the
 *        SMTP user when it is an address; empty otherwise
 * @param parameters the query parameters, decoded
 */
public record UpstreamUrl(Scheme scheme, String host, int port, Optional<String> user, Optional<String> mailbox,
                          Map<String, String> parameters, String text) {

    /** The upstream modes. */
    public enum Scheme {
        M365_OAUTH("m365-oauth", 587), M365_GRAPH("m365-graph", 443), SMTP("smtp", 25), SMTP_STARTTLS("smtp+starttls", 587),
        SMTPS("smtps", 465), MX("mx", 25);

        final String name;
        final int defaultPort;

        Scheme(String name, int defaultPort) {
            this.name = name;
            this.defaultPort = defaultPort;
        }

        static Optional<Scheme> named(String name) {
            for (Scheme s : values()) {
                if (s.name.equalsIgnoreCase(name)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    private static final Set<String> OAUTH_PARAMETERS = Set.of("tenant", "client-id", "client-secret-env",
            "client-secret-file", "certificate", "certificate-password-env", "certificate-password-file", "client-cert",
            "client-cert-password-env", "client-cert-password-file", "authority", "cloud", "host", "port", "ca-file");
    private static final Set<String> GRAPH_PARAMETERS = Set.of("tenant", "client-id", "client-secret-env",
            "client-secret-file", "certificate", "certificate-password-env", "certificate-password-file", "client-cert",
            "client-cert-password-env", "client-cert-password-file", "authority", "cloud", "graph", "ca-file",
            "save-to-sent-items", "large");
    private static final Set<String> SMTP_PARAMETERS = Set.of("password-env", "password-file", "helo", "ca-file");
    private static final String EXAMPLES = "m365-oauth://relay@contoso.com?tenant=...&client-id=..., "
            + "m365-graph://relay@contoso.com?tenant=...&client-id=..., "
            + "smtp+starttls://user@smtp.example.com:587?password-env=VAR, smtps://host, smtp://host or mx://contoso.com";

    public UpstreamUrl {
        parameters = Map.copyOf(parameters);
    }

    /** @throws IllegalArgumentException with a message fit for the user */
    public static UpstreamUrl parse(String text) {
        String t = text.strip();
        int colon = t.indexOf("://");
        if (colon < 0) {
            throw new IllegalArgumentException("'" + redacted(t) + "' is not an upstream URL; examples: " + EXAMPLES);
        }
        String named = t.substring(0, colon);
        Scheme scheme = Scheme.named(named).orElseThrow(() -> new IllegalArgumentException(
                (named.matches("[A-Za-z][A-Za-z0-9+.-]{0,30}") ? "unknown upstream scheme '" + named + "'"
                        : "'" + redacted(t) + "' does not start with an upstream scheme")
                        + "; use one of m365-oauth, m365-graph, smtp, smtp+starttls, smtps, mx"));
        URI uri;
        try {
            // '@' in an m365-oauth mailbox is the user-info separator to URI: parse the
            // authority ourselves, and let URI check only the rest.
            uri = new URI("x://h" + t.substring(colon + 3).replaceFirst("^[^/?#]*", ""));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + redacted(t) + "' is not a valid URL: " + e.getReason());
        }
        String authority = t.substring(colon + 3).replaceFirst("[/?#].*$", "");
        Map<String, String> parameters = query(uri.getRawQuery(), t);
        String helo = parameters.get("helo");
        if (helo != null && !helo.matches("[A-Za-z0-9.-]{1,255}|\\[[0-9A-Fa-f:.]{2,60}\\]")) {
            // It goes into EHLO as it is (RFC 5321 §4.1.1.1: a domain or an address literal).
            throw new IllegalArgumentException("'" + redacted(t) + "': helo must be a host name or an address literal like [192.0.2.1]");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': an upstream URL has no path");
        }
        return switch (scheme) {
            case M365_OAUTH -> oauth(scheme, authority, parameters, t);
            case M365_GRAPH -> graph(scheme, authority, parameters, t);
            case MX -> mx(scheme, authority, parameters, t);
            default -> smtp(scheme, authority, parameters, t);
        };
    }

    private static UpstreamUrl oauth(Scheme scheme, String authority, Map<String, String> parameters, String t) {
        String mailbox = app(scheme, authority, parameters, OAUTH_PARAMETERS, t);
        MicrosoftCloud cloud = cloud(parameters, t);
        String host = parameters.getOrDefault("host", cloud.smtpHost());
        if (!host.matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': host must be a host name or address literal");
        }
        int port = parameters.containsKey("port") ? port(parameters.get("port"), t) : MicrosoftCloud.SMTP_PORT;
        return new UpstreamUrl(scheme, host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port,
                Optional.of(mailbox), Optional.of(mailbox), parameters, t);
    }

    /**
     * The mailbox of an app-only Microsoft upstream (m365-oauth, m365-graph), after checking that
     * the parameters are known, name the tenant and app, and give at most one secret and one certificate.
     */
    private static String app(Scheme scheme, String authority, Map<String, String> parameters, Set<String> known, String t) {
        String mailbox = decode(authority);
        if (!mailbox.matches("[^@\\s:/]+@[^@\\s:/]+\\.[^@\\s:/]+")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': " + scheme.name + ":// needs the mailbox to send as, like "
                    + scheme.name + "://relay@contoso.com?tenant=...&client-id=...");
        }
        unknown(parameters, known, t);
        for (String required : new String[] {"tenant", "client-id"}) {
            if (!parameters.containsKey(required) || parameters.get(required).isBlank()) {
                throw new IllegalArgumentException("'" + redacted(t) + "': " + scheme.name + ":// needs ?" + required + "=...");
            }
        }
        credentialParameters(parameters, t);
        return mailbox;
    }

    /** Client secret or certificate: one of each kind at most ({@code client-cert} is {@code certificate}'s other name). */
    private static void credentialParameters(Map<String, String> parameters, String t) {
        if (parameters.containsKey("client-secret-env") && parameters.containsKey("client-secret-file")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': give client-secret-env or client-secret-file, not both");
        }
        if (parameters.containsKey("certificate") && parameters.containsKey("client-cert")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': give client-cert or certificate, not both (the same thing)");
        }
    }

    private static UpstreamUrl graph(Scheme scheme, String authority, Map<String, String> parameters, String t) {
        String mailbox = app(scheme, authority, parameters, GRAPH_PARAMETERS, t);
        String save = parameters.getOrDefault("save-to-sent-items", "true").toLowerCase(Locale.ROOT);
        if (!save.equals("true") && !save.equals("false")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': save-to-sent-items is true or false");
        }
        String large = parameters.getOrDefault("large", "upload").toLowerCase(Locale.ROOT);
        if (!large.equals("upload") && !large.equals("refuse")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': large is upload (a draft and upload sessions, Mail.ReadWrite)"
                    + " or refuse (messages over 3 MB are refused, Mail.Send only)");
        }
        MicrosoftCloud cloud = cloud(parameters, t);
        URI graph;
        try {
            graph = URI.create(parameters.getOrDefault("graph", cloud.graph().toString()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + redacted(t) + "': graph= must be a URL like https://graph.microsoft.com");
        }
        String scheme2 = String.valueOf(graph.getScheme()).toLowerCase(Locale.ROOT);
        if (graph.getHost() == null || !(scheme2.equals("https") || scheme2.equals("http"))) {
            throw new IllegalArgumentException("'" + redacted(t) + "': graph= must be a URL like https://graph.microsoft.com");
        }
        int port = graph.getPort() > 0 ? graph.getPort() : scheme2.equals("http") ? 80 : 443;
        return new UpstreamUrl(scheme, graph.getHost(), port, Optional.of(mailbox), Optional.of(mailbox), parameters, t);
    }

    private static MicrosoftCloud cloud(Map<String, String> parameters, String t) {
        String name = parameters.getOrDefault("cloud", MicrosoftCloud.GLOBAL.id());
        return MicrosoftCloud.byId(name).orElseThrow(() -> new IllegalArgumentException(
                "'" + redacted(t) + "': unknown cloud '" + name + "' (known: " + MicrosoftCloud.ids() + ")"));
    }

    /** The Microsoft cloud of an {@code m365-oauth://} or {@code m365-graph://} upstream ({@code cloud=}, worldwide by default); empty for others. */
    public Optional<MicrosoftCloud> cloud() {
        return scheme == Scheme.M365_OAUTH || scheme == Scheme.M365_GRAPH ? Optional.of(cloud(parameters, text)) : Optional.empty();
    }

    /** The largest message this upstream can send at all, when it has such a limit (Graph's). */
    public java.util.OptionalLong maxMessageBytes() {
        if (scheme != Scheme.M365_GRAPH) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of("refuse".equalsIgnoreCase(parameters.get("large"))
                ? org.smtpdoctor.graph.GraphMessage.SINGLE_REQUEST_MAX : org.smtpdoctor.graph.GraphMessage.GRAPH_MAX);
    }

    /** Why {@link #maxMessageBytes()} is what it is, for the log and check-config. */
    public String maxMessageReason() {
        return "refuse".equalsIgnoreCase(parameters.get("large"))
                ? "the Microsoft Graph upstream " + redacted(text) + " sends one request of at most 4 MB (large=refuse)"
                : "Exchange Online takes messages of at most 150 MB";
    }

    private static UpstreamUrl mx(Scheme scheme, String authority, Map<String, String> parameters, String t) {
        if (!authority.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': mx:// needs a domain, like mx://contoso.com");
        }
        unknown(parameters, Set.of("helo"), t);
        return new UpstreamUrl(scheme, authority.toLowerCase(Locale.ROOT), scheme.defaultPort, Optional.empty(),
                Optional.empty(), parameters, t);
    }

    private static UpstreamUrl smtp(Scheme scheme, String authority, Map<String, String> parameters, String t) {
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        String hostPort = authority.substring(at + 1);
        if (userInfo != null && userInfo.contains(":")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': a password inside the URL is refused (it would sit in the config file"
                    + " and in logs); put it in an environment variable or a file and add ?password-env=VAR or ?password-file=PATH");
        }
        unknown(parameters, SMTP_PARAMETERS, redacted(t));
        Optional<String> user = Optional.ofNullable(userInfo).map(UpstreamUrl::decode).filter(u -> !u.isEmpty());
        boolean hasPassword = parameters.containsKey("password-env") || parameters.containsKey("password-file");
        if (parameters.containsKey("password-env") && parameters.containsKey("password-file")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': give password-env or password-file, not both");
        }
        if (user.isPresent() != hasPassword) {
            throw new IllegalArgumentException("'" + redacted(t) + "': " + (user.isPresent()
                    ? "a user needs ?password-env=VAR or ?password-file=PATH"
                    : "a password needs a user, like " + scheme.name + "://user@host"));
        }
        if (parameters.containsKey("password-file")) {
            Path.of(parameters.get("password-file")); // an invalid path fails here, not at delivery
        }
        String host;
        int port = scheme.defaultPort;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + redacted(t) + "': unclosed [ in the host");
            }
            host = hostPort.substring(1, close);
            hostPort = hostPort.substring(close + 1);
            port = hostPort.isEmpty() ? port : port(hostPort.substring(1), t);
        } else {
            int c = hostPort.indexOf(':');
            host = c < 0 ? hostPort : hostPort.substring(0, c);
            port = c < 0 ? port : port(hostPort.substring(c + 1), t);
        }
        if (!host.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("'" + redacted(t) + "': missing or invalid host name");
        }
        Optional<String> mailbox = user.filter(u -> u.contains("@"));
        return new UpstreamUrl(scheme, host, port, user, mailbox, parameters, t);
    }

    private static int port(String text, String url) {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("'" + redacted(url) + "': the port must be 1-65535");
        }
        return Integer.parseInt(text);
    }

    private static Map<String, String> query(String raw, String url) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equalsIgnoreCase("password")) {
                throw new IllegalArgumentException("'" + redacted(url) + "': a password inside the URL is refused; use ?password-env=VAR or ?password-file=PATH");
            }
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (key.endsWith("-env") && !TextInput.isVariableName(value)) {
                throw new IllegalArgumentException("'" + redacted(url) + "': " + shown(key) + " takes the NAME of an environment variable"
                        + " (letters, digits, _), not its value; what was given is not shown (it may be the secret itself)");
            }
            if (out.put(key, value) != null) {
                throw new IllegalArgumentException("'" + redacted(url) + "': parameter " + shown(key) + " is given twice");
            }
        }
        return out;
    }

    private static void unknown(Map<String, String> parameters, Set<String> known, String url) {
        for (String key : parameters.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("'" + redacted(url) + "': unknown parameter '" + shown(key) + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A parameter's name for a message: itself when it is one, else not shown (it may be a pasted secret). */
    private static String shown(String key) {
        return key.matches("[A-Za-z0-9_-]{1,40}") ? key : "(a name that is not one; not shown)";
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a % must be followed by two hexadecimal digits (percent-encoding), as in %40 for @");
        }
    }

    /**
     * The URL for messages and logs: a user:password, and the value of any parameter that
     * could hold a secret (a name with password, secret, token or key in it, other than a
     * {@code -file} path or a {@code -env} variable name), replaced with {@code ***}.
     */
    static String redacted(String url) {
        String out = withoutUserPassword(url);
        Matcher m = PARAMETER.matcher(out);
        StringBuilder b = new StringBuilder();
        int from = 0;
        while (m.find(from)) {
            String key = m.group(2).toLowerCase(Locale.ROOT);
            // A secret's value runs to the next & or #, whatever it holds; a file name or a variable
            // name also ends at a ?, so that a parameter typed after a second ? is looked at too.
            boolean nameOnly = key.endsWith("-file") || key.endsWith("-env");
            int end = m.end();
            while (end < out.length() && "&# \t".indexOf(out.charAt(end)) < 0 && !(nameOnly && out.charAt(end) == '?')) {
                end++;
            }
            String value = out.substring(m.end(), end);
            boolean harmless = key.endsWith("-file") || (key.endsWith("-env") && TextInput.isVariableName(value));
            b.append(out, from, m.end()).append(harmless ? value : "***");
            from = end;
        }
        b.append(out.substring(from));
        return b.toString();
    }

    /**
     * {@code user:***@host}: everything from the first colon that is not a scheme's {@code ://}
     * (the scheme may be missing, or mistyped after the password) to the last {@code @} is a
     * password's place.
     * A password may hold {@code @}, {@code /}, {@code ?} or {@code :} (users do not percent-encode
     * them), so no narrower rule is safe; a URL with an {@code @} in its query after a port is
     * shown with more hidden than needed, which only an error message of a refused URL can show.
     */
    private static String withoutUserPassword(String url) {
        int colon = url.indexOf(':');
        while (colon >= 0 && url.startsWith("//", colon + 1)) {
            colon = url.indexOf(':', colon + 1); // the scheme's "://", wherever it is
        }
        int at = url.lastIndexOf('@');
        if (colon < 0 || at < colon) {
            return url;
        }
        return url.substring(0, colon + 1) + "***" + url.substring(at);
    }

    /**
     * The name of a parameter that could hold a secret, wherever it stands (also after a mistyped
     * separator, such as a second {@code ?}), up to its {@code =}.
     */
    private static final Pattern PARAMETER = Pattern.compile(
            "(^|[^A-Za-z0-9_-])([A-Za-z0-9_-]*(?i:pass|secret|token|key|credential|pwd)[A-Za-z0-9_-]*)=");

    @Override
    public String toString() {
        return redacted(text);
    }
}
