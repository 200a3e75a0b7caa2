package org.smtpdoctor.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.diagnosis.Confidence;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.oauth.AccessToken;
import org.smtpdoctor.oauth.TokenException;

/**
 * {@code smtp-doctor tenant}: read-only checks of a tenant through Microsoft Graph that say why
 * a user's SMTP AUTH fails, as Microsoft itself sees it:
 * <ol>
 *   <li>token: the app's (or admin's) Graph token and the permissions it carries;</li>
 *   <li>security-defaults (Policy.Read.All): on means Basic SMTP AUTH is blocked;</li>
 *   <li>conditional-access (Policy.Read.All): the policies that block legacy sign-ins for the user
 *       ({@link LegacyAuthPolicies});</li>
 *   <li>sign-ins (AuditLog.Read.All, Entra ID P1/P2): the user's recent sign-ins with client app
 *       "Authenticated SMTP", the latest one decoded by rules/signin.yaml: Microsoft's own
 *       verdict on the device's attempt;</li>
 *   <li>app-sign-ins (AuditLog.Read.All, beta): an app's client-credentials sign-ins (OAuth
 *       devices and the relay);</li>
 *   <li>exchange-settings: what Graph cannot read (the tenant's and the mailbox's SMTP AUTH
 *       switches, AllowLegacyTLSClients, RejectDirectSend), with the Exchange Online PowerShell
 *       that reads them.</li>
 * </ol>
 * A check whose permission is missing is skipped and says which permission. The diagnosis is
 * the sign-in log's when its latest SMTP sign-in failed, else Security Defaults', else
 * Conditional Access's. Stateless apart from the reader.
 */
public final class TenantChecks {

    /** Client app values of an SMTP AUTH sign-in (the portal says "Authenticated SMTP"; the Graph doc lists "SMTP"). */
    static boolean smtp(JsonNode signIn) {
        String app = signIn.path("clientAppUsed").asText("").toLowerCase(Locale.ROOT);
        return app.equals("authenticated smtp") || app.equals("smtp");
    }

    private final TenantReader reader;
    private final KnowledgeBase kb;
    private final Clock clock;

    public TenantChecks(TenantReader reader, KnowledgeBase kb, Clock clock) {
        this.reader = reader;
        this.kb = kb;
        this.clock = clock;
    }

    /**
     * @param user  the mailbox whose SMTP sign-ins to read; empty: tenant-wide checks only
     * @param appId an app whose service principal sign-ins to read; empty: skipped
     * @param days  how far back to read sign-ins
     */
    public TenantReport run(String tenant, Optional<String> user, Optional<String> appId, int days) {
        List<TenantCheck> checks = new ArrayList<>();
        Map<String, String> values = new java.util.HashMap<>();
        user.ifPresent(u -> values.put("user", u));
        TenantCheck token = token();
        checks.add(token);
        if (token.status() == Status.FAIL) {
            for (String id : List.of("security-defaults", "conditional-access", "sign-ins", "app-sign-ins")) {
                checks.add(new TenantCheck(id, Status.SKIP, "skipped: no Graph token", List.of(), Optional.empty(), Optional.empty()));
            }
            checks.add(exchangeSettings(user));
            return report(tenant, user, checks);
        }
        Instant since = clock.instant().minus(Duration.ofDays(days));
        List<JsonNode> userSignIns = List.of();
        TenantCheck signIns;
        if (user.isEmpty()) {
            signIns = new TenantCheck("sign-ins", Status.SKIP, "skipped: give --user to read a mailbox's SMTP sign-ins",
                    List.of(), Optional.of("AuditLog.Read.All"), Optional.empty());
        } else {
            TenantReader.Read<List<JsonNode>> r = reader.signIns(user.get(), since);
            if (r instanceof TenantReader.Ok<List<JsonNode>> ok) {
                userSignIns = ok.value();
            }
            signIns = signIns(r, user.get(), days, values);
        }
        Optional<String> userId = userSignIns.stream().map(s -> s.path("userId").asText("")).filter(s -> !s.isEmpty()).findFirst();
        checks.add(securityDefaults(values));
        checks.add(conditionalAccess(userId, user, values));
        checks.add(signIns);
        checks.add(appSignIns(appId, since, values));
        checks.add(exchangeSettings(user));
        return report(tenant, user, checks);
    }

