package org.smtpdoctor.smtp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 3463 enhanced status code such as {@code 5.7.139}: class, subject, detail.
 * Immutable. Microsoft uses detail numbers above 99 (5.7.139), so each part is
 * parsed as up to three digits as RFC 3463 section 2 allows.
 */
public record EnhancedStatus(int klass, int subject, int detail) {

    private static final Pattern LEADING = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$|[,;:\\]])");

    /** Parses the code at the start of a reply's text, if there is one. */
    public static Optional<EnhancedStatus> parseLeading(String text) {
        Matcher m = LEADING.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new EnhancedStatus(
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
    }

    public static EnhancedStatus parse(String code) {
        return parseLeading(code).orElseThrow(() -> new IllegalArgumentException("not an enhanced status code: " + code));
    }

    @Override
    public String toString() {
        return klass + "." + subject + "." + detail;
    }
}
