package org.smtpdoctor.graph;

/**
 * No answer from Graph (or its upload URL): the name did not resolve, the connection was
 * refused or timed out, TLS failed, the exchange was cut or aborted. "Graph said no" is not
 * this: that is a {@link GraphResponse} with its {@link GraphError}. The message is one line
 * with nothing secret in it (redacted where it is made). Carries no stack trace.
 */
public final class GraphException extends Exception {

    /** What broke. Closed set; each has the knowledge base's event name (rules/events.yaml). */
    public enum Kind {
        DNS("dns.unresolved"), REFUSED("tcp.refused"), CONNECT_TIMEOUT("tcp.timeout"), TLS("tls.handshake"),
        READ_TIMEOUT("transport.read-timeout"), BROKEN("transport.closed"), ABORTED("transport.closed");

        private final String event;

        Kind(String event) {
            this.event = event;
        }

        public String event() {
            return event;
        }
    }

    private final Kind kind;

    public GraphException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
