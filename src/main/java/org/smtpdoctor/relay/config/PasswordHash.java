package org.smtpdoctor.relay.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A device account's password, stored hashed: PBKDF2 with HMAC-SHA-512 from the JDK,
 * written {@code pbkdf2-sha512$ITERATIONS$SALT$HASH} (salt and hash in base64 without
 * padding). 210,000 iterations is the OWASP Password Storage Cheat Sheet's figure for
 * PBKDF2-HMAC-SHA512; the count is stored with each hash, so it can be raised later
 * without breaking old ones. A check costs a few hundred milliseconds of CPU, once per
 * AUTH.
 * <p>
 * Because only the hash is kept, the relay offers AUTH PLAIN and LOGIN only: CRAM-MD5
 * needs the clear password on the server. Immutable and thread-safe.
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {

    public static final String PREFIX = "pbkdf2-sha512";
    static final int DEFAULT_ITERATIONS = 210_000;
    private static final int MIN_ITERATIONS = 10_000;
    private static final int HASH_BYTES = 64;

    public static PasswordHash create(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(DEFAULT_ITERATIONS, salt, derive(password, salt, DEFAULT_ITERATIONS));
    }

    /** @throws IllegalArgumentException if the text is not a hash written by {@link #toString()} */
    public static PasswordHash parse(String text) {
        String[] parts = text.strip().split("\\$");
        String expected = "expected " + PREFIX + "$ITERATIONS$SALT$HASH as written by 'smtp-doctor relay hash-password'";
        if (parts.length != 4 || !parts[0].equals(PREFIX) || !parts[1].matches("\\d{5,9}")) {
            throw new IllegalArgumentException(expected);
        }
        int iterations = Integer.parseInt(parts[1]);
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (iterations < MIN_ITERATIONS || salt.length < 8 || hash.length != HASH_BYTES) {
                throw new IllegalArgumentException(expected);
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(expected);
        }
    }

    /** Compares in constant time. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(derive(password, salt, iterations), hash);
    }

    public boolean matches(String password) {
        char[] chars = password.toCharArray();
        try {
            return matches(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.iterations == iterations && Arrays.equals(p.salt, salt)
                && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }
}
