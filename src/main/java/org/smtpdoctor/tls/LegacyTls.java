package org.smtpdoctor.tls;

import java.security.Security;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-enables TLS 1.0 and 1.1 in this process, deliberately: for the {@code tls} command's
 * probes, {@code check --device-tls}, and relay listeners configured for legacy devices.
 * <p>
 * Java 17 lists TLSv1 and TLSv1.1 in the security property
 * {@code jdk.tls.disabledAlgorithms}; nothing speaks them until the property changes,
 * and the change is process-wide and must happen before the first TLS connection (the
 * JDK reads the property once). So: the commands that need it call this first thing,
 * {@link TlsClient} pins the enabled protocols of every socket it makes, and the default
 * client protocols ({@code jdk.tls.client.protocols}, used by HTTPS to the token endpoint)
 * stay TLS 1.3 and 1.2, so that no connection other than one that asks for TLS 1.0 or 1.1
 * can fall back to them. The other entries of the property (RC4, 3DES, MD5withRSA, small
 * keys...) stay.
 */
public final class LegacyTls {

    private static final String PROPERTY = "jdk.tls.disabledAlgorithms";
    private static boolean allowed;

    private LegacyTls() {
    }

    /** Whether TLS 1.0/1.1 were re-enabled in this process. */
    public static synchronized boolean allowed() {
        return allowed;
    }

    public static synchronized void allow() {
        if (allowed) {
            return;
        }
        String current = Security.getProperty(PROPERTY);
        if (current != null) {
            List<String> kept = new ArrayList<>();
            for (String entry : current.split(",")) {
                String e = entry.trim();
                if (!e.equals("TLSv1") && !e.equals("TLSv1.1")) {
                    kept.add(e);
                }
            }
            Security.setProperty(PROPERTY, String.join(", ", kept));
        }
        if (System.getProperty("jdk.tls.client.protocols") == null) {
            System.setProperty("jdk.tls.client.protocols", "TLSv1.3,TLSv1.2");
        }
        allowed = true;
    }
}
