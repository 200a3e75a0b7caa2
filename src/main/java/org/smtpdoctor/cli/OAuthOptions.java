package org.smtpdoctor.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.oauth.Authority;
import org.smtpdoctor.oauth.CertificateFile;
import org.smtpdoctor.oauth.ClientCredential;
import org.smtpdoctor.oauth.EntraTokenSource;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.oauth.TokenCache;
import org.smtpdoctor.oauth.TokenClient;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.oauth.TokenSource;
import org.smtpdoctor.smtp.Secret;
import picocli.CommandLine.Option;

/**
 * The options that get an OAuth token from Microsoft Entra, shared by the commands that
 * need one: app-only with a client secret or certificate, or delegated by device code.
 */
final class OAuthOptions {

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Entra tenant: directory id or a verified domain (contoso.onmicrosoft.com).")
    String tenant;

    @Option(names = "--client-id", paramLabel = "ID", description = "Application (client) id of the app registration.")
    String clientId;

    @Option(names = "--client-secret-env", paramLabel = "VAR", description = "App-only: the client secret (its value) is in this environment variable.")
    String secretEnv;

    @Option(names = "--client-secret-file", paramLabel = "FILE", description = "App-only: the client secret is the first line of this file.")
    Path secretFile;

    @Option(names = "--client-cert", paramLabel = "FILE", description = "App-only: certificate and RSA private key, PEM or PKCS#12 (.pfx/.p12).")
    Path cert;

    @Option(names = "--client-cert-password-env", paramLabel = "VAR", description = "Password of the --client-cert file or its key.")
    String certPasswordEnv;

    @Option(names = "--client-cert-password-file", paramLabel = "FILE", description = "Password of the --client-cert file, first line.")
    Path certPasswordFile;

    @Option(names = "--device-code", description = "Delegated: sign in as the mailbox user in a browser with a code "
            + "(the default when no secret or certificate is given); later runs reuse the refresh token.")
    boolean deviceCode;

    @Option(names = "--cloud", paramLabel = "NAME", description = "The tenant's Microsoft cloud: global (default), gcc, "
            + "gcc-high, dod or china. Sets the sign-in authority and the token's Exchange Online scope.")
    String cloud;

    @Option(names = "--authority", paramLabel = "URL", description = "Sign-in authority instead of the cloud's own "
            + "(e.g. a test server on 127.0.0.1).")
    String authority;

    /** The cloud named by --cloud, else {@code fallback} (a preset's). */
    MicrosoftCloud cloud(MicrosoftCloud fallback) {
        if (cloud == null) {
            return fallback;
        }
        return MicrosoftCloud.byId(cloud).orElseThrow(() -> new UsageException(
                "unknown cloud '" + cloud + "'; known: " + MicrosoftCloud.ids()));
    }

    @Option(names = "--token-cache", paramLabel = "FILE", description = "Keep tokens here (owner-only; default "
            + "~/.cache/smtp-doctor/tokens.json).")
    Path cacheFile;

    @Option(names = "--no-token-cache", description = "Keep no token on disk: sign in again every run.")
    boolean noCache;

    /** Options that only mean something together, or not together. */
    void refuseContradictions(java.util.function.Predicate<String> given) {
        if (noCache && cacheFile != null) {
            throw new UsageException("--no-token-cache keeps no cache, --token-cache says where to keep it: drop one");
        }
        if (certPasswordEnv != null && certPasswordFile != null) {
            throw new UsageException("give the certificate's password one way: --client-cert-password-env or --client-cert-password-file");
        }
        if ((certPasswordEnv != null || certPasswordFile != null) && cert == null) {
            throw new UsageException("--client-cert-password-" + (certPasswordEnv != null ? "env" : "file")
                    + " is the password of --client-cert, which is not given");
        }
        if (!requested()) {
            List<String> alone = Inputs.given(given, "--authority", "--cloud", "--token-cache", "--no-token-cache");
            if (!alone.isEmpty()) {
                throw new UsageException(String.join(", ", alone) + " only go" + (alone.size() == 1 ? "es" : "")
                        + " with getting a token: --tenant and --client-id");
            }
        }
    }

    /** Whether any option asks for a token from Entra. */
    boolean requested() {
        return tenant != null || clientId != null || secretEnv != null || secretFile != null || cert != null || deviceCode;
    }

    /** A source for the token, after checking the options; the token is acquired only when asked for. */
    TokenSource source(Duration timeout, PrintWriter err) {
        return source(timeout, err, MicrosoftCloud.GLOBAL);
    }

    /** @param presetCloud the cloud of the preset in use, when --cloud does not name one */
    TokenSource source(Duration timeout, PrintWriter err, MicrosoftCloud presetCloud) {
        MicrosoftCloud c = cloud(presetCloud);
        return source(timeout, err, c, c.appOnlyScope(), c.delegatedScope());
    }

    /**
     * A source of Microsoft Graph tokens (smtp-doctor tenant): the cloud's {@code .default}
     * scope for an app, or these delegated scopes for an admin signing in by device code.
     */
    TokenSource graphSource(Duration timeout, PrintWriter err, MicrosoftCloud c, String graphBase, String delegatedPermissions) {
        String delegated = String.join(" ", java.util.Arrays.stream(delegatedPermissions.split(" "))
                .map(p -> graphBase + "/" + p).toList()) + " offline_access";
        return source(timeout, err, c, graphBase + "/.default", delegated);
    }

