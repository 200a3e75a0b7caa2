package org.smtpdoctor.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The lab tenant's directory as Microsoft Graph shows it: Security Defaults on or off, the
 * Conditional Access policies, and the sign-in log. The log starts with what the scenario's
 * device did a few minutes before the lab started, and every AUTH LOGIN against the lab's
 * SMTP endpoint adds an entry as Entra would record it (client app "Authenticated SMTP"), so
 * the SMTP failure and the sign-in log tell one story:
 * <pre>
 *   wrong-password              50126 (Error validating credentials due to invalid username or password.)
 *   account-locked              50053 (smart lockout)
 *   security-defaults           530035 (BlockedBySecurityDefaults: legacy auth)
 *   conditional-access          53003 (BlockedByConditionalAccess), policy "Block legacy authentication" failed
 *   tenant-/mailbox-smtp-auth-disabled, basic-auth-retired, healthy, sendas-denied, throttled:
 *                               0 (success): Entra accepted the password; whatever refused it was Exchange's own
 *   starttls-stripped           nothing: AUTH was never reached
 * </pre>
 * (The lab's SMTP side checks the password before the tenant's switches, so Entra's success
 * comes first there too.) Codes: "Microsoft Entra authentication and authorization error codes";
 * fields: Graph's signIn resource. Thread-safe.
 */
final class LabDirectory {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Exchange Online's application, the resource of a legacy (Basic) SMTP sign-in. */
    static final String EXCHANGE_APP = "00000002-0000-0ff1-ce00-000000000000";
    static final String LEGACY_POLICY_ID = "7b6f3b35-1f6a-4b3e-9d3e-00000000b10c";
    static final String REPORT_ONLY_POLICY_ID = "7b6f3b35-1f6a-4b3e-9d3e-0000000000e0";
    static final String ADMIN_MFA_POLICY_ID = "7b6f3b35-1f6a-4b3e-9d3e-0000000000ad";
    static final String USER_ID = "5c4d0b1e-0000-4d0c-9587-0000000005e7";

    private volatile Scenario scenario;
    private volatile Fault fault;
    private final Clock clock;
    private final List<ObjectNode> signIns = new ArrayList<>();
    private final List<ObjectNode> appSignIns = new ArrayList<>();

    LabDirectory(Scenario scenario, Fault fault, Clock clock) {
        this.scenario = scenario;
        this.fault = fault;
        this.clock = clock;
        seed();
    }

    /** The lab switched scenario (LabServer.switchTo): a new tenant story, its log started anew. */
    synchronized void switchTo(Scenario next, Fault nextFault) {
        if (next.name().equals(scenario.name())) {
            return;
        }
        scenario = next;
        fault = nextFault;
        signIns.clear();
        appSignIns.clear();
        seed();
    }

    Scenario scenario() {
        return scenario;
    }

    Fault fault() {
        return fault;
    }

    private void seed() {
        Instant before = clock.instant().minus(Duration.ofMinutes(12)).truncatedTo(ChronoUnit.SECONDS);
        if (fault != Fault.INSPECTING_FIREWALL && !fault.usesEntra() && !fault.graph()) {
            signIns.add(signIn(before, basicCode(), "192.0.2.25"));
        }
        if (fault.usesEntra() || fault.graph()) {
            appSignIns.add(appSignIn(before, fault.graph() ? "Microsoft Graph" : "Office 365 Exchange Online"));
        }
    }

    /** Security Defaults: on in the security-defaults scenario only. */
    boolean securityDefaults() {
        return fault == Fault.SECURITY_DEFAULTS;
    }

    /** What Entra decides for a Basic sign-in in this scenario with the right password (0: success). */
    private int basicCode() {
        return switch (fault) {
            case WRONG_PASSWORD -> 50126;
            case ACCOUNT_LOCKED -> 50053;
            case SECURITY_DEFAULTS -> 530035;
            case CONDITIONAL_ACCESS -> 53003;
            default -> 0;
        };
    }

    /** Records an AUTH LOGIN the lab's SMTP endpoint answered with this reply. */
    synchronized void recordBasic(String user, String reply, String ip) {
        int code = reply == null ? 0
                : reply.equals(M365Replies.AUTH_CREDENTIALS_INCORRECT) ? 50126
                : reply.equals(M365Replies.AUTH_ACCOUNT_LOCKED) ? 50053
                : reply.equals(M365Replies.AUTH_SECURITY_DEFAULTS) ? 530035
                : reply.equals(M365Replies.AUTH_CRITERIA_NOT_MET) ? 53003
                : 0; // the SMTP AUTH switches and the retirement refuse after Entra accepted the password
        ObjectNode entry = signIn(clock.instant().truncatedTo(ChronoUnit.SECONDS), code, ip);
        entry.put("userPrincipalName", user);
        signIns.add(0, entry);
    }

    /** The user sign-ins, newest first. */
    synchronized List<ObjectNode> signIns() {
        return List.copyOf(signIns);
    }

    /** The service principal sign-ins (beta), newest first. */
    synchronized List<ObjectNode> appSignIns() {
        return List.copyOf(appSignIns);
    }

