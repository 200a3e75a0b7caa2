package org.smtpdoctor.oauth;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Microsoft Entra authority: the sign-in host and the tenant, from which the v2.0
 * endpoints follow ({@code {base}/{tenant}/oauth2/v2.0/token} and {@code .../devicecode}).
 * The base is configurable so that tests and the lab can use a local OAuth server; a
 * plain-http base is accepted only on the loopback interface, because client secrets
 * travel to it.
 */
public record Authority(URI base, String tenant) {

    public static final URI MICROSOFT = URI.create("https://login.microsoftonline.com");

    /** Tenant ids, domain names, or the special tenants; nothing that could leave the path. */
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,253}");

    public Authority {
        String scheme = String.valueOf(base.getScheme()).toLowerCase(Locale.ROOT);
        if (base.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("the authority must be an https:// URL, e.g. " + MICROSOFT);
        }
        if (scheme.equals("http") && !isLoopback(base.getHost())) {
            throw new IllegalArgumentException("the authority " + base + " is plain http: secrets would cross the "
                    + "network unencrypted (http is accepted only for 127.0.0.1 and localhost)");
        }
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("'" + tenant + "' is not a tenant: give the directory (tenant) id, "
                    + "a verified domain such as contoso.onmicrosoft.com, or organizations");
        }
        String b = base.toString();
        base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    }

    public URI tokenEndpoint() {
        return URI.create(base + "/" + tenant + "/oauth2/v2.0/token");
    }

    public URI deviceCodeEndpoint() {
        return URI.create(base + "/" + tenant + "/oauth2/v2.0/devicecode");
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]");
    }

    @Override
    public String toString() {
        return base + "/" + tenant;
    }
}
