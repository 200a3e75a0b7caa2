package org.smtpdoctor.diagnosis;

import java.util.List;
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
    /**
     * Fingerprints of Exchange Online in replies, lower case: its server names and diagnostics,
     * and of Microsoft Entra's token errors (AADSTS codes).
     * Not the banner's "Microsoft ESMTP MAIL Service": every on-premises Exchange says that too.
     */
    private static final List<String> MICROSOFT_TEXT = List.of(".prod.outlook.com",
            ".outlook.office365.com", "storedrv", "aka.ms/", "smtpclientauthentication", ".protection.outlook.com",
            ".outlook.cn", ".office365.us", "smtp.office365.com", "for client submission", "resolver.adr.",
            "tenantattribution", "tenantinboundattribution", "sendasdenied", "bad outbound sender",
            "outboundspamexception", "mapiexception", "microsoft.exchange.", ".prod.exchangelabs.com", "[outlook.com]",
            "nexthop: outlook.com", "sender.office.com", "postmaster.live.com", "mail.live.com", "smtp-mail.outlook.com",
            "smtp.live.com", "go.microsoft.com/fwlink", "office 365", "microsoft 365", "exchange online", "outlook.office.com",
            "graph.microsoft.com", "userhasnomailboxandnolicenseassigned", "permissions to send as this sender",
            // Exchange Online's IMAP/POP and SMTP words for a refused Basic login and an unopened mailbox.
            "basic authentication is disabled", "user is authenticated but not connected",
            // Microsoft Entra's token endpoint, its error codes and words (rules/entra.yaml).
            "aadsts", "login.microsoftonline.com", "is not configured as a multi-tenant application");
    private static final List<String> GOOGLE_TEXT = List.of("gsmtp", "smtp.gmail.com", "google.com", "googlemail");
    /** Both lists in one automaton: the Microsoft fingerprints first, then Google's (one pass over a paste). */
    private static final LiteralIndex FINGERPRINTS = new LiteralIndex(java.util.stream.Stream.concat(
            MICROSOFT_TEXT.stream(), GOOGLE_TEXT.stream()).map(List::of).toList());

    public static Vendor fromHost(String host) {
        if (host != null && MICROSOFT_HOST.matcher(host).find()) {
            return MICROSOFT;
        }
        if (host != null && host.toLowerCase(Locale.ROOT).matches(".*(gmail|google|googlemail)\\.com\\.?")) {
            return GOOGLE;
        }
        return OTHER;
    }

    /** Plain substring searches, so that a 10 MB paste is read in milliseconds. */
    public static Vendor fromText(String text) {
        if (text == null) {
            return OTHER;
        }
        return fromLowerCase(text.toLowerCase(Locale.ROOT));
    }

    /** {@link #fromText} of a text already in lower case (Locale.ROOT). */
    static Vendor fromLowerCase(String lower) {
        java.util.BitSet found = FINGERPRINTS.mayMatch(lower);
        boolean microsoftNamed = found.nextSetBit(0) >= 0 && found.nextSetBit(0) < MICROSOFT_TEXT.size()
                && !localPostfixRefusal(lower);
        if (microsoftNamed || hasExchangeOnlyCode(lower)) {
            return MICROSOFT;
        }
        if (found.nextSetBit(MICROSOFT_TEXT.size()) >= 0) {
            return GOOGLE;
        }
        return OTHER;
    }

    /**
     * A Postfix smtpd refusal ({@code NOQUEUE: reject: RCPT from ...}) that quotes no other server
     * ({@code said:}) is the local Postfix's own reply: Microsoft host names in it are the client's
     * or the configured relayhost's (a relayhost value in an access map's text), not the replier.
     */
    private static boolean localPostfixRefusal(String lower) {
        return lower.contains("noqueue: reject:") && !lower.contains(" said:");
    }

    /**
     * Enhanced codes 4.7.50 and above, 5.7.50 and above: not in the IANA registry, used by
     * Exchange (5.7.57, 5.7.60, 5.7.64, 5.7.139, 4.7.66...).
     */
    static boolean hasExchangeOnlyCode(String text) {
        for (int i = text.indexOf(".7."); i >= 0; i = text.indexOf(".7.", i + 1)) {
            if (i < 1 || (text.charAt(i - 1) != '4' && text.charAt(i - 1) != '5')
                    || (i >= 2 && (Character.isDigit(text.charAt(i - 2)) || text.charAt(i - 2) == '.'))) {
                continue;
            }
            int end = i + 3;
            while (end < text.length() && end < i + 7 && Character.isDigit(text.charAt(end))) {
                end++;
            }
            int digits = end - (i + 3);
            boolean followedByMore = end < text.length() && (Character.isDigit(text.charAt(end))
                    || (text.charAt(end) == '.' && end + 1 < text.length() && Character.isDigit(text.charAt(end + 1))));
            if (digits >= 2 && digits <= 3 && !followedByMore && Integer.parseInt(text.substring(i + 3, end)) >= 50) {
                return true;
            }
        }
        return false;
    }

    /** The first definite answer wins; OTHER means "not recognised". */
    public Vendor or(Vendor other) {
        return this == OTHER ? other : this;
    }
}