    private TokenSource source(Duration timeout, PrintWriter err, MicrosoftCloud c, String appScope, String delegatedScope) {
        if (tenant == null || clientId == null) {
            throw new UsageException("getting a token needs --tenant and --client-id (Entra admin center > App registrations > your app > Overview)");
        }
        int ways = (secretEnv != null || secretFile != null ? 1 : 0) + (cert != null ? 1 : 0) + (deviceCode ? 1 : 0);
        if (ways > 1 || (secretEnv != null && secretFile != null)) {
            throw new UsageException("choose one: --client-secret-env, --client-secret-file, --client-cert, or --device-code");
        }
        URI base = c.authority();
        if (authority != null) {
            try {
                base = new URI(authority);
            } catch (java.net.URISyntaxException e) {
                throw new UsageException("--authority is not a URL (like " + Authority.MICROSOFT + ")");
            }
        }
        Authority where;
        try {
            where = new Authority(base, tenant);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--authority/--tenant: " + e.getMessage());
        }
        Optional<ClientCredential> credential;
        if (cert != null) {
            Optional<Secret> pw = Secrets.fromEnv(certPasswordEnv, "certificate password")
                    .or(() -> Secrets.fromFile(certPasswordFile, "certificate password"));
            try {
                credential = Optional.of(CertificateFile.load(cert, pw));
            } catch (TokenException e) {
                throw new UsageException(e.getMessage());
            }
        } else {
            credential = Secrets.fromEnv(secretEnv, "client secret").or(() -> Secrets.fromFile(secretFile, "client secret"))
                    .map(ClientCredential.ClientSecret::new);
        }
        Optional<TokenCache> cache = noCache ? Optional.empty()
                : Optional.of(new TokenCache(cacheFile != null ? cacheFile : TokenCache.defaultFile()));
        return EntraTokenSource.forScopes(new TokenClient(where, clientId, timeout), credential, cache, new DevicePrompt(err),
                Clock.systemUTC(), appScope, delegatedScope);
    }

    /** The lab's Entra: client credentials with the lab's demo secret, for this scope (check --lab, tenant --lab). */
    static TokenSource labSource(org.smtpdoctor.lab.LabOAuth entra, Duration timeout, String scope) {
        TokenClient client = new TokenClient(new Authority(URI.create(entra.authority()), entra.tenant()), entra.clientId(), timeout);
        return EntraTokenSource.appOnly(client, new ClientCredential.ClientSecret(Secret.of(org.smtpdoctor.lab.LabOAuth.CLIENT_SECRET)),
                Optional.empty(), Clock.systemUTC(), scope);
    }

    /**
     * A source for a token from the lab's Entra ({@code check --lab oauth-…}): the lab app's
     * tenant, client id and secret, except where these options say otherwise, so that a wrong
     * one gets the AADSTS refusal a tenant would give. Never cached.
     */
    TokenSource againstLab(LabOAuth entra, Duration timeout, PrintWriter err) {
        if (authority != null || cacheFile != null) {
            throw new UsageException("--lab has its own Entra and keeps no token: --authority and --token-cache cannot go with it");
        }
        if (deviceCode) {
            throw new UsageException("the lab's Entra issues app-only tokens (client credentials): --device-code cannot go with --lab");
        }
        Authority where;
        try {
            where = new Authority(URI.create(entra.authority()), tenant != null ? tenant : entra.tenant());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tenant: " + e.getMessage());
        }
        ClientCredential credential;
        if (cert != null) {
            Optional<Secret> pw = Secrets.fromEnv(certPasswordEnv, "certificate password")
                    .or(() -> Secrets.fromFile(certPasswordFile, "certificate password"));
            try {
                credential = CertificateFile.load(cert, pw);
            } catch (TokenException e) {
                throw new UsageException(e.getMessage());
            }
        } else {
            credential = new ClientCredential.ClientSecret(Secrets.fromEnv(secretEnv, "client secret")
                    .or(() -> Secrets.fromFile(secretFile, "client secret")).orElse(Secret.of(LabOAuth.CLIENT_SECRET)));
        }
        TokenClient client = new TokenClient(where, clientId != null ? clientId : entra.clientId(), timeout);
        return new EntraTokenSource(client, Optional.of(credential), Optional.empty(), new DevicePrompt(err), Clock.systemUTC(),
                cloud(MicrosoftCloud.GLOBAL));
    }

    /**
     * Shows the device code and a countdown on standard error (standard output stays the
     * report): on a terminal the countdown rewrites one line every second, elsewhere a line
     * a minute.
     */
    static final class DevicePrompt implements TokenClient.DeviceCodeListener {
        private final PrintWriter err;
        private final boolean terminal;
        private TokenClient.DeviceCode shown;
        private long lastMinute = -1;

        DevicePrompt(PrintWriter err) {
            this.err = err;
            Console console = System.console();
            this.terminal = console != null;
        }

        @Override
        public void waiting(TokenClient.DeviceCode code, Duration left) {
            if (shown != code) {
                shown = code;
                err.println();
                err.println("Sign in as the mailbox user: open " + code.verificationUri() + " and enter the code " + code.userCode());
                err.flush();
            }
            String clock = String.format("%d:%02d", left.toMinutes(), left.toSecondsPart());
            if (terminal) {
                err.print("\r  waiting for the sign-in, " + clock + " left ");
                err.flush();
            } else if (left.toMinutes() != lastMinute) {
                lastMinute = left.toMinutes();
                err.println("  waiting for the sign-in, " + clock + " left");
                err.flush();
            }
        }

        @Override
        public void signedIn(TokenClient.DeviceCode code) {
            err.println((terminal ? "\r" : "") + "  signed in.                                 ");
            err.flush();
        }
    }
}
