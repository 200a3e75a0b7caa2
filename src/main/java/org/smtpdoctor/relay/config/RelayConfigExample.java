package org.smtpdoctor.relay.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** The commented example configuration that {@code smtp-doctor relay --init} writes. */
public final class RelayConfigExample {

    private RelayConfigExample() {
    }

    /**
     * The example, with the device account's hash made from a fresh random password that
     * nobody knows (so the file is valid as written, and the account useless until its
     * hash is replaced).
     */
    public static String text() {
        try (InputStream in = RelayConfigExample.class.getResourceAsStream("relay-example.yaml")) {
            if (in == null) {
                throw new IllegalStateException("relay-example.yaml is missing from the build");
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String hash = PasswordHash.create(Base64.getEncoder().encodeToString(random).toCharArray()).toString();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${PASSWORD_HASH}", hash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
