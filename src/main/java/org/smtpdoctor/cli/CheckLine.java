package org.smtpdoctor.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code smtp-doctor check ...} read without picocli, for the usual command line: every argument
 * a known option of {@code check} ({@code --name value}, {@code --name=value} or a flag), each once,
 * each value of its type. picocli's model of check, built from its annotations, is about a third
 * of a check's start-up (bench/RESULTS.md); this reader is a table. Anything else (help,
 * version, an unknown or repeated option, a missing or odd value, {@code @FILE}, {@code --}) is
 * left to picocli, which reads it as always and says what is wrong.
 * <p>
 * {@link CheckLineTest} holds the table to picocli's model: the same names, the same flags, and
 * the same values in the command for every command line of the help and the README.
 */
final class CheckLine {

    private CheckLine() {
    }

    /** The command with its options set, or null for picocli to read the command line. */
    static CheckCommand read(String... args) {
        if (args.length == 0 || !args[0].equals("check")) {
            return null;
        }
        CheckCommand c = new CheckCommand();
        c.timeoutSeconds = 10; // its defaultValue
        Set<String> given = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            String canonical = canonical(name);
            if (canonical == null || !given.add(canonical)) {
                return null;
            }
            if (isFlag(canonical)) {
                if (!name.equals(arg)) {
                    return null; // --json=true: picocli's
                }
                setFlag(c, canonical);
                continue;
            }
            String value;
            if (!name.equals(arg)) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            if (value.startsWith("-") || value.startsWith("@") || !set(c, canonical, value)) {
                return null;
            }
        }
        for (String name : Set.copyOf(given)) {
            given.add(alias(name));
        }
        c.given = given;
        return c;
    }

    /** The long name of a known option of check, or null (help, version and --password go to picocli). */
    static String canonical(String name) {
        return switch (name) {
            case "-u" -> "--user";
            case "-f" -> "--from";
            case "-t" -> "--to";
            default -> isFlag(name) || VALUES.contains(name) ? name : null;
        };
    }

    /** The short name that goes with a long one, or the name itself. */
    private static String alias(String name) {
        return switch (name) {
            case "--user" -> "-u";
            case "--from" -> "-f";
            case "--to" -> "-t";
            default -> name;
        };
    }

    static final Set<String> FLAGS = Set.of("--allow-plaintext-auth", "--no-auth", "--send", "--json", "--transcript",
            "--no-color", "--tenant-diagnostics", "--device-code", "--no-token-cache", "--no-probes");

    static final Set<String> VALUES = Set.of("--preset", "--host", "--domain", "--port", "--security", "--lab", "--user",
            "--password-env", "--password-file", "--access-token-env", "--auth-mechanism", "--from", "--to", "--ehlo-name",
            "--timeout", "--device-tls", "--trust-cert", "--graph-client-id", "--graph-client-secret-env",
            "--graph-client-secret-file", "--graph-client-cert", "--graph", "--tenant", "--client-id", "--client-secret-env",
            "--client-secret-file", "--client-cert", "--client-cert-password-env", "--client-cert-password-file", "--cloud",
            "--authority", "--token-cache", "--html");

    private static boolean isFlag(String name) {
        return FLAGS.contains(name);
    }

    private static void setFlag(CheckCommand c, String name) {
        switch (name) {
            case "--allow-plaintext-auth" -> c.allowPlaintextAuth = true;
            case "--no-auth" -> c.noAuth = true;
            case "--send" -> c.send = true;
            case "--json" -> c.json = true;
            case "--transcript" -> c.transcript = true;
            case "--no-color" -> c.noColor = true;
            case "--tenant-diagnostics" -> c.tenantDiagnostics = true;
            case "--device-code" -> c.oauth.deviceCode = true;
            case "--no-token-cache" -> c.oauth.noCache = true;
            case "--no-probes" -> c.noProbes = true;
            default -> throw new IllegalArgumentException(name);
        }
    }

    /** Sets a valued option; false when the value is not of its type (picocli then says so). */
    private static boolean set(CheckCommand c, String name, String v) {
        try {
            switch (name) {
                case "--preset" -> c.preset = v;
                case "--host" -> c.host = v;
                case "--domain" -> c.domain = v;
                case "--port" -> c.port = number(v);
                case "--security" -> c.security = v;
                case "--lab" -> c.lab = v;
                case "--user" -> c.user = v;
                case "--password-env" -> c.passwordEnv = v;
                case "--password-file" -> c.passwordFile = Path.of(v);
                case "--access-token-env" -> c.accessTokenEnv = v;
                case "--auth-mechanism" -> c.mechanism = v;
                case "--from" -> c.from = v;
                case "--to" -> c.to = v;
                case "--ehlo-name" -> c.ehloName = v;
                case "--timeout" -> c.timeoutSeconds = number(v);
                case "--device-tls" -> c.deviceTls = v;
                case "--trust-cert" -> c.trustCert = Path.of(v);
                case "--graph-client-id" -> c.graphClientId = v;
                case "--graph-client-secret-env" -> c.graphSecretEnv = v;
                case "--graph-client-secret-file" -> c.graphSecretFile = Path.of(v);
                case "--graph-client-cert" -> c.graphCert = Path.of(v);
                case "--graph" -> c.graphUrl = v;
                case "--tenant" -> c.oauth.tenant = v;
                case "--client-id" -> c.oauth.clientId = v;
                case "--client-secret-env" -> c.oauth.secretEnv = v;
                case "--client-secret-file" -> c.oauth.secretFile = Path.of(v);
                case "--client-cert" -> c.oauth.cert = Path.of(v);
                case "--client-cert-password-env" -> c.oauth.certPasswordEnv = v;
                case "--client-cert-password-file" -> c.oauth.certPasswordFile = Path.of(v);
                case "--cloud" -> c.oauth.cloud = v;
                case "--authority" -> c.oauth.authority = v;
                case "--token-cache" -> c.oauth.cacheFile = Path.of(v);
                case "--html" -> c.html.html = Path.of(v);
                default -> throw new IllegalArgumentException(name);
            }
            return true;
        } catch (InvalidPathException | NumberFormatException e) {
            return false;
        }
    }

    /** Digits only: anything else (signs, spaces, hex) is picocli's to accept or refuse. */
    private static int number(String v) {
        if (v.isEmpty() || v.length() > 9) {
            throw new NumberFormatException(v);
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                throw new NumberFormatException(v);
            }
        }
        return Integer.parseInt(v);
    }
}
