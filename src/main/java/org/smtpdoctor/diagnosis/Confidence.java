package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How sure a diagnosis is: {@code high} when the evidence names the cause, {@code low} when it merely fits. */
public enum Confidence {
    HIGH, MEDIUM, LOW;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
