package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.oauth.AccessToken;
import org.smtpdoctor.oauth.Authority;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.oauth.TenantDiscovery;
import org.smtpdoctor.oauth.TokenCheck;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.report.DiagnosisText;
import org.smtpdoctor.report.JsonReport;
import org.smtpdoctor.report.TerminalStyle;
import org.smtpdoctor.smtp.Secret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smtp-doctor token}: what an access token says, and whether SMTP AUTH XOAUTH2 can work with it. */
@Command(name = "token", header = "What an OAuth access token says, and whether XOAUTH2 can work with it.", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Read an OAuth access token (JWT) without sending it anywhere: audience, tenant, app, expiry, roles or",
            "scopes, user; and say what would make Exchange Online refuse it for SMTP AUTH XOAUTH2. Or get one from",
            "Microsoft Entra first (app-only with a client secret or certificate, or delegated by device code), and",
            "decode the AADSTS error when Entra refuses. The token itself is never printed.",
            "",
            "Examples:",
            "  smtp-doctor token --access-token-env TOKEN --user scanner@contoso.com",
            "  smtp-doctor token --file token.txt --json",
            "  smtp-doctor token --tenant contoso.onmicrosoft.com --client-id APP_ID --client-secret-env SECRET",
            "  smtp-doctor token --tenant contoso.onmicrosoft.com --client-id APP_ID --device-code",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the token looks right for SMTP", "1:a problem was found, or no token was issued", "2:usage: no token given, or unusable options"})
public final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--access-token-env", paramLabel = "VAR", description = "Read the token from this environment variable.")
    String env;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the token from the first line of this file ('-': standard input).")
    Path file;

    @Mixin
    OAuthOptions oauth = new OAuthOptions();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Timeout of each request to the token endpoint (default ${DEFAULT-VALUE} s).")
    int timeoutSeconds;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "The mailbox the token will be used for (XOAUTH2 user=); "
            + "its domain's tenant is looked up in Entra's public metadata and compared with the token's.")
    String user;

    @Option(names = "--json", description = "JSON: claims, problems[], diagnosis.")
    boolean json;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    private TerminalStyle style() {
        return noColor ? TerminalStyle.PLAIN : TerminalStyle.detect();
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        oauth.refuseContradictions(spec.commandLine().getParseResult()::hasMatchedOption);
        Secret token;
        try {
            token = read();
        } catch (TokenException e) {
            return refused(out, e);
        }
        Optional<Diagnosis> malformed = Optional.empty();
        AccessToken claims = null;
        try {
            claims = AccessToken.parse(token.reveal());
        } catch (AccessToken.MalformedToken e) {
            malformed = Optional.of(diagnose("token.malformed"));
            if (json) {
                ObjectNode doc = Version.jsonDocument().put("error", e.getMessage());
                doc.set("diagnosis", JsonReport.diagnosis(malformed.get()));
                out.println(doc.toPrettyString());
            } else {
                out.println("smtp-doctor token: " + e.getMessage());
                out.println();
                DiagnosisText.print(out, style(), malformed.get(), "Diagnosis: ");
            }
            out.flush();
            return ExitCode.FAILED;
        }
        // The mailbox's tenant, from its domain's public Entra metadata (nothing of the token is sent).
        Optional<String> mailboxTenant = user == null || user.indexOf('@') < 1 || !claims.fromEntraWorldwide() ? Optional.empty()
                : TenantDiscovery.tenantOf(Authority.MICROSOFT, user.substring(user.indexOf('@') + 1), Inputs.timeout(timeoutSeconds, 600));
        List<TokenCheck.Problem> problems = TokenCheck.problems(claims, Optional.ofNullable(user), mailboxTenant, Clock.systemUTC());
        if (json) {
            ObjectNode doc = Version.jsonDocument();
            ObjectNode c = doc.putObject("claims");
            AccessToken t = claims;
            c.put("audience", t.audience().orElse(null)).put("cloud", t.cloud().map(MicrosoftCloud::id).orElse(null))
                    .put("tenant", t.tenant().orElse(null)).put("app_id", t.appId().orElse(null))
                    .put("expires", t.expires().map(Object::toString).orElse(null)).put("user", t.user().orElse(null))
                    .put("object_id", t.objectId().orElse(null))
                    .put("kind", t.appOnly() ? "app-only" : "delegated");
            t.roles().forEach(c.putArray("roles")::add);
            t.scopes().forEach(c.putArray("scopes")::add);
            var arr = doc.putArray("problems");
            for (TokenCheck.Problem p : problems) {
                arr.addObject().put("event", p.event()).put("detail", p.detail())
                        .set("diagnosis", JsonReport.diagnosis(diagnose(p.event())));
            }
            out.println(doc.toPrettyString());
        } else {
            out.println("smtp-doctor token (" + (claims.appOnly() ? "app-only" : "delegated") + ")");
            out.println("  audience  " + claims.audience().orElse("-")
                    + claims.cloud().map(c -> "  (Exchange Online in " + c.title() + ")").orElse(""));
            out.println("  tenant    " + claims.tenant().orElse("-"));
            out.println("  app       " + claims.appId().orElse("-"));
            out.println("  user      " + claims.user().orElse("-"));
            out.println("  object id " + claims.objectId().orElse("-") + (claims.appOnly()
                    ? "  (the service principal: New-ServicePrincipal -ObjectId takes this)" : ""));
            out.println("  expires   " + claims.expires().map(Object::toString).orElse("-"));
            out.println("  " + (claims.appOnly() ? "roles     " + String.join(" ", claims.roles())
                    : "scopes    " + String.join(" ", claims.scopes())));
            out.println();
            if (problems.isEmpty()) {
                out.println("Looks right for SMTP AUTH XOAUTH2 to Exchange Online. If it is still refused, the mailbox side "
                        + "decides (service principal and FullAccess for app-only tokens).");
            }
            for (TokenCheck.Problem p : problems) {
                DiagnosisText.print(out, style(), diagnose(p.event()), "Problem: ");
                out.println("  Found: " + p.detail());
                out.println();
            }
        }
        out.flush();
        return problems.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    private Diagnosis diagnose(String event) {
        return KnowledgeBase.bundled().diagnose(Evidence.event("token", event, Vendor.MICROSOFT,
                user == null ? Map.of() : Map.of("user", user)));
    }

    /** No token: what Entra (or the network) said, decoded. */
    private int refused(PrintWriter out, TokenException e) {
        Evidence evidence = e.event().map(event -> Evidence.event("token", event, Vendor.MICROSOFT, Map.<String, String>of()))
                .orElseGet(() -> Evidence.raw(e.reason(), Vendor.MICROSOFT));
        Diagnosis d = KnowledgeBase.bundled().diagnose(evidence);
        if (json) {
            ObjectNode doc = Version.jsonDocument().put("error", e.getMessage()).put("error_kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            doc.set("diagnosis", JsonReport.diagnosis(d));
            out.println(doc.toPrettyString());
        } else {
            out.println("smtp-doctor token: no token: " + e.getMessage());
            out.println();
            DiagnosisText.print(out, style(), d, "Diagnosis: ");
        }
        out.flush();
        return ExitCode.FAILED;
    }

    private Secret read() throws IOException, TokenException {
        int ways = (env != null ? 1 : 0) + (file != null ? 1 : 0) + (oauth.requested() ? 1 : 0);
        if (ways != 1) {
            throw new UsageException("give the token one way: --access-token-env VAR, --file FILE ('-' for standard input), "
                    + "or get one with --tenant and --client-id");
        }
        if (oauth.requested()) {
            return oauth.source(Inputs.timeout(timeoutSeconds, 600), spec.commandLine().getErr()).token();
        }
        if (env != null) {
            return Secrets.fromEnv(env, "access token").orElseThrow();
        }
        if (file.toString().equals("-")) {
            String line;
            try {
                line = org.smtpdoctor.io.TextInput.firstLine(System.in, org.smtpdoctor.io.TextInput.SECRET_BYTES, "standard input").trim();
            } catch (org.smtpdoctor.io.InputException e) {
                throw new UsageException(e.getMessage());
            }
            if (line.isEmpty()) {
                throw new UsageException("no token on standard input");
            }
            return Secret.of(line);
        }
        return Secrets.fromFile(file, "access token").orElseThrow();
    }
}
