package org.smtpdoctor.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.OptionalInt;

/**
 * A host, and a port when one is given, as people type them: {@code mail.example.org},
 * {@code mail.example.org:587}, {@code 192.0.2.10:25}, {@code [2001:db8::25]:587}, or an
 * IPv6 address without brackets and then without a port ({@code ::1}: with more than one
 * colon, a port cannot be told from the address, RFC 5952 section 6). And the other way:
 * an address with its port as people read it, IPv6 in brackets when a port follows, in the
 * short form of RFC 5952. Immutable.
 *
 * @param host a host name or address literal, without brackets
 * @param port the port, when the text gave one
 */
public record HostPort(String host, OptionalInt port) {

    /**
     * Reads {@code HOST}, {@code HOST:PORT}, {@code [IPv6]}, {@code [IPv6]:PORT} or a bare IPv6 address.
     *
     * @throws IllegalArgumentException with a message for people, naming what is wrong
     */
    public static HostPort parse(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            String inside = close < 0 ? "" : text.substring(1, close);
            String after = close < 0 ? "" : text.substring(close + 1);
            if (close < 0 || !inside.contains(":") || !(after.isEmpty() || after.startsWith(":"))) {
                throw new IllegalArgumentException("'" + text + "' is not [IPv6 address]:PORT (like [2001:db8::25]:587)");
            }
            return new HostPort(inside, after.isEmpty() ? OptionalInt.empty() : OptionalInt.of(port(after.substring(1), text)));
        }
        int colon = text.indexOf(':');
        if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
            return new HostPort(text, OptionalInt.empty());
        }
        if (colon == 0) {
            throw new IllegalArgumentException("'" + text + "' has a port but no host");
        }
        return new HostPort(text.substring(0, colon), OptionalInt.of(port(text.substring(colon + 1), text)));
    }

    private static int port(String digits, String text) {
        if (!digits.matches("\\d{1,5}") || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
            throw new IllegalArgumentException("'" + digits + "' in '" + text + "' is not a port (1-65535)");
        }
        return Integer.parseInt(digits);
    }

    /** {@code host:port}, with an IPv6 host in brackets: {@code [2001:db8::25]:587}. */
    public static String display(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** An address with its port, as people read it: {@code 192.0.2.10:25}, {@code [::1]:587}. */
    public static String display(InetAddress address, int port) {
        return display(literal(address), port);
    }

    /**
     * The address in text: IPv4 dotted; IPv6 in the short form of RFC 5952 section 4 (lower
     * case, leading zeros dropped, the longest run of two or more zero groups as {@code ::}),
     * its scope kept ({@code fe80::1%eth0}).
     */
    public static String literal(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        byte[] b = v6.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        String full = v6.getHostAddress();
        int scope = full.indexOf('%');
        return scope < 0 ? out.toString() : out + full.substring(scope);
    }
}
