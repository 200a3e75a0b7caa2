package org.smtpdoctor.relay.config;

/** How a listener speaks TLS. */
public enum ListenerMode {
    /** No TLS at all: STARTTLS is not offered. */
    PLAIN,
    /** STARTTLS offered (RFC 3207), not required: a device may stay in plain text. */
    STARTTLS,
    /** TLS from the first byte ("implicit TLS", RFC 8314, usually port 465). */
    TLS
}
