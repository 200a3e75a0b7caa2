package org.smtpdoctor.relay.device;

/**
 * Every reply the relay's listeners send, in one place (RFC 5321 codes, RFC 3463 enhanced
 * status codes; RFC 4954 §6 for AUTH, RFC 2034 for ENHANCEDSTATUSCODES).
 */
final class RelayReplies {

    static final String OK = "250 2.0.0 OK";
    static final String SENDER_OK = "250 2.1.0 Sender OK";
    static final String RECIPIENT_OK = "250 2.1.5 Recipient OK";
    static final String START_MAIL_INPUT = "354 End data with <CR><LF>.<CR><LF>";
    static final String BYE = "221 2.0.0 Bye";
    static final String READY_TO_START_TLS = "220 2.0.0 Ready to start TLS";
    static final String AUTH_OK = "235 2.7.0 Authentication successful";
    /** "Username:" and "Password:", exactly: some devices go on only when they see these. */
    static final String AUTH_LOGIN_USERNAME = "334 VXNlcm5hbWU6";
    static final String AUTH_LOGIN_PASSWORD = "334 UGFzc3dvcmQ6";
    static final String AUTH_EMPTY_CHALLENGE = "334 ";

    static final String TOO_MANY_CONNECTIONS = "4.7.0 Too many connections, try again later";
    static final String TOO_MANY_CONNECTIONS_FROM_IP = "4.7.0 Too many connections from your address, try again later";
    static final String SHUTTING_DOWN = "4.3.2 Service shutting down, try again later";
    /** To a session the relay closes as it stops (RFC 5321 §3.8: 421 before closing). */
    static final String SHUTDOWN = "421 " + SHUTTING_DOWN;
    /** SubEthaSMTP's words on its idle timeout (no enhanced status code), also said by the front end (DeviceFrontEnd). */
    static final String IDLE_TIMEOUT = "421 Timeout waiting for data from client.";
    static final String TOO_MANY_AUTH_FAILURES = "421 4.7.0 Too many failed authentications, closing connection";
    /** To a client address locked out after too many failed AUTHs (its password is not checked). */
    static final String AUTH_LOCKED_OUT = "421 4.7.0 Too many failed authentications from your address, try again later";
    /** Postfix's smtpd_hard_error_limit: a client that keeps getting errors is not a device that works. */
    static final String TOO_MANY_ERRORS = "421 4.7.0 Too many errors, closing connection";
    /** RFC 4954 §6: the password could not be checked now (too many checks at once). */
    static final String AUTH_TEMPORARY_FAILURE = "454 4.7.0 Temporary authentication failure, try again later";
    static final String TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients";
    static final String SPOOL_FULL = "452 4.3.1 Insufficient system storage";
    static final String STORAGE_FAILED = "451 4.3.0 Local error in processing, try again later";

    static final String SYNTAX_ERROR = "500 5.5.2 Syntax error, command unrecognized";
    static final String SENDER_SYNTAX = "501 5.1.7 Bad sender address syntax";
    static final String RECIPIENT_SYNTAX = "501 5.1.3 Bad recipient address syntax";
    static final String ARGUMENT_SYNTAX = "501 5.5.4 Syntax error in parameters or arguments";
    static final String AUTH_CANCELLED = "501 5.7.0 Authentication cancelled";
    static final String AUTH_BAD_BASE64 = "501 5.5.2 Cannot decode the response";
    static final String NOT_IMPLEMENTED = "502 5.5.1 Command not implemented";
    static final String NEED_MAIL = "503 5.5.1 Need MAIL command first";
    static final String NEED_RCPT = "503 5.5.1 Need RCPT command first";
    static final String SENDER_ALREADY = "503 5.5.1 Sender already specified";
    static final String ALREADY_AUTHENTICATED = "503 5.5.1 Already authenticated";
    static final String ALREADY_TLS = "503 5.5.1 TLS already active";
    static final String AUTH_MECHANISM_UNKNOWN = "504 5.5.4 Unrecognized authentication type";
    static final String AUTH_REQUIRED = "530 5.7.0 Authentication required";
    static final String AUTH_INVALID = "535 5.7.8 Authentication credentials invalid";
    static final String ENCRYPTION_REQUIRED = "538 5.7.11 Encryption required for requested authentication mechanism";
    static final String RELAY_DENIED = "550 5.7.1 Relaying denied";
    static final String RECIPIENT_DOMAIN_DENIED = "550 5.7.1 Relaying to this domain is not allowed";
    static final String SENDER_ROUTING_DENIED = "550 5.7.1 Relaying denied: %, ! or @ in the local part would route the mail elsewhere";
    static final String SENDER_DENIED = "550 5.7.1 Sender address not allowed for this device";
    static final String FROM_HEADER_DENIED = "550 5.7.1 From address not allowed for this device";
    static final String FROM_HEADER_UNREADABLE = "550 5.7.1 From address cannot be checked: the header is not RFC 5322";
    static final String FROM_WITHOUT_SENDER = "550 5.6.0 Several From mailboxes need a Sender header (RFC 5322 section 3.6.2)";
    static final String MULTIPLE_FROM = "550 5.6.0 More than one From header (RFC 5322 section 3.6)";
    static final String MULTIPLE_SENDER = "550 5.6.0 More than one Sender header (RFC 5322 section 3.6)";
    static final String HEADER_TOO_BIG = "552 5.3.4 Message header size exceeds limit";
    static final String MESSAGE_TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size";
    static final String NO_VALID_RECIPIENTS = "554 5.5.1 No valid recipients";

    private RelayReplies() {
    }

    static String queued(String queueId) {
        return "250 2.0.0 OK queued as " + queueId;
    }
}
