package org.smtpdoctor.smtp;

import java.util.Objects;

/**
 * A password or token. {@link #toString()} never shows the value, so a secret that
 * reaches a log line or an exception message by mistake still stays hidden.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The value itself: call only where it is put on the wire. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return Redactor.MASK;
    }
}
