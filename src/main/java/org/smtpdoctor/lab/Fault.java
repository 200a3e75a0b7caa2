package org.smtpdoctor.lab;

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
    /** A Cisco ASA/PIX-style ESMTP inspection between client and server masks the banner and strips STARTTLS. */
    INSPECTING_FIREWALL
}
