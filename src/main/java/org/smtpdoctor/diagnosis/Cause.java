package org.smtpdoctor.diagnosis;

import java.util.Optional;

/**
 * The cause ids of CAUSES.md: a public interface (JSON field {@code cause}) that
 * scripts key on. A closed set: never rename one; add new ids only with the doc.
 */
public enum Cause {
    CONFIG_HOST_OR_PORT("config_host_or_port", "wrong host, port, or encryption mode for the port"),
    DNS_RESOLUTION("dns_resolution", "the host name does not resolve, or resolves somewhere unexpected"),
    PORT_BLOCKED_OR_UNREACHABLE("port_blocked_or_unreachable", "TCP cannot reach the port: filtered, refused, reset"),
    SMTP_INSPECTION_INTERFERENCE("smtp_inspection_interference", "something between client and server rewrites SMTP"),
    TLS_REQUIRED_STARTTLS("tls_required_starttls", "the server requires TLS before AUTH/MAIL and the client did not start it"),
    TLS_VERSION_TOO_OLD("tls_version_too_old", "client and server share no TLS version"),
    TLS_CERTIFICATE("tls_certificate", "certificate untrusted, expired, or not for this host"),
    AUTH_MECHANISM_UNSUPPORTED("auth_mechanism_unsupported", "client and server share no AUTH mechanism"),
    TENANT_SMTP_AUTH_DISABLED("tenant_smtp_auth_disabled", "SMTP AUTH is disabled organisation-wide"),
    MAILBOX_SMTP_AUTH_DISABLED("mailbox_smtp_auth_disabled", "SMTP AUTH is disabled on this mailbox"),
    SMTP_AUTH_DISABLED_UNKNOWN_SCOPE("smtp_auth_disabled_unknown_scope", "SMTP AUTH is disabled, tenant or mailbox cannot be told apart"),
    SECURITY_DEFAULTS_BLOCK("security_defaults_block", "Security Defaults block legacy (Basic) authentication"),
    CONDITIONAL_ACCESS_BLOCK("conditional_access_block", "a Conditional Access policy blocks the sign-in"),
    MFA_REQUIRED_APP_PASSWORD("mfa_required_app_password", "the account needs MFA; Basic auth needs an app password instead"),
    CLIENT_NOT_AUTHENTICATED("client_not_authenticated", "the client sent mail without authenticating"),
    WRONG_CREDENTIALS("wrong_credentials", "user name or password is wrong"),
    ACCOUNT_LOCKED_OR_DISABLED("account_locked_or_disabled", "the account is locked, disabled, or blocked from sign-in"),
    BASIC_AUTH_RETIRED("basic_auth_retired", "Basic authentication for SMTP AUTH is no longer accepted"),
    OAUTH_TOKEN_INVALID("oauth_token_invalid", "the OAuth token is malformed, expired, or for the wrong audience"),
    OAUTH_SCOPE_OR_PERMISSION("oauth_scope_or_permission", "the token or service principal lacks the permission to send"),
    OAUTH_APP_REGISTRATION("oauth_app_registration",
            "the app registration, tenant id, client id or the app's secret or certificate used to get the token is wrong, expired or missing"),
    SENDER_NOT_AUTHORIZED_SENDAS("sender_not_authorized_sendas", "the authenticated account may not send as the sender address"),
    RELAY_DENIED_CONNECTOR("relay_denied_connector", "relaying refused: no matching connector or accepted domain"),
    IP_BLOCKED_OR_REPUTATION("ip_blocked_or_reputation", "sending IP is blocked or has poor reputation"),
    THROTTLING_RATE_LIMIT("throttling_rate_limit", "rate, recipient or concurrency limits exceeded"),
    MESSAGE_REJECTED_SPAM("message_rejected_spam", "the message or account was flagged as spam"),
    MESSAGE_SIZE_OR_FORMAT("message_size_or_format", "message too large or malformed"),
    RECIPIENT_INVALID("recipient_invalid", "recipient address does not exist or is rejected"),
    MAILBOX_NOT_LICENSED("mailbox_not_licensed", "the sending account has no licensed mailbox"),
    SERVICE_UNAVAILABLE_TRANSIENT("service_unavailable_transient", "temporary server-side failure; retry later"),
    OTHER("other", "a known condition outside this list"),
    UNKNOWN("unknown", "the evidence does not decide");

    private final String id;
    private final String meaning;

    Cause(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    /** The stable id, e.g. {@code tenant_smtp_auth_disabled}. */
    public String id() {
        return id;
    }

    public String meaning() {
        return meaning;
    }

    /**
     * Causes that only a Microsoft 365 tenant can have (its SMTP AUTH switches, Entra's Security
     * Defaults and Conditional Access, the retirement of Basic auth, licences): never given, nor
     * offered as a candidate, for another vendor's message.
     */
    public boolean microsoftOnly() {
        return switch (this) {
            case TENANT_SMTP_AUTH_DISABLED, MAILBOX_SMTP_AUTH_DISABLED, SMTP_AUTH_DISABLED_UNKNOWN_SCOPE,
                    SECURITY_DEFAULTS_BLOCK, CONDITIONAL_ACCESS_BLOCK, BASIC_AUTH_RETIRED, MAILBOX_NOT_LICENSED -> true;
            default -> false;
        };
    }

    public static Optional<Cause> byId(String id) {
        for (Cause c : values()) {
            if (c.id.equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
