package org.smtpdoctor.oauth;

import java.util.Optional;

/**
 * No token: the token endpoint refused (with its error body, which names an AADSTS code
 * at Microsoft), could not be reached, or answered something that is not OAuth. The
 * message is one line a person can act on and never contains a secret.
 */
public final class TokenException extends Exception {

    public enum Kind {
        /** The endpoint answered with an OAuth error (invalid_client, invalid_grant, ...). */
        REFUSED,
        /** No answer: name not resolved, connection refused, timed out, TLS failed. */
        UNREACHABLE,
        /** An answer that is not an OAuth token response. */
        BAD_RESPONSE,
        /** Our own side: a credential file that cannot be used, a flow the user gave up on. */
        LOCAL
    }

    private final Kind kind;
    private final int httpStatus;
    private final String body;

    public TokenException(Kind kind, String message, int httpStatus, String body) {
        super(message, null, false, false);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.body = body == null ? "" : body;
    }

    public static TokenException local(String message) {
        return new TokenException(Kind.LOCAL, message, 0, "");
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The named event for the knowledge base (rules/events.yaml) when the endpoint did not
     * answer in OAuth terms; empty for a refusal or a local problem, which {@link #reason} states.
     */
    public Optional<String> event() {
        return switch (kind) {
            case UNREACHABLE -> Optional.of(getMessage().contains("(DNS)") ? "token.endpoint-dns" : "token.endpoint-unreachable");
            case BAD_RESPONSE -> Optional.of("token.endpoint-not-oauth");
            case REFUSED, LOCAL -> Optional.empty();
        };
    }

    /** For a support ticket: Entra's trace and correlation ids of a refusal, when it gave them. */
    public Optional<String> ticketIds() {
        if (kind != Kind.REFUSED) {
            return Optional.empty();
        }
        EntraError e = EntraError.parse(httpStatus, body);
        String ids = e.traceId().map(t -> "trace id " + t).orElse("")
                + e.correlationId().map(c -> ", correlation id " + c).orElse("");
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.replaceFirst("^, ", ""));
    }

    /** The reason in the endpoint's own words, for the rules: "AADSTS7000215: Invalid client secret provided." */
    public String reason() {
        return kind == Kind.REFUSED ? EntraError.parse(httpStatus, body).knowledgeLine() : getMessage();
    }

    /** The HTTP status of a refusal; 0 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The endpoint's error body (bounded), for decoding; empty when there was none. */
    public Optional<String> body() {
        return body.isEmpty() ? Optional.empty() : Optional.of(body);
    }
}
