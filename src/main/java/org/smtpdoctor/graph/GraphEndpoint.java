package org.smtpdoctor.graph;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where Microsoft Graph is: {@code https://graph.microsoft.com} (or a national cloud's host,
 * {@link org.smtpdoctor.oauth.MicrosoftCloud#graph()}), or the lab's Graph on 127.0.0.1. The
 * base has no path; requests go to {@code base + "/v1.0" + path}. Plain http is accepted only
 * for a loopback address, because bearer tokens travel to it. Immutable.
 */
public record GraphEndpoint(URI base) {

    public GraphEndpoint {
        String scheme = String.valueOf(base.getScheme()).toLowerCase(Locale.ROOT);
        if (base.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("Graph must be an https:// URL, like https://graph.microsoft.com");
        }
        if (scheme.equals("http") && !isLoopback(base.getHost())) {
            throw new IllegalArgumentException("Graph at " + base + " is plain http: tokens and mail would cross the network"
                    + " unencrypted (http is accepted only for 127.0.0.1, ::1 and localhost)");
        }
        if (base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("Graph's URL takes no query or fragment: " + base);
        }
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        base = URI.create(b);
    }

    public static GraphEndpoint of(String url) {
        try {
            return new GraphEndpoint(URI.create(url.strip()));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Graph")) {
                throw e;
            }
            throw new IllegalArgumentException("'" + url + "' is not a URL for Graph, like https://graph.microsoft.com");
        }
    }

    /** {@code base/v1.0/path}; the path starts with a slash and is already escaped. */
    public URI v1(String path) {
        return URI.create(base + "/v1.0" + path);
    }

    /** {@code base/beta/path}: for the few reads that exist only in beta (service principal sign-ins). */
    public URI beta(String path) {
        return URI.create(base + "/beta" + path);
    }

    /** Whether a URL Graph handed out (an upload session's) may be used: https, or http to loopback. */
    static boolean acceptable(URI uri) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        return uri.getHost() != null && (scheme.equals("https") || scheme.equals("http") && isLoopback(uri.getHost()));
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false; // a name other than localhost: never resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
