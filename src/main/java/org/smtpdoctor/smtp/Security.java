package org.smtpdoctor.smtp;

import java.util.Locale;

/** How the connection is protected: STARTTLS upgrade, implicit TLS (RFC 8314), or none. */
public enum Security {
    STARTTLS, TLS, NONE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Security parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "starttls" -> STARTTLS;
            case "tls", "ssl", "implicit" -> TLS;
            case "none", "plain" -> NONE;
            default -> throw new IllegalArgumentException("unknown security mode '" + text + "' (use starttls, tls or none)");
        };
    }
}
