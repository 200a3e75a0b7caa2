package org.smtpdoctor.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Does a certificate name this host? RFC 6125 rules as applied to SMTP by RFC 7817:
 * DNS subjectAltNames with a wildcard only as the whole left-most label; IP
 * addresses only against IP subjectAltNames; the subject CN only when the
 * certificate has no DNS names at all (legacy).
 */
public final class HostnameMatcher {

    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=([^,]+)");

    private HostnameMatcher() {
    }

    public static boolean matches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        boolean isIp = h.contains(":") || h.matches("[0-9.]+");
        if (isIp) {
            return ipNames(cert).stream().anyMatch(ip -> sameAddress(ip, host));
        }
        List<String> dns = dnsNames(cert);
        if (dns.isEmpty()) {
            Matcher m = CN.matcher(cert.getSubjectX500Principal().getName());
            return m.find() && nameMatches(m.group(1).trim().toLowerCase(Locale.ROOT), h);
        }
        for (String name : dns) {
            if (nameMatches(name.toLowerCase(Locale.ROOT), h)) {
                return true;
            }
        }
        return false;
    }

    /** The DNS subjectAltNames, in certificate order. */
    public static List<String> dnsNames(X509Certificate cert) {
        return altNames(cert, 2);
    }

    public static List<String> ipNames(X509Certificate cert) {
        return altNames(cert, 7);
    }

    private static List<String> altNames(X509Certificate cert, int type) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> entry : all) {
                    if (entry.size() >= 2 && Integer.valueOf(type).equals(entry.get(0))) {
                        out.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unparsable SAN extension names nothing.
        }
        return out;
    }

    static boolean nameMatches(String pattern, String host) {
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2));
        }
        return pattern.equals(host);
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // Both are literals, so no lookup happens.
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
