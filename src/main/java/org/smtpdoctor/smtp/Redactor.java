package org.smtpdoctor.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replaces known secrets (and their base64 forms, as they travel in AUTH) with
 * {@link #MASK}. The engine never hands a secret to a sink in the first place; this
 * is the second line of defence for text that comes from elsewhere (a server echoing
 * input, an exception message). Thread-safe.
 */
public final class Redactor {

    public static final String MASK = "<redacted>";

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /** Registers a secret; short strings (under 4 characters) are ignored to keep text readable. */
    public void register(String secret) {
        if (secret == null || secret.length() < 4) {
            return;
        }
        secrets.add(secret);
        secrets.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Registers a value exactly as it may appear (an encoded AUTH payload), without its base64. */
    public void registerExact(String value) {
        if (value != null && value.length() >= 4) {
            secrets.add(value);
        }
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }
}
