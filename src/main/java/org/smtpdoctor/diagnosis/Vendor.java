package org.smtpdoctor.diagnosis;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whose server produced the evidence. Microsoft-only causes (tenant switches,
 * Security Defaults, Send As...) are given only when the evidence is Microsoft's.
 */
public enum Vendor {
    MICROSOFT, GOOGLE, OTHER;

    /** Host names of Exchange Online submission and MX endpoints, worldwide and partner clouds. */
    private static final Pattern MICROSOFT_HOST = Pattern.compile(
            "(?i)(^|\\.)(office365\\.com|outlook\\.com|office365\\.us|outlook\\.office365\\.us|partner\\.outlook\\.cn|"
                    + "protection\\.outlook\\.com|mail\\.protection\\.outlook\\.com|protection\\.office365\\.us)\\.?$");
    /** Fingerprints of Exchange Online in replies: its banner, its server names, its diagnostics. */
    private static final Pattern MICROSOFT_TEXT = Pattern.compile(
            "(?i)(Microsoft ESMTP MAIL Service|\\.prod\\.outlook\\.com|\\.outlook\\.office365\\.com|STOREDRV|"
                    + "aka\\.ms/|SmtpClientAuthentication|\\.protection\\.outlook\\.com|\\.partner\\.outlook\\.cn)");
    private static final Pattern GOOGLE_TEXT = Pattern.compile("(?i)(gsmtp|smtp\\.gmail\\.com|google\\.com|googlemail)");

    public static Vendor fromHost(String host) {
        if (host != null && MICROSOFT_HOST.matcher(host).find()) {
            return MICROSOFT;
        }
        if (host != null && host.toLowerCase(Locale.ROOT).matches(".*(gmail|google|googlemail)\\.com\\.?")) {
            return GOOGLE;
        }
        return OTHER;
    }

    public static Vendor fromText(String text) {
        if (text == null) {
            return OTHER;
        }
        if (MICROSOFT_TEXT.matcher(text).find()) {
            return MICROSOFT;
        }
        if (GOOGLE_TEXT.matcher(text).find()) {
            return GOOGLE;
        }
        return OTHER;
    }

    /** The first definite answer wins; OTHER means "not recognised". */
    public Vendor or(Vendor other) {
        return this == OTHER ? other : this;
    }
}