    private TenantReport report(String tenant, Optional<String> user, List<TenantCheck> checks) {
        Status verdict = checks.stream().anyMatch(c -> c.status() == Status.FAIL) ? Status.FAIL
                : checks.stream().anyMatch(c -> c.status() == Status.WARN) ? Status.WARN : Status.PASS;
        Optional<Diagnosis> diagnosis = Optional.empty();
        for (String id : List.of("token", "sign-ins", "security-defaults", "conditional-access", "app-sign-ins")) {
            Optional<TenantCheck> c = checks.stream().filter(x -> x.id().equals(id) && x.status() == Status.FAIL).findFirst();
            if (c.isPresent() && c.get().diagnosis().isPresent()) {
                diagnosis = c.get().diagnosis();
                break;
            }
        }
        if (diagnosis.isEmpty()) {
            diagnosis = checks.stream().filter(c -> c.status() == Status.WARN).flatMap(c -> c.diagnosis().stream()).findFirst();
        }
        return new TenantReport(tenant, user, reader.endpoint().toString(), checks, verdict, diagnosis);
    }

    private TenantCheck token() {
        try {
            String t = reader.token().reveal();
            try {
                AccessToken claims = AccessToken.parse(t);
                List<String> granted = claims.appOnly() ? claims.roles() : claims.scopes();
                List<String> details = new ArrayList<>();
                details.add((claims.appOnly() ? "app-only, roles: " : "delegated, scopes: ") + (granted.isEmpty() ? "none" : String.join(" ", granted)));
                claims.audience().ifPresent(a -> details.add("audience " + a));
                List<String> missing = new ArrayList<>();
                for (String p : List.of("Policy.Read.All", "AuditLog.Read.All")) {
                    if (granted.stream().noneMatch(g -> g.equalsIgnoreCase(p) || g.endsWith("/" + p))) {
                        missing.add(p);
                    }
                }
                if (!missing.isEmpty()) {
                    details.add("without " + String.join(" and ", missing) + ", the checks that need it are skipped");
                }
                return new TenantCheck("token", missing.isEmpty() ? Status.PASS : Status.WARN, "a Graph token"
                        + (missing.isEmpty() ? " with the permissions to read" : ", missing " + String.join(", ", missing)),
                        details, Optional.empty(), Optional.empty());
            } catch (AccessToken.MalformedToken e) {
                return new TenantCheck("token", Status.PASS, "a Graph token (not a JWT: its permissions cannot be read)",
                        List.of(), Optional.empty(), Optional.empty());
            }
        } catch (TokenException e) {
            Diagnosis d = e.event().isPresent()
                    ? kb.diagnose(Evidence.event("token", e.event().get(), Vendor.MICROSOFT, Map.of()))
                    : kb.diagnose(new Evidence("token", Optional.empty(), Optional.empty(), Optional.of(e.reason()), false,
                            Vendor.MICROSOFT, Map.of()));
            return new TenantCheck("token", Status.FAIL, "no Graph token: " + e.reason(), List.of(), Optional.empty(), Optional.of(d));
        }
    }

    private TenantCheck securityDefaults(Map<String, String> values) {
        TenantReader.Read<Boolean> r = reader.securityDefaults();
        if (r instanceof TenantReader.Ok<Boolean> ok) {
            if (ok.value()) {
                return new TenantCheck("security-defaults", Status.FAIL,
                        "Security Defaults are on: Basic auth (AUTH LOGIN/PLAIN) to SMTP is blocked for every user",
                        List.of("OAuth (XOAUTH2) and Microsoft Graph are not affected"), Optional.of("Policy.Read.All"),
                        Optional.of(kb.diagnose(Evidence.event("tenant", "tenant.security-defaults-on", Vendor.MICROSOFT, values))));
            }
            return new TenantCheck("security-defaults", Status.PASS, "Security Defaults are off", List.of(),
                    Optional.of("Policy.Read.All"), Optional.empty());
        }
        return unread("security-defaults", r, "Policy.Read.All");
    }

