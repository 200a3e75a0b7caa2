package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * What settles each cause, read from {@code rules/decide.yaml}: the step to run, the log entry
 * or the setting to look at, in general and for Microsoft 365. Used for the {@code decide_by}
 * of candidates whose rule does not say. Immutable.
 */
final class DecideBy {

    static final DecideBy EMPTY = new DecideBy(Map.of());

    /** The two texts of one cause; {@code microsoft} may be null (then {@code any} serves). */
    record Entry(String any, String microsoft) {}

    record File(Map<String, Entry> causes) {}

    private final Map<Cause, Entry> entries;

    private DecideBy(Map<Cause, Entry> entries) {
        this.entries = entries;
    }

    static DecideBy load(ObjectMapper yaml, String resource) {
        try (InputStream in = DecideBy.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            File f = yaml.readValue(in, File.class);
            Map<Cause, Entry> map = new EnumMap<>(Cause.class);
            f.causes().forEach((id, e) -> map.put(Cause.byId(id).orElseThrow(
                    () -> new IllegalArgumentException(resource + ": unknown cause " + id)), e));
            return new DecideBy(map);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    String text(Cause cause, Vendor vendor) {
        Entry e = entries.get(cause);
        if (e == null) {
            return "";
        }
        return vendor == Vendor.MICROSOFT && e.microsoft() != null ? e.microsoft() : e.any();
    }

    boolean covers(Cause cause) {
        return entries.containsKey(cause);
    }
}
