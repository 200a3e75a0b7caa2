package org.smtpdoctor.lab;

import java.util.List;
import java.util.Set;

/**
 * What a scenario changes in the otherwise healthy endpoint. Closed set: each scenario
 * maps to exactly one fault ({@link Scenarios}); {@link SubmissionPolicy} and the verbs
 * turn it into replies.
 */
enum Fault {
    /** Healthy, and also {@code sendas-denied}: that rejection is the lab's general Send As rule, the scenario only picks a foreign sender. */
    NONE,
    /** SMTP AUTH off for the organisation: AUTH LOGIN and XOAUTH2 both fail with 5.7.139 "...for the Tenant". */
    TENANT_SMTP_AUTH_DISABLED,
    /** SMTP AUTH off for the mailbox: AUTH LOGIN and XOAUTH2 both fail with 5.7.139 "...for the Mailbox". */
    MAILBOX_SMTP_AUTH_DISABLED,
    /** Security Defaults: Basic (AUTH LOGIN) fails with 5.7.139 "...security defaults policy"; XOAUTH2 works. */
    SECURITY_DEFAULTS,
    /** Conditional Access blocks legacy auth: AUTH LOGIN fails with 5.7.139 "...did not meet the criteria"; XOAUTH2 works. */
    CONDITIONAL_ACCESS,
    /** The account's password is not the scenario's default: AUTH LOGIN fails with 5.7.139 "...credentials were incorrect". */
    WRONG_PASSWORD,
    /** Smart lockout: AUTH LOGIN fails with 5.7.139 "account locked" whatever the password; XOAUTH2 fails with 5.7.3. */
    ACCOUNT_LOCKED,
    /** Basic auth retired: AUTH LOGIN with the right password fails with 550 5.7.30; XOAUTH2 works. */
    BASIC_AUTH_RETIRED,
    /** More than three concurrent submissions: every message fails after DATA with 432 4.3.2. */
    SENDER_THREAD_LIMIT,
    /**
     * The front end cannot reach the mailbox's server for a moment: the first login the lab
     * accepts is answered 451 4.7.0 ... PRX4 instead; the ones after it work.
     */
    PROXY_BUSY_ONCE,
    /** The account has no licensed mailbox: every login the lab accepts is answered 451 4.7.0 ... PRX4 instead. */
    MAILBOX_UNLICENSED,
    /** A Cisco ASA/PIX-style ESMTP inspection between client and server masks the banner and strips STARTTLS. */
    INSPECTING_FIREWALL,
    /** The lab runs its own Entra ({@link LabOAuth}); XOAUTH2 takes its tokens, validated as Exchange Online does. Nothing is wrong. */
    OAUTH_HEALTHY,
    /** The app has no SMTP.SendAsApp application permission: Entra issues tokens without {@code roles}; XOAUTH2 fails with 535 5.7.3. */
    OAUTH_NO_SEND_AS_APP_ROLE,
    /** The tokens are for Microsoft Graph ({@code aud https://graph.microsoft.com}, role Mail.Send); XOAUTH2 fails with 535 5.7.3. */
    OAUTH_GRAPH_AUDIENCE,
    /** Entra's tokens are already expired when the client gets them; XOAUTH2 fails with 535 5.7.3. */
    OAUTH_EXPIRED_TOKEN,
    /** The tokens are right but the app's service principal has no FullAccess on the mailbox; XOAUTH2 fails with 535 5.7.3. */
    OAUTH_NO_MAILBOX_PERMISSION,
    /** The lab's Graph as it should be: the app has Mail.Send (and the rest of {@link LabOAuth#GRAPH_ROLES}), the mailbox is in its scope. */
    GRAPH_HEALTHY,
    /** The app has no Mail.Send application permission (or no admin consent): Graph answers 403 ErrorAccessDenied. */
    GRAPH_NO_MAIL_SEND,
    /** An application access policy scopes the app to other mailboxes: 403 ErrorAccessDenied "... AppOnly AccessPolicy ...". */
    GRAPH_MAILBOX_OUT_OF_SCOPE,
    /** The mailbox is over Graph's limits for a moment: the first mail requests get 429 with Retry-After, then it recovers. */
    GRAPH_THROTTLED,
    /** The relay's app as least privilege wants it: Mail.Send only; sending works (up to one request, large=refuse), tenant's reads are denied. */
    GRAPH_LEAST_PRIVILEGE,
    /**
     * RBAC for Applications: the app has no Graph permission in Entra (its token carries no roles);
     * Exchange grants it "Application Mail.Send" scoped to the lab's mailbox only.
     */
    GRAPH_RBAC_FOR_APPS;

    /** Whether the scenario is about the lab's Graph (its SMTP endpoint is then healthy). */
    boolean graph() {
        return switch (this) {
            case GRAPH_HEALTHY, GRAPH_NO_MAIL_SEND, GRAPH_MAILBOX_OUT_OF_SCOPE, GRAPH_THROTTLED, GRAPH_LEAST_PRIVILEGE,
                    GRAPH_RBAC_FOR_APPS -> true;
            default -> false;
        };
    }

    /** Whether the scenario runs the lab's Entra and accepts only its tokens for XOAUTH2. */
    boolean usesEntra() {
        return switch (this) {
            case OAUTH_HEALTHY, OAUTH_NO_SEND_AS_APP_ROLE, OAUTH_GRAPH_AUDIENCE, OAUTH_EXPIRED_TOKEN,
                    OAUTH_NO_MAILBOX_PERMISSION -> true;
            default -> false;
        };
    }

    /** What the lab's Entra puts in its tokens in this scenario (meaningful when {@link #usesEntra()}). */
    LabOAuth.Issuance issuance() {
        return switch (this) {
            case OAUTH_NO_SEND_AS_APP_ROLE -> new LabOAuth.Issuance(LabOAuth.EXCHANGE_AUDIENCE, List.of(), false);
            case OAUTH_GRAPH_AUDIENCE -> new LabOAuth.Issuance(LabOAuth.GRAPH_AUDIENCE, List.of("Mail.Send"), false);
            case OAUTH_EXPIRED_TOKEN -> new LabOAuth.Issuance(LabOAuth.EXCHANGE_AUDIENCE, List.of(LabOAuth.SEND_AS_APP), true);
            case GRAPH_NO_MAIL_SEND -> LabOAuth.Issuance.EXCHANGE.withGraphRoles(List.of("AuditLog.Read.All", "Policy.Read.All"));
            case GRAPH_LEAST_PRIVILEGE -> LabOAuth.Issuance.EXCHANGE.withGraphRoles(List.of("Mail.Send"));
            case GRAPH_RBAC_FOR_APPS -> LabOAuth.Issuance.EXCHANGE.withGraphRoles(List.of());
            default -> LabOAuth.Issuance.EXCHANGE;
        };
    }

    /**
     * Exchange's own grants to the lab app (RBAC for Applications, New-ManagementRoleAssignment -App
     * -Role "Application Mail.Send" -CustomResourceScope): the roles Exchange gives it on the lab's
     * mailbox, whatever its token says.
     */
    List<String> exchangeAppRoles() {
        return this == GRAPH_RBAC_FOR_APPS ? List.of("Mail.Send") : List.of();
    }

    /** Service principals with FullAccess on the lab's mailbox: the lab app's, except in {@link #OAUTH_NO_MAILBOX_PERMISSION}. */
    Set<String> mailboxFullAccess() {
        return this == OAUTH_NO_MAILBOX_PERMISSION ? Set.of() : Set.of(LabOAuth.SERVICE_PRINCIPAL_ID);
    }
}
