package org.smtpdoctor.lab;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Every reply text the lab sends, in one place, each beside the public source it was
 * taken from. Texts are what Exchange Online (smtp.office365.com:587) sends, as seen in
 * recorded transcripts and Microsoft documentation; where no source was found the
 * comment says "lab choice" and the text follows Exchange's style and RFC 5321.
 * <p>
 * Exchange Online appends a trace to most negative replies:
 * {@code [<frontend FQDN> <UTC time with ms> <16 hex digit session id>]}, for example
 * {@code 535 5.7.3 Authentication unsuccessful [AM0PR06CA0126.eurprd06.prod.outlook.com
 * 2024-02-14T14:50:26.590Z 08DC2D372B4C3DED]} (jstedfast/MailKit#1712). Older replies
 * (before 2023) carry only {@code [<frontend FQDN>]}. Replies produced by the store
 * driver after DATA (STOREDRV) carry {@code [Hostname=<mailbox server>]} instead. The
 * constants below are the texts without any trace; {@link #traced} and the
 * {@code HOSTNAME} suffix add them.
 * <p>
 * Host names are invented but shaped like Microsoft's (frontend {@code XXnPnnnCAnnnn},
 * mailbox server {@code XXnPRnnMBnnnn}); they identify no real machine.
 * <p>
 * Stateless; the constants are immutable.
 */
public final class M365Replies {

    private M365Replies() {
    }

    // ---------------------------------------------------------------- host names

    /** Frontend host as named in the banner and EHLO ({@code <HOST>.outlook.office365.com}). */
    public static final String BANNER_HOST = "DB8P191CA0042.outlook.office365.com";

    /** The same frontend as named in error traces ({@code [HOST.REGION.PROD.OUTLOOK.COM ...]}). */
    public static final String TRACE_HOST = "DB8P191CA0042.EURP191.PROD.OUTLOOK.COM";

    /** Mailbox server named by STOREDRV replies ({@code [Hostname=...]}). */
    public static final String MAILBOX_SERVER = "DB9PR10MB7151.EURPRD10.PROD.OUTLOOK.COM";

    /** Suffix of replies produced by the store driver at the end of DATA. */
    static final String HOSTNAME = " [Hostname=" + MAILBOX_SERVER + "]";

    // ---------------------------------------------------------------- greeting and EHLO

    /**
     * The banner is {@code "220 " + hostName + " ESMTP " + softwareName} in SubEthaSMTP, so
     * the lab's host name carries " Microsoft" and its software name the rest. Real
     * banner: {@code 220 BL1P221CA0016.outlook.office365.com Microsoft ESMTP MAIL Service
     * ready at Fri, 4 Nov 2022 10:07:41 +0000} (simonrob/email-oauth2-proxy#93). Since
     * 2024 Microsoft appends a session id ({@code ... +0000 [08DCE8B62813AB2B]},
     * simonrob/email-oauth2-proxy#297); the lab leaves it out because its banner is fixed
     * per server, not per connection.
     */
    static final String BANNER_HOST_NAME = BANNER_HOST + " Microsoft";

    /** Software-name half of the banner; the date is the server's start time. */
    static String bannerSoftwareName(Instant startedAt) {
        return "MAIL Service ready at " + BANNER_DATE.format(ZonedDateTime.ofInstant(startedAt, ZoneOffset.UTC));
    }

    /** {@code Fri, 4 Nov 2022 10:07:41 +0000}: RFC 1123 with a numeric zone and no day padding. */
    static final DateTimeFormatter BANNER_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    /** First EHLO line: {@code 250-BL1P221CA0016.outlook.office365.com Hello [45.144.113.21]} (email-oauth2-proxy#93). */
    static String ehloGreeting(String clientIp) {
        return BANNER_HOST + " Hello [" + clientIp + "]";
    }

    /**
     * EHLO keywords before STARTTLS, in Microsoft's order: SIZE 157286400, PIPELINING,
     * DSN, ENHANCEDSTATUSCODES, STARTTLS, 8BITMIME, BINARYMIME, CHUNKING, SMTPUTF8; no AUTH.
     * Source: full transcript of smtp.office365.com:587 in datawookie/emayili#147 (2023),
     * same list in PHPMailer/PHPMailer#2194 (2020).
     */
    public static final List<String> EHLO_KEYWORDS_PLAIN = List.of(
            "SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS",
            "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8");

    /**
     * EHLO keywords after STARTTLS: STARTTLS gone, {@code AUTH LOGIN XOAUTH2} in its place
     * (no PLAIN). Source: transcript in jstedfast/MailKit#1770 (per M365-FACTS.md); the
     * position of AUTH between ENHANCEDSTATUSCODES and 8BITMIME is from the post-TLS
     * transcript in PHPMailer/PHPMailer#992 (then {@code AUTH LOGIN} only, 2017).
     */
    public static final List<String> EHLO_KEYWORDS_TLS = List.of(
            "SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2",
            "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8");

    /** Advertised SIZE, in bytes (150 MiB). */
    static final long ADVERTISED_SIZE = 157_286_400L;

    /** EHLO/HELO without a domain. Source: Microsoft "Test SMTP with Telnet" (MicrosoftDocs/SupportArticles-docs, test-smtp-with-telnet.md). */
    public static final String INVALID_DOMAIN = "501 5.5.4 Invalid domain name";

    /**
     * A command before EHLO/HELO (also the first command after STARTTLS). Source:
     * benmerckx/smtpmailer#23 ({@code 503 5.5.2 Send hello first [PR0P264CA0090.FRAP264.PROD.OUTLOOK.COM]}),
     * FiloSottile/Heartbleed#62 (STARTTLS before EHLO on smtp.office365.com:587).
     */
    public static final String SEND_HELLO_FIRST = "503 5.5.2 Send hello first";

    /**
     * Unknown or unadvertised verb. Source: {@code 500 5.3.3 Unrecognized command} in Microsoft
     * "Test SMTP with Telnet"; with the verb quoted and a trace in simonrob/email-oauth2-proxy#372
     * ({@code 500 5.3.3 Unrecognized command 'Length: 2' [BE1P281CA0...]}).
     */
    static String unrecognized(String verb) {
        return "500 5.3.3 Unrecognized command '" + verb + "'";
    }

    /** Malformed arguments to a known verb. Lab choice (Exchange style; RFC 5321 §4.2.2 501). */
    public static final String INVALID_ARGUMENTS = "501 5.5.4 Invalid arguments";

    // ---------------------------------------------------------------- STARTTLS

    /** Go-ahead for TLS. Source: datawookie/emayili#147, tarickb/sasl-xoauth2#97 ({@code 220 2.0.0 SMTP server ready}). */
    public static final String STARTTLS_READY = "220 2.0.0 SMTP server ready";

    /**
     * After a TLS 1.0/1.1 handshake on the default SMTP AUTH endpoint. Source: Exchange Team blog
     * "New opt-in endpoint available for SMTP AUTH clients still needing legacy TLS" (…/2659652),
     * quoted in M365-FACTS.md (b).
     */
    public static final String TLS_LEGACY_NOT_SUPPORTED = "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update "
            + "your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls";

    // ---------------------------------------------------------------- AUTH

    /**
     * A SASL mechanism that is not offered now: PLAIN (never offered), anything before
     * STARTTLS (no AUTH is offered then), CRAM-MD5, NTLM... Source for PLAIN after TLS:
     * Microsoft engineer in mattermost/mattermost#954, nodemailer/nodemailer#1060,
     * mikel/mail#1357 ({@code 504 5.7.4 Unrecognized authentication type [YQXPR0101CA0010.CANPRD01.PROD.OUTLOOK.COM]}).
     * Before STARTTLS: UNVERIFIED, inferred from the same rule (Exchange answers 504 5.7.4
     * to any mechanism it does not currently advertise, and it advertises none before TLS).
     */
    public static final String AUTH_MECHANISM_UNRECOGNIZED = "504 5.7.4 Unrecognized authentication type";

    /** AUTH LOGIN challenge, base64 "Username:". Source: nodemailer/nodemailer#1484, PHPMailer/PHPMailer#313. */
    public static final String AUTH_LOGIN_USERNAME = "334 VXNlcm5hbWU6";

    /** AUTH LOGIN challenge, base64 "Password:". Source: nodemailer/nodemailer#1484 ({@code S: 334 UGFzc3dvcmQ6}). */
    public static final String AUTH_LOGIN_PASSWORD = "334 UGFzc3dvcmQ6";

    /**
     * Empty challenge after {@code AUTH XOAUTH2} without an initial response. Microsoft's
     * OAuth doc shows {@code S: 334}; RFC 4954 §4 requires {@code "334" SP}, which the lab sends.
     */
    public static final String AUTH_EMPTY_CHALLENGE = "334 ";

    /**
     * Success for LOGIN and XOAUTH2. Source: MicrosoftDocs/office-developer-exchange-docs,
     * how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth.md ("SMTP Protocol Exchange").
     */
    public static final String AUTH_SUCCESSFUL = "235 2.7.0 Authentication successful";

    /**
     * The catch-all failure, and the XOAUTH2 failure. Source: same Microsoft OAuth doc
     * ({@code 535 5.7.3 Authentication unsuccessful [SN2PR00CA0018.namprd00.prod.outlook.com]}),
     * jstedfast/MailKit#1712 (with the 2024 trace). The lab sends it for every refused token
     * (bad signature, expired, wrong issuer or audience, no SMTP.SendAsApp / SMTP.Send, no
     * mailbox permission): Exchange tells these apart only in its own logs (M365-FACTS.md:
     * "a catch-all used for both Basic and XOAUTH2 failures").
     */
    public static final String AUTH_UNSUCCESSFUL = "535 5.7.3 Authentication unsuccessful";

    /**
     * SMTP AUTH off organisation-wide ({@code Set-TransportConfig -SmtpClientAuthenticationDisabled $true}).
     * Source: simonrob/email-oauth2-proxy#193 (2023, with trace), nodemailer/nodemailer#1484 (2022).
     * It gates XOAUTH2 too: jstedfast/MailKit#700 (comment of 2023-04-28, OAuth login refused with this text).
     */
    public static final String AUTH_TENANT_DISABLED = "535 5.7.139 Authentication unsuccessful, "
            + "SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.";

    /**
     * SMTP AUTH off for this mailbox ({@code Set-CASMailbox -SmtpClientAuthenticationDisabled $true}).
     * Source: the phrase "SmtpClientAuthentication is disabled for the Mailbox" after
     * "535 5.7.139 Authentication unsuccessful," is quoted in the PatchMyPC KB (per
     * M365-FACTS.md) and in several public projects' error tables. The trailing "Visit
     * https://aka.ms/smtp_auth_disabled ..." sentence is UNVERIFIED for the mailbox
     * variant: copied from the tenant variant.
     */
    public static final String AUTH_MAILBOX_DISABLED = "535 5.7.139 Authentication unsuccessful, "
            + "SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.";

    /**
     * Security Defaults block legacy (Basic) authentication. Source: PatchMyPC KB
     * "troubleshooting-smtp-email-sending" (quoted with .NET's wrapper: "5.7.57 Client not
     * authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful, user is
     * locked by your organization's security defaults policy. Contact your administrator.").
     */
    public static final String AUTH_SECURITY_DEFAULTS = "535 5.7.139 Authentication unsuccessful, "
            + "user is locked by your organization's security defaults policy. Contact your administrator.";

    /**
     * "The request did not meet the criteria": the lab uses it for a Conditional Access
     * block of legacy authentication. Sources: nodemailer/nodemailer#1617 (2024, same text
     * with trace), gophish/gophish#3220 (2024, Portuguese rendering). Meaning: sources
     * disagree (M365-FACTS.md): Dynamics 365 docs say MFA; a production case that failed
     * only from an AWS IP points to a location-based Conditional Access policy.
     */
    public static final String AUTH_CRITERIA_NOT_MET = "535 5.7.139 Authentication unsuccessful, "
            + "the request did not meet the criteria to be authenticated successfully. Contact your administrator.";

    /**
     * Wrong user name or password. Source: codassassin/email-bomber-v2.0#1
     * ({@code 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [PH0PR07CA0004.namprd07.prod.outlook.com]}),
     * freescout-help-desk/freescout#4930 (2025).
     */
    public static final String AUTH_CREDENTIALS_INCORRECT = "535 5.7.139 Authentication unsuccessful, "
            + "the user credentials were incorrect.";

    /**
     * Entra smart lockout / blocked sign-in. Source: gophish/gophish#2910 (user's rendering
     * "535.5.7.139 Authentication Unsuccessful, Account Locked", 2023); the exact casing and
     * "Contact your administrator." are from public code quoting a production reply of
     * 2026-08-28 (UNVERIFIED in a Microsoft source, per M365-FACTS.md).
     */
    public static final String AUTH_ACCOUNT_LOCKED = "535 5.7.139 Authentication unsuccessful, "
            + "account locked. Contact your administrator.";

    /**
     * Basic authentication retired for client submission. Source: Exchange Team blog
     * "Exchange Online to retire Basic auth for Client Submission (SMTP AUTH)"
     * (techcommunity.microsoft.com .../ba-p/4114750) and MC786329. No in-the-wild sighting;
     * the command that draws it (the lab: the end of AUTH LOGIN) is UNVERIFIED.
     */
    public static final String AUTH_BASIC_NOT_SUPPORTED =
            "550 5.7.30 Basic authentication is not supported for Client Submission.";

    /**
     * The front end could not proxy the login to the mailbox's server (PRX errors). Source:
     * harishkrupo/oauth2ms#5 (2021, trace: "451 4.7.0 Temporary server error. Please try again
     * later. PRX4 [...prod.outlook.com] in response to AUTH"), tarickb/sasl-xoauth2#69 (2023);
     * lasting for months for some accounts: jstedfast/MailKit#566 ("ErrorInProcessing: 4.7.0
     * Temporary server error. Please try again later. PRX4 [AM5PR0701CA0008...]"). That an
     * account without a mailbox (no licence) draws it every time is the reading of
     * Microsoft's NDR article for 451 4.4.x / 4.7.500-699 and of support threads (UNVERIFIED
     * in a Microsoft source).
     */
    public static final String AUTH_PROXY_FAILED = "451 4.7.0 Temporary server error. Please try again later. PRX4";

    /** Malformed XOAUTH2 payload. Source: tarickb/sasl-xoauth2#110 (smtp-hve.office365.com, same front end). */
    public static final String AUTH_XOAUTH2_INVALID = "501 5.5.124 Invalid XOAUTH2 auth data";

    /** Response that is not base64. Lab choice (Exchange wording as remembered, UNVERIFIED). */
    public static final String AUTH_CANNOT_DECODE = "501 5.5.2 Cannot Decode response";

    /** Client answered a challenge with "*" (RFC 4954 §4). Lab choice. */
    public static final String AUTH_CANCELLED = "501 5.0.0 Authentication cancelled";

    /** AUTH after a successful AUTH (RFC 4954 §4 requires 503). Lab choice. */
    public static final String AUTH_ALREADY = "503 5.5.2 Already authenticated";

    // ---------------------------------------------------------------- envelope

    /** Source: Microsoft "Test SMTP with Telnet"; datacenter transcript in ietf-tools/datatracker#5888. */
    public static final String SENDER_OK = "250 2.1.0 Sender OK";

    /** Source: Microsoft "Test SMTP with Telnet"; ietf-tools/datatracker#5888. */
    public static final String RECIPIENT_OK = "250 2.1.5 Recipient OK";

    /**
     * MAIL FROM on an unencrypted connection. Source: apache/hertzbeat#2365
     * ({@code 451 5.7.3 STARTTLS is required to send mail [SG2PR02CA0073.apcprd02.prod.outlook.com 2024-07-24T03:43:18.298Z 08DCAB6EB788477A]}),
     * VeeamHub/powershell#190 (2023).
     */
    public static final String STARTTLS_REQUIRED = "451 5.7.3 STARTTLS is required to send mail";

    /**
     * MAIL FROM over TLS without AUTH. Source: tarickb/sasl-xoauth2#96 (2024,
     * {@code 530 5.7.57 Client not authenticated to send mail. [US22278CA0034.US7P278.PROD.OUTLOOK.COM 2024-10-24...}),
     * simonrob/email-oauth2-proxy#315. Older wording (until about 2020):
     * {@code 530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM}
     * (glowroot/glowroot#226, MicrosoftDocs/OfficeDocs-Exchange#1615).
     */
    public static final String CLIENT_NOT_AUTHENTICATED = "530 5.7.57 Client not authenticated to send mail.";

    /** Second MAIL in one transaction. Lab choice (Exchange wording as remembered, UNVERIFIED). */
    public static final String SENDER_ALREADY_SPECIFIED = "503 5.5.2 Sender already specified";

    /** Malformed MAIL FROM address. Microsoft's telnet article lists {@code 550 5.1.7 Invalid address}; the lab uses 501 (RFC 5321 §4.2.2, syntax). */
    public static final String INVALID_SENDER = "501 5.1.7 Invalid address";

    /** Malformed RCPT TO address. Lab choice in Exchange style. */
    public static final String INVALID_RECIPIENT = "501 5.1.3 Invalid address";

    /** RCPT or DATA before MAIL. Lab choice (Exchange wording as remembered, UNVERIFIED). */
    public static final String NEED_MAIL = "503 5.5.2 Need mail command";

    /** DATA or BDAT before any accepted RCPT. Lab choice (Exchange wording as remembered, UNVERIFIED). */
    public static final String NEED_RCPT = "503 5.5.2 Need rcpt command";

    /** More recipients than the lab keeps (RFC 5321 §4.5.3.1.10 452). Lab choice. */
    public static final String TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients";

    /** SIZE= above the advertised limit, or a message above the lab's in-memory limit. Exchange wording (RFC 3463 5.3.4). */
    public static final String MESSAGE_TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size";

    // ---------------------------------------------------------------- DATA / BDAT

    /** Source: Microsoft "Test SMTP with Telnet"; ctabin/smtp4j#61. */
    public static final String START_MAIL_INPUT = "354 Start mail input; end with <CRLF>.<CRLF>";

    /**
     * Message accepted. Source: Youans/nodejs-nodemailer-outlook#8 (smtp.office365.com,
     * {@code 250 2.0.0 OK <0a9f3eef-...@riskpro.in> [Hostname=PS2PR06MB3510.apcprd06.prod.outlook.com]});
     * the id is the message's Message-ID.
     */
    static String queued(String messageId) {
        return "250 2.0.0 OK " + messageId + HOSTNAME;
    }

    /** A non-LAST BDAT chunk was read. Lab choice: no Exchange Online transcript of it was found. */
    static String chunkReceived(long bytes) {
        return "250 2.0.0 " + bytes + " bytes received";
    }

    /**
     * The authenticated mailbox may not send as the From / MAIL FROM address. Exchange
     * Online accepts MAIL FROM and rejects after the final "." of DATA: PHPMailer/PHPMailer#1231
     * ("DATA END command failed: 550 5.7.60 SMTP; Client does not have permissions to send as
     * this sender"), WWBN/AVideo#1017. Current wording (store driver): gophish/gophish#2900
     * (2023, {@code 554 5.2.252 SendAsDenied; delightgx46@outlook.com not allowed to send as
     * security@sfb.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied;
     * Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot
     * submit message. 0.35250:...}). The lab stops before the diagnostic hex dump.
     */
    static String sendAsDenied(String mailbox, String sender) {
        return "554 5.2.252 SendAsDenied; " + mailbox + " not allowed to send as " + sender
                + "; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied;"
                + " Failed to process message due to a permanent exception with message"
                + " [BeginDiagnosticData]Cannot submit message." + HOSTNAME;
    }

    /**
     * More than three concurrent submissions from one mailbox. Source: Microsoft
     * "Changes in message store and throttling for concurrent connections"
     * (MicrosoftDocs/SupportArticles-docs, smtp-submission-improvements.md, corrected by
     * MicrosoftDocs/OfficeDocs-Support#1991 in 2025); with the Hostname trace after DATA in
     * timeoff-management/timeoff-management-application#308 ("Message failed: 432 4.3.2
     * STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=DM5SPR00MB2471...]").
     * Transient (4xx): the client should retry.
     */
    public static final String SENDER_THREAD_LIMIT =
            "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded" + HOSTNAME;

    // ---------------------------------------------------------------- other verbs

    /** Source: Microsoft "Test SMTP with Telnet" (QUIT). */
    public static final String CLOSING = "221 2.0.0 Service closing transmission channel";

    /** Refusal of new connections while the lab shuts down. Classic Exchange wording (RFC 5321 §3.8 421). */
    public static final String SERVICE_NOT_AVAILABLE = "421 4.3.2 Service not available, closing transmission channel";

    /** RSET. Exchange wording as remembered (UNVERIFIED); seen in public Exchange imitations. */
    public static final String RESETTING = "250 2.0.0 Resetting";

    /** NOOP. Exchange wording as remembered (UNVERIFIED). */
    public static final String NOOP_OK = "250 2.0.0 OK";

    // ---------------------------------------------------------------- rendering

    private static final DateTimeFormatter TRACE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * Appends Exchange Online's trace: {@code text + " [" + TRACE_HOST + " " + time + " " + sessionId + "]"}.
     * Source of the shape: simonrob/email-oauth2-proxy#193
     * ({@code [MN2PR05CA0004.namprd05.prod.outlook.com 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]}).
     */
    static String traced(String text, String sessionId, Instant at) {
        return text + " [" + TRACE_HOST + " " + TRACE_TIME.format(at) + " " + sessionId + "]";
    }
}
