package org.smtpdoctor.relay.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.relay.spool.SpoolReserve;

/**
 * Durations and sizes as people write them in the relay's configuration and on its command line
 * ({@code 30s}, {@code 5m}, {@code 48h}, {@code 5d}; {@code 25MB}, {@code 512KB}, {@code 1GB}).
 * Sizes are binary: 1 KB = 1024 bytes, 1 MB = 1048576. Pure and thread-safe.
 */
public final class Quantities {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)", Pattern.CASE_INSENSITIVE);

    private Quantities() {
    }

    /** A positive duration such as 30s, 5m, 48h, 5d or 250ms; empty when the text is none. */
    public static Optional<Duration> duration(String text) {
        Matcher d = DURATION.matcher(text.strip());
        if (!d.matches() || Long.parseLong(d.group(1)) == 0) {
            return Optional.empty();
        }
        long n = Long.parseLong(d.group(1));
        return Optional.of(switch (d.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    /** A size in bytes: a number of bytes, or with KB, MB or GB; empty when the text is none. */
    public static OptionalLong size(String text) {
        Matcher s = SIZE.matcher(text.strip());
        if (!s.matches()) {
            return OptionalLong.empty();
        }
        long n = Long.parseLong(s.group(1));
        String unit = s.group(2).toLowerCase(Locale.ROOT);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        return n > Long.MAX_VALUE >> shift ? OptionalLong.empty() : OptionalLong.of(n << shift);
    }

    /**
     * A spool reserve: a size ({@code 64MB}, {@code 1GB}, bytes) or a share of the volume ({@code 5%}, 0-99).
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static SpoolReserve spoolReserve(String text) {
        String t = text.strip();
        if (t.endsWith("%")) {
            String n = t.substring(0, t.length() - 1).strip();
            if (n.matches("\\d{1,2}")) {
                return SpoolReserve.ofPercent(Integer.parseInt(n));
            }
        } else {
            OptionalLong size = size(t);
            if (size.isPresent()) {
                return SpoolReserve.ofBytes(size.getAsLong());
            }
        }
        throw new IllegalArgumentException("expected a size like 64MB or 1GB, or a share of the volume like 5% (0-99%), got '" + t + "'");
    }
}
