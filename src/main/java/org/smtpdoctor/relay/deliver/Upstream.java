package org.smtpdoctor.relay.deliver;

/**
 * Where the relay hands messages on. Contract: {@link #open} never throws and never blocks
 * longer than the configured timeouts; it returns a session ready for MAIL (greeted, TLS and
 * AUTH done as the upstream requires) or the reason there is none. Implementations are
 * thread-safe; each session is used by one thread at a time.
 */
public interface Upstream {

    /** For logs and status: the URL without any secret. */
    String name();

    /** What pacing counts against: the upstream mailbox, or the host when there is none. */
    String pacingKey();

    /**
     * The mailbox to write in the From of a DSN so that the upstream lets it through (Exchange
     * checks Send As on the From header); empty when any From will do.
     */
    java.util.Optional<String> mailbox();

    /**
     * Whose server this is when the URL says so ({@code m365-oauth://} is Microsoft's, whatever
     * host a test points it at); {@link org.smtpdoctor.diagnosis.Vendor#OTHER} to go by host and reply.
     */
    default org.smtpdoctor.diagnosis.Vendor vendor() {
        return org.smtpdoctor.diagnosis.Vendor.OTHER;
    }

    Opened open();

    /** A session, or why there is none. */
    sealed interface Opened permits Ready, Refused {}

    record Ready(UpstreamSession session) implements Opened {}

    record Refused(SessionFailure failure) implements Opened {}
}