    private TenantCheck conditionalAccess(Optional<String> userId, Optional<String> user, Map<String, String> values) {
        TenantReader.Read<List<JsonNode>> r = reader.conditionalAccessPolicies();
        if (!(r instanceof TenantReader.Ok<List<JsonNode>> ok)) {
            return unread("conditional-access", r, "Policy.Read.All");
        }
        List<LegacyAuthPolicies.Blocking> blocking = LegacyAuthPolicies.blocking(ok.value(), userId);
        List<String> details = new ArrayList<>();
        for (LegacyAuthPolicies.Blocking b : blocking) {
            details.add("'" + b.name() + "' " + (b.reportOnly() ? "(report-only: blocks nothing, logs what it would)"
                    : b.applies() == LegacyAuthPolicies.Applies.YES ? "blocks SMTP AUTH" : "may block SMTP AUTH") + ": "
                    + String.join("; ", b.why()));
        }
        Optional<LegacyAuthPolicies.Blocking> sure = blocking.stream()
                .filter(b -> !b.reportOnly() && b.applies() == LegacyAuthPolicies.Applies.YES).findFirst();
        Optional<LegacyAuthPolicies.Blocking> maybe = blocking.stream().filter(b -> !b.reportOnly()).findFirst();
        String who = user.map(u -> " for " + u).orElse("");
        if (maybe.isEmpty()) {
            return new TenantCheck("conditional-access", Status.PASS, ok.value().size() + " policies, none blocks legacy"
                    + " sign-ins such as SMTP AUTH" + who + (blocking.isEmpty() ? "" : " (report-only ones aside)"), details,
                    Optional.of("Policy.Read.All"), Optional.empty());
        }
        LegacyAuthPolicies.Blocking b = sure.orElse(maybe.get());
        Map<String, String> v = new java.util.HashMap<>(values);
        v.put("policy", "'" + b.name() + "'");
        Diagnosis d = kb.diagnose(Evidence.event("tenant", "tenant.conditional-access-blocks-legacy", Vendor.MICROSOFT, v));
        if (sure.isEmpty() || user.isEmpty()) {
            d = withConfidence(d, Confidence.MEDIUM);
        }
        return new TenantCheck("conditional-access", sure.isPresent() && user.isPresent() ? Status.FAIL : Status.WARN,
                "'" + b.name() + "' " + (sure.isPresent() ? "blocks" : "may block") + " legacy sign-ins such as SMTP AUTH" + who,
                details, Optional.of("Policy.Read.All"), Optional.of(d));
    }

    private TenantCheck signIns(TenantReader.Read<List<JsonNode>> r, String user, int days, Map<String, String> values) {
        if (!(r instanceof TenantReader.Ok<List<JsonNode>> ok)) {
            return unread("sign-ins", r, "AuditLog.Read.All");
        }
        List<JsonNode> smtp = ok.value().stream().filter(TenantChecks::smtp).toList();
        if (smtp.isEmpty()) {
            return new TenantCheck("sign-ins", Status.WARN, "no SMTP sign-in by " + user + " in the last " + (days == 1 ? "day" : days + " days"),
                    List.of(ok.value().size() + " other sign-ins; a device that never reaches AUTH (network, TLS) leaves none,"
                            + " nor does one refused before Entra saw the password"),
                    Optional.of("AuditLog.Read.All"), Optional.empty());
        }
        List<String> details = new ArrayList<>();
        for (JsonNode s : smtp.subList(0, Math.min(5, smtp.size()))) {
            details.add(s.path("createdDateTime").asText() + " from " + s.path("ipAddress").asText("?") + ": "
                    + (s.path("status").path("errorCode").asInt() == 0 ? "success" : line(s)));
        }
        JsonNode latest = smtp.get(0);
        int code = latest.path("status").path("errorCode").asInt();
        if (code == 0) {
            return new TenantCheck("sign-ins", Status.PASS, "the latest SMTP sign-in (" + latest.path("createdDateTime").asText()
                    + ") succeeded: Entra accepted the password; a 535 after it comes from Exchange Online itself"
                    + " (its SMTP AUTH switches or the Basic auth retirement), not from Entra", details,
                    Optional.of("AuditLog.Read.All"), Optional.empty());
        }
        Diagnosis d = kb.diagnose(new Evidence("signin", Optional.empty(), Optional.empty(), Optional.of(line(latest)), false,
                Vendor.MICROSOFT, values));
        return new TenantCheck("sign-ins", Status.FAIL, "the latest SMTP sign-in (" + latest.path("createdDateTime").asText()
                + ") failed: " + code + " " + latest.path("status").path("failureReason").asText(""), details,
                Optional.of("AuditLog.Read.All"), Optional.of(d));
    }

    /** A sign-in entry as the rules read it: the portal's labels (rules/signin.yaml). */
    public static String line(JsonNode s) {
        JsonNode status = s.path("status");
        StringBuilder b = new StringBuilder("Sign-in error code: ").append(status.path("errorCode").asInt())
                .append(". Failure reason: ").append(oneLine(status.path("failureReason").asText("")))
                .append(" (client app: ").append(oneLine(s.path("clientAppUsed").asText("")));
        List<String> applied = new ArrayList<>();
        for (JsonNode p : s.path("appliedConditionalAccessPolicies")) {
            if (p.path("result").asText("").equalsIgnoreCase("failure")) {
                applied.add(oneLine(p.path("displayName").asText("")) + " (failure)");
            }
        }
        if (!applied.isEmpty()) {
            b.append("; Conditional Access: ").append(String.join(", ", applied));
        }
        return b.append(')').toString();
    }

