package org.smtpdoctor.smtp;

import java.io.IOException;

/**
 * The wire broke (as opposed to the server saying no, which is a {@link Reply}).
 * Carries a closed {@link Kind} so that callers classify without parsing messages.
 * Messages never contain secrets: they are built from our own words and
 * {@link Redactor}-cleaned excerpts.
 */
public final class TransportException extends IOException {

    public enum Kind {
        UNRESOLVED("the host name does not resolve"),
        CONNECT_REFUSED("connection refused"),
        CONNECT_TIMEOUT("no answer within the connect timeout (filtered)"),
        UNREACHABLE("network or host unreachable"),
        RESET("connection reset by peer"),
        READ_TIMEOUT("the server did not answer within the read timeout"),
        OVERALL_TIMEOUT("the session exceeded its overall time limit"),
        CLOSED("the server closed the connection"),
        GARBAGE("the server sent something that is not SMTP"),
        TLS_HANDSHAKE("the TLS handshake failed"),
        IO("input/output error");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Kind kind;

    public TransportException(Kind kind, String detail) {
        super(detail == null || detail.isBlank() ? kind.description() : kind.description() + ": " + detail);
        this.kind = kind;
    }

    public TransportException(Kind kind, String detail, Throwable cause) {
        this(kind, detail);
        initCause(cause);
    }

    public Kind kind() {
        return kind;
    }
}
