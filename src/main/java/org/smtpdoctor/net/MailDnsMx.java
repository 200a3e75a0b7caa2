package org.smtpdoctor.net;

import java.util.Comparator;
import java.util.Objects;

/**
 * One MX record: the exchange host (lower case, without the trailing dot; "." for a null MX) and its preference
 * (RFC 5321 section 5.1: lower is tried first).
 */
public record MailDnsMx(String host, int preference) {

    /** Lowest preference first; equal preferences by host name, so the order is stable. */
    public static final Comparator<MailDnsMx> BY_PREFERENCE =
            Comparator.comparingInt(MailDnsMx::preference).thenComparing(MailDnsMx::host);

    public MailDnsMx {
        Objects.requireNonNull(host, "host");
    }

    /** A "null MX" (RFC 7505: exchange ".", preference 0): the domain accepts no mail at all. */
    public boolean isNullMx() {
        return host.equals(".");
    }

    /** True for a Microsoft 365 (Exchange Online Protection) tenant MX; see {@link MailDns#isMicrosoftMx}. */
    public boolean isMicrosoft() {
        return MailDns.isMicrosoftMx(host);
    }

    @Override
    public String toString() {
        return preference + " " + host;
    }
}