    private static String oneLine(String s) {
        return org.smtpdoctor.io.OneLine.of(s, 300);
    }

    private TenantCheck appSignIns(Optional<String> appId, Instant since, Map<String, String> values) {
        if (appId.isEmpty()) {
            return new TenantCheck("app-sign-ins", Status.SKIP, "skipped: give --app-id to read an app's token requests"
                    + " (the relay's or an OAuth device's)", List.of(), Optional.of("AuditLog.Read.All"), Optional.empty());
        }
        TenantReader.Read<List<JsonNode>> r = reader.appSignIns(appId.get(), since);
        if (!(r instanceof TenantReader.Ok<List<JsonNode>> ok)) {
            return unread("app-sign-ins", r, "AuditLog.Read.All");
        }
        if (ok.value().isEmpty()) {
            return new TenantCheck("app-sign-ins", Status.WARN, "no token request by app " + appId.get() + " in that time",
                    List.of(), Optional.of("AuditLog.Read.All"), Optional.empty());
        }
        JsonNode latest = ok.value().get(0);
        int code = latest.path("status").path("errorCode").asInt();
        String resource = latest.path("resourceDisplayName").asText("?");
        if (code == 0) {
            return new TenantCheck("app-sign-ins", Status.PASS, "the app's latest token request (" + latest.path("createdDateTime").asText()
                    + ", for " + resource + ") succeeded", List.of(ok.value().size() + " token requests read"),
                    Optional.of("AuditLog.Read.All"), Optional.empty());
        }
        Diagnosis d = kb.diagnose(new Evidence("signin", Optional.empty(), Optional.empty(), Optional.of(line(latest)), false,
                Vendor.MICROSOFT, values));
        return new TenantCheck("app-sign-ins", Status.FAIL, "the app's latest token request failed: " + code + " "
                + latest.path("status").path("failureReason").asText(""), List.of(), Optional.of("AuditLog.Read.All"), Optional.of(d));
    }

    /**
     * What Graph cannot read. Microsoft's Exchange Online Admin API (preview) reaches
     * OrganizationConfig, Mailbox and a few others, but neither TransportConfig nor CASMailbox,
     * where the SMTP AUTH switches and AllowLegacyTLSClients live; so: the PowerShell that reads them.
     */
    static TenantCheck exchangeSettings(Optional<String> user) {
        String mailbox = user.orElse("<mailbox>");
        return new TenantCheck("exchange-settings", Status.SKIP, "not readable through Graph: run in Exchange Online PowerShell",
                List.of("Get-TransportConfig | Format-List SmtpClientAuthenticationDisabled,AllowLegacyTLSClients",
                        "Get-CASMailbox -Identity " + mailbox + " | Format-List SmtpClientAuthenticationDisabled",
                        "Get-OrganizationConfig | Format-List RejectDirectSend",
                        "(the mailbox's value wins over the organisation's; empty means it follows the organisation)"),
                Optional.empty(), Optional.empty());
    }

    private static TenantCheck unread(String id, TenantReader.Read<?> r, String permission) {
        if (r instanceof TenantReader.Denied<?> denied) {
            String licence = denied.error().code().map(c -> c.contains("NonPremium") || c.contains("Premium")).orElse(false)
                    ? " and an Entra ID P1 or P2 licence" : "";
            return new TenantCheck(id, Status.SKIP, "skipped: needs " + permission + licence + " (" + denied.error().knowledgeLine() + ")",
                    List.of("Entra admin center > App registrations > (app) > API permissions > Microsoft Graph > Application"
                            + " permissions > " + permission + " > Grant admin consent"), Optional.of(permission), Optional.empty());
        }
        return new TenantCheck(id, Status.SKIP, "skipped: " + ((TenantReader.Failed<?>) r).reason(), List.of(),
                Optional.of(permission), Optional.empty());
    }

    private static Diagnosis withConfidence(Diagnosis d, Confidence c) {
        return new Diagnosis(d.cause(), c, d.title(), d.explanation(), d.remedies(), d.references(), d.ruleId(), d.matchedText());
    }
}