    /** The Conditional Access policies, as {@code GET /identity/conditionalAccess/policies} lists them. */
    ArrayNode conditionalAccessPolicies() {
        ArrayNode out = JSON.createArrayNode();
        if (fault == Fault.SECURITY_DEFAULTS) {
            return out; // Security Defaults and Conditional Access policies exclude each other
        }
        out.add(policy(ADMIN_MFA_POLICY_ID, "Require MFA for administrators", "enabled",
                List.of("browser", "mobileAppsAndDesktopClients"), List.of(), List.of("62e90394-69f5-4237-9190-012177145e10"),
                List.of("All"), List.of("mfa")));
        if (fault == Fault.CONDITIONAL_ACCESS) {
            out.add(policy(LEGACY_POLICY_ID, "Block legacy authentication", "enabled", List.of("exchangeActiveSync", "other"),
                    List.of("All"), List.of(), List.of("All"), List.of("block")));
        } else {
            out.add(policy(REPORT_ONLY_POLICY_ID, "Block legacy authentication (report-only)", "enabledForReportingButNotEnforced",
                    List.of("exchangeActiveSync", "other"), List.of("All"), List.of(), List.of("All"), List.of("block")));
        }
        return out;
    }

    private static ObjectNode policy(String id, String name, String state, List<String> clientApps, List<String> users,
                                     List<String> roles, List<String> apps, List<String> grant) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", id);
        p.put("displayName", name);
        p.put("state", state);
        ObjectNode conditions = p.putObject("conditions");
        conditions.putPOJO("clientAppTypes", clientApps);
        ObjectNode applications = conditions.putObject("applications");
        applications.putPOJO("includeApplications", apps);
        applications.putArray("excludeApplications");
        ObjectNode u = conditions.putObject("users");
        u.putPOJO("includeUsers", users);
        u.putArray("excludeUsers").add("b7e1a5a0-0000-4d0c-9587-0000000b1a55");
        u.putArray("includeGroups");
        u.putArray("excludeGroups");
        u.putPOJO("includeRoles", roles);
        u.putArray("excludeRoles");
        conditions.putNull("locations");
        conditions.putNull("platforms");
        ObjectNode g = p.putObject("grantControls");
        g.put("operator", "OR");
        g.putPOJO("builtInControls", grant);
        return p;
    }

    private ObjectNode signIn(Instant at, int code, String ip) {
        ObjectNode s = JSON.createObjectNode();
        s.put("id", UUID.randomUUID().toString());
        s.put("createdDateTime", at.toString());
        s.put("userDisplayName", "Scanner");
        s.put("userPrincipalName", scenario.mailbox());
        s.put("userId", USER_ID);
        s.put("appId", EXCHANGE_APP);
        s.put("appDisplayName", "Office 365 Exchange Online");
        s.put("ipAddress", ip);
        s.put("clientAppUsed", "Authenticated SMTP");
        s.put("correlationId", UUID.randomUUID().toString());
        s.put("isInteractive", true);
        s.put("resourceDisplayName", "Office 365 Exchange Online");
        s.put("resourceId", EXCHANGE_APP);
        ObjectNode status = s.putObject("status");
        status.put("errorCode", code);
        status.put("failureReason", failureReason(code));
        status.putNull("additionalDetails");
        ArrayNode applied = s.putArray("appliedConditionalAccessPolicies");
        if (fault == Fault.CONDITIONAL_ACCESS) {
            ObjectNode a = applied.addObject();
            a.put("id", LEGACY_POLICY_ID);
            a.put("displayName", "Block legacy authentication");
            a.put("result", code == 53003 ? "failure" : "notApplied");
            a.putArray("enforcedGrantControls").add("Block");
            s.put("conditionalAccessStatus", code == 53003 ? "failure" : "notApplied");
        } else {
            ObjectNode a = applied.addObject();
            a.put("id", REPORT_ONLY_POLICY_ID);
            a.put("displayName", "Block legacy authentication (report-only)");
            a.put("result", fault == Fault.SECURITY_DEFAULTS ? "notApplied" : "reportOnlyFailure");
            a.putArray("enforcedGrantControls").add("Block");
            s.put("conditionalAccessStatus", "notApplied");
        }
        return s;
    }

    private ObjectNode appSignIn(Instant at, String resource) {
        ObjectNode s = JSON.createObjectNode();
        s.put("id", UUID.randomUUID().toString());
        s.put("createdDateTime", at.toString());
        s.put("appId", LabOAuth.CLIENT_ID);
        s.put("appDisplayName", "smtp-doctor lab");
        s.put("servicePrincipalId", LabOAuth.SERVICE_PRINCIPAL_ID);
        s.put("servicePrincipalName", "smtp-doctor lab");
        s.put("ipAddress", "127.0.0.1");
        s.put("clientAppUsed", "");
        s.put("resourceDisplayName", resource);
        s.putArray("signInEventTypes").add("servicePrincipal");
        ObjectNode status = s.putObject("status");
        status.put("errorCode", 0);
        status.putNull("failureReason");
        return s;
    }

    /** Entra's failure reasons for the codes the lab produces (the error code reference's wording). */
    static String failureReason(int code) {
        return switch (code) {
            case 0 -> null;
            case 50126 -> "Error validating credentials due to invalid username or password.";
            case 50053 -> "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.";
            case 530035 -> "Access has been blocked by security defaults. This is due to the request using legacy auth or being"
                    + " deemed unsafe by security defaults policies.";
            case 53003 -> "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.";
            default -> "Other";
        };
    }
}
