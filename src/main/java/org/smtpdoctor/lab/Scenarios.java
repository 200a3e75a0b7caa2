package org.smtpdoctor.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The lab's scenarios: the names, the cause each one must be diagnosed as, and the
 * Microsoft reply it produces. Names and cause ids are a public interface.
 * <p>
 * Every scenario shares one demo account: mailbox {@value #MAILBOX} with password
 * {@value #PASSWORD}, recipient {@value #RECIPIENT}. A client following a scenario's
 * defaults (EHLO, STARTTLS, EHLO, AUTH LOGIN, MAIL, RCPT, DATA) meets the failure at the
 * command named in {@link Definition#failingCommand()}; in the {@code oauth-*} scenarios
 * the client authenticates with AUTH XOAUTH2 and a token from {@link LabServer#oauth()}
 * instead (AUTH LOGIN works there as in {@code healthy}).
 * <p>
 * Stateless and thread-safe.
 */
public final class Scenarios {

    /** The demo account every scenario authenticates as. */
    static final String MAILBOX = "scanner@contoso.com";
    /** The demo account's password (a demo value; every scenario but wrong-password uses it). */
    static final String PASSWORD = "Lab-Passw0rd!";
    /** What a user mistyped in the wrong-password scenario. */
    static final String MISTYPED_PASSWORD = "Lab-Password1";
    /** A sender the demo mailbox has no Send As right on. */
    static final String FOREIGN_SENDER = "finance@contoso.com";
    static final String RECIPIENT = "reports@fabrikam.com";

    /** Microsoft's "Authenticate an IMAP, POP or SMTP connection using OAuth" (MicrosoftDocs/office-developer-exchange-docs). */
    private static final String OAUTH_DOC = "https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/"
            + "how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth";

    /**
     * A scenario with the fault that implements it and, for tests and documentation,
     * where a default client run fails.
     *
     * @param failingCommand the command whose reply is the failure: AUTH, DATA (reply to
     *        the final "."), STARTTLS; {@code null} for healthy
     * @param failureReply the start of that reply (before any trace)
     */
    record Definition(Scenario scenario, Fault fault, String failingCommand, String failureReply) {
    }

    private static final Map<String, Definition> DEFINITIONS = definitions();

    private Scenarios() {
    }

    /** All scenarios, healthy first, in a stable order. */
    public static List<Scenario> all() {
        return DEFINITIONS.values().stream().map(Definition::scenario).toList();
    }

    /** The scenario of that exact name (names are lower case with dashes). */
    public static Optional<Scenario> byName(String name) {
        return Optional.ofNullable(DEFINITIONS.get(name)).map(Definition::scenario);
    }

    /** The definition of a scenario name, or an exception naming the known ones. */
    static Definition definition(String name) {
        Definition definition = DEFINITIONS.get(Objects.requireNonNull(name, "name"));
        if (definition == null) {
            throw new IllegalArgumentException("unknown lab scenario '" + name + "'; known: " + DEFINITIONS.keySet());
        }
        return definition;
    }

    static List<Definition> allDefinitions() {
        return List.copyOf(DEFINITIONS.values());
    }

    private static Map<String, Definition> definitions() {
        Map<String, Definition> map = new LinkedHashMap<>();
        add(map, scenario("healthy",
                        "A healthy endpoint: STARTTLS (TLS 1.2/1.3), AUTH LOGIN or XOAUTH2, message accepted.",
                        null, PASSWORD, MAILBOX,
                        // EHLO list: datawookie/emayili#147; acceptance: Youans/nodejs-nodemailer-outlook#8
                        "https://github.com/datawookie/emayili/issues/147"),
                Fault.NONE, null, null);
        add(map, scenario("tenant-smtp-auth-disabled",
                        "SMTP AUTH is disabled for the whole organisation; AUTH fails with 535 5.7.139 '...for the Tenant'.",
                        "tenant_smtp_auth_disabled", PASSWORD, MAILBOX,
                        "simonrob/email-oauth2-proxy#193"),
                Fault.TENANT_SMTP_AUTH_DISABLED, "AUTH", M365Replies.AUTH_TENANT_DISABLED);
        add(map, scenario("mailbox-smtp-auth-disabled",
                        "Authenticated SMTP is off for this mailbox; AUTH fails with 535 5.7.139 '...for the Mailbox'.",
                        "mailbox_smtp_auth_disabled", PASSWORD, MAILBOX,
                        // phrase quoted by the PatchMyPC KB (M365-FACTS.md); full text modelled on the tenant variant
                        "https://patchmypc.com/troubleshooting-smtp-email-sending"),
                Fault.MAILBOX_SMTP_AUTH_DISABLED, "AUTH", M365Replies.AUTH_MAILBOX_DISABLED);
        add(map, scenario("security-defaults",
                        "Entra Security Defaults block Basic auth; AUTH LOGIN fails with 535 5.7.139 '...security defaults policy'.",
                        "security_defaults_block", PASSWORD, MAILBOX,
                        "https://patchmypc.com/troubleshooting-smtp-email-sending"),
                Fault.SECURITY_DEFAULTS, "AUTH", M365Replies.AUTH_SECURITY_DEFAULTS);
        add(map, scenario("conditional-access",
                        "A Conditional Access policy blocks the legacy sign-in; AUTH LOGIN fails with 535 5.7.139"
                                + " '...did not meet the criteria to be authenticated successfully', which does not name"
                                + " the policy: the sign-in log decides (check --lab conditional-access --tenant-diagnostics).",
                        "conditional_access_block", PASSWORD, MAILBOX,
                        // meaning disputed (MFA vs Conditional Access), see M365-FACTS.md
                        "nodemailer/nodemailer#1617"),
                Fault.CONDITIONAL_ACCESS, "AUTH", M365Replies.AUTH_CRITERIA_NOT_MET);
        add(map, scenario("wrong-password",
                        "The password is wrong; AUTH LOGIN fails with 535 5.7.139 '...the user credentials were incorrect'.",
                        "wrong_credentials", MISTYPED_PASSWORD, MAILBOX,
                        "codassassin/email-bomber-v2.0#1"),
                Fault.WRONG_PASSWORD, "AUTH", M365Replies.AUTH_CREDENTIALS_INCORRECT);
        add(map, scenario("account-locked",
                        "The account is locked (smart lockout); AUTH LOGIN fails with 535 5.7.139 'account locked'.",
                        "account_locked_or_disabled", PASSWORD, MAILBOX,
                        // user's rendering in the issue; exact text from public code only (UNVERIFIED)
                        "gophish/gophish#2910"),
                Fault.ACCOUNT_LOCKED, "AUTH", M365Replies.AUTH_ACCOUNT_LOCKED);
        add(map, scenario("basic-auth-retired",
                        "Basic auth for SMTP AUTH is retired; AUTH LOGIN fails with 550 5.7.30, XOAUTH2 still works.",
                        "basic_auth_retired", PASSWORD, MAILBOX,
                        "https://techcommunity.microsoft.com/t5/exchange-team-blog/exchange-online-to-retire-basic-auth-for-client-submission-smtp/ba-p/4114750"),
                Fault.BASIC_AUTH_RETIRED, "AUTH", M365Replies.AUTH_BASIC_NOT_SUPPORTED);
        add(map, scenario("sendas-denied",
                        "The mailbox may not send as the From/MAIL FROM address; the message is refused after DATA"
                                + " with 554 5.2.252 SendAsDenied.",
                        "sender_not_authorized_sendas", PASSWORD, FOREIGN_SENDER,
                        // placement after DATA: PHPMailer/PHPMailer#1231 ("DATA END command failed: 550 5.7.60")
                        "gophish/gophish#2900"),
                Fault.NONE, "DATA", "554 5.2.252 SendAsDenied; " + MAILBOX + " not allowed to send as " + FOREIGN_SENDER);
        add(map, scenario("throttled",
                        "Too many concurrent submissions for the mailbox; the message is refused after DATA with"
                                + " 432 4.3.2 'sender thread limit exceeded' (transient).",
                        "throttling_rate_limit", PASSWORD, MAILBOX,
                        // Microsoft: SupportArticles-docs smtp-submission-improvements.md; placement after DATA:
                        "timeoff-management/timeoff-management-application#308"),
                Fault.SENDER_THREAD_LIMIT, "DATA", "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded");
        // Exchange Online's front end proxies each login to the mailbox's server; when it cannot, AUTH
        // gets 451 4.7.0 ... PRX4. Whether that passes or lasts is what check's second connection decides.
        add(map, scenario("auth-server-busy",
                        "Exchange Online's front end cannot reach the mailbox's server for a moment: the first login"
                                + " gets 451 4.7.0 Temporary server error ... PRX4, a login a few seconds later works.",
                        "service_unavailable_transient", PASSWORD, MAILBOX,
                        "harishkrupo/oauth2ms#5"),
                Fault.PROXY_BUSY_ONCE, "AUTH", M365Replies.AUTH_PROXY_FAILED);
        add(map, scenario("mailbox-unlicensed",
                        "The account has no licensed Exchange Online mailbox: every login gets 451 4.7.0 Temporary"
                                + " server error ... PRX4, however long the client waits.",
                        "mailbox_not_licensed", PASSWORD, MAILBOX,
                        // PRX4 lasting for months for some accounts; the licence reading is UNVERIFIED (M365Replies)
                        "jstedfast/MailKit#566"),
                Fault.MAILBOX_UNLICENSED, "AUTH", M365Replies.AUTH_PROXY_FAILED);
        add(map, scenario("starttls-stripped",
                        "A firewall's SMTP inspection masks the banner with asterisks and replaces STARTTLS with"
                                + " XXXXXXXA, so TLS cannot start and AUTH is never offered.",
                        "smtp_inspection_interference", PASSWORD, MAILBOX,
                        // Cisco ASA ESMTP defaults (mask-banner, no allow-tls); PIX banner masking: AppRiver KB a238
                        "https://support.appriver.com/kb/a238/cisco-pix-asa-mailguard.aspx"),
                Fault.INSPECTING_FIREWALL, "STARTTLS", M365Replies.unrecognized(InspectingFirewall.MASKED_STARTTLS_COMMAND));
        // The oauth-* scenarios run the lab's Entra (LabOAuth): a client gets a token there by client
        // credentials and sends it with AUTH XOAUTH2, which accepts only that server's tokens.
        // Rules and replies: Microsoft's OAuth doc for IMAP/POP/SMTP (OAUTH_DOC); every refusal is 535 5.7.3.
        add(map, scenario("oauth-healthy",
                        "App-only OAuth done right: a client-credentials token from the lab's Entra (SMTP.SendAsApp,"
                                + " audience Exchange Online, FullAccess on the mailbox); XOAUTH2 and the message are accepted.",
                        null, PASSWORD, MAILBOX, OAUTH_DOC),
                Fault.OAUTH_HEALTHY, null, null);
        add(map, scenario("oauth-missing-permission",
                        "The app has no SMTP.SendAsApp application permission (or no admin consent), so its token"
                                + " carries no roles; XOAUTH2 fails with 535 5.7.3 Authentication unsuccessful.",
                        "oauth_scope_or_permission", PASSWORD, MAILBOX, OAUTH_DOC),
                Fault.OAUTH_NO_SEND_AS_APP_ROLE, "AUTH", M365Replies.AUTH_UNSUCCESSFUL);
        add(map, scenario("oauth-wrong-audience",
                        "The token is for Microsoft Graph (aud https://graph.microsoft.com), not Exchange Online;"
                                + " XOAUTH2 fails with 535 5.7.3 Authentication unsuccessful.",
                        "oauth_token_invalid", PASSWORD, MAILBOX, OAUTH_DOC),
                Fault.OAUTH_GRAPH_AUDIENCE, "AUTH", M365Replies.AUTH_UNSUCCESSFUL);
        add(map, scenario("oauth-expired-token",
                        "The token expired an hour ago (the lab's Entra hands out stale tokens, as a broken token"
                                + " cache does); XOAUTH2 fails with 535 5.7.3 Authentication unsuccessful.",
                        "oauth_token_invalid", PASSWORD, MAILBOX, OAUTH_DOC),
                Fault.OAUTH_EXPIRED_TOKEN, "AUTH", M365Replies.AUTH_UNSUCCESSFUL);
        add(map, scenario("oauth-no-mailbox-permission",
                        "The token is valid but the app's service principal has no FullAccess on the mailbox"
                                + " (Add-MailboxPermission missing); XOAUTH2 fails with 535 5.7.3 Authentication unsuccessful.",
                        "oauth_scope_or_permission", PASSWORD, MAILBOX,
                        // steps New-ServicePrincipal / Add-MailboxPermission: OAUTH_DOC; in practice: jstedfast/MailKit#1126
                        "jstedfast/MailKit#1126"),
                Fault.OAUTH_NO_MAILBOX_PERMISSION, "AUTH", M365Replies.AUTH_UNSUCCESSFUL);
        // The graph-* scenarios are about the lab's Microsoft Graph (LabGraph), for a relay's
        // m365-graph:// upstream (relay --check-config names the cause); their SMTP endpoint is healthy.
        add(map, scenario("graph-healthy",
                        "Microsoft Graph done right: the app has Mail.Send, the mailbox is in its scope; sendMail"
                                + " and upload sessions are accepted (202).",
                        null, PASSWORD, MAILBOX, GRAPH_SENDMAIL_DOC),
                Fault.GRAPH_HEALTHY, null, null);
        add(map, scenario("graph-no-mail-send",
                        "The app has no Mail.Send application permission (or no admin consent); Graph answers 403"
                                + " ErrorAccessDenied 'Access is denied. Check credentials and try again.'",
                        "oauth_scope_or_permission", PASSWORD, MAILBOX, GRAPH_SENDMAIL_DOC),
                Fault.GRAPH_NO_MAIL_SEND, null, null);
        add(map, scenario("graph-mailbox-out-of-scope",
                        "An application access policy limits the app to other mailboxes; Graph answers 403"
                                + " ErrorAccessDenied '... Blocked by tenant configured AppOnly AccessPolicy settings.'",
                        "oauth_scope_or_permission", PASSWORD, MAILBOX,
                        "https://learn.microsoft.com/graph/auth-limit-mailbox-access"),
                Fault.GRAPH_MAILBOX_OUT_OF_SCOPE, null, null);
        add(map, scenario("graph-throttled",
                        "The mailbox is over Graph's limits for a moment: the first mail requests get 429"
                                + " ApplicationThrottled with Retry-After, later ones are accepted.",
                        "throttling_rate_limit", PASSWORD, MAILBOX,
                        "https://learn.microsoft.com/graph/throttling"),
                Fault.GRAPH_THROTTLED, null, null);
        add(map, scenario("graph-least-privilege",
                        "The relay's app with Mail.Send only (least privilege): sendMail works, messages over one 4 MB"
                                + " request need large=refuse, and tenant's reads are skipped for lack of permission.",
                        null, PASSWORD, MAILBOX, GRAPH_SENDMAIL_DOC),
                Fault.GRAPH_LEAST_PRIVILEGE, null, null);
        add(map, scenario("graph-rbac-for-apps",
                        "RBAC for Applications: no Graph permission in Entra (the token carries no roles), Exchange grants"
                                + " 'Application Mail.Send' on the lab's mailbox only; sendMail works, nothing else does.",
                        null, PASSWORD, MAILBOX, "https://learn.microsoft.com/exchange/permissions-exo/application-rbac"),
                Fault.GRAPH_RBAC_FOR_APPS, null, null);
        return map;
    }

    /** "user: sendMail" (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/user-sendmail.md). */
    private static final String GRAPH_SENDMAIL_DOC = "https://learn.microsoft.com/graph/api/user-sendmail";

    private static Scenario scenario(String name, String summary, String cause, String password, String sender,
            String source) {
        return new Scenario(name, summary, cause, MAILBOX, password, sender, RECIPIENT, source);
    }

    private static void add(Map<String, Definition> map, Scenario scenario, Fault fault, String command, String reply) {
        map.put(scenario.name(), new Definition(scenario, fault, command, reply));
    }
}
