package org.smtpdoctor.relay.deliver;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery side's log, in the same logger and format as the device side's events:
 * one line per event, {@code event=NAME key=value ...}, values with spaces or quotes in
 * double quotes. Events: {@code delivered}, {@code deferred}, {@code failed} (one line per
 * group of recipients that got the same reply), {@code dsn-queued}, {@code dsn-skipped},
 * {@code removed}, {@code upstream-unavailable}, {@code upstream-throttled}, {@code paced}.
 * Keys: {@code id device sender rcpt upstream reply cause attempts next}. Nothing secret is
 * ever passed here: replies and failures come through the SMTP engine's redactor, tokens
 * and passwords never leave {@link Credentials}. Stateless and thread-safe.
 */
final class DeliveryEvents {

    /** The same logger as org.smtpdoctor.relay.RelayEvents, so one filter shows a message's whole life. */
    static final String LOGGER = "org.smtpdoctor.relay.events";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private DeliveryEvents() {
    }

    static void info(String event, Object... fields) {
        if (log.isInfoEnabled()) {
            log.info(line(event, fields));
        }
    }

    static void warn(String event, Object... fields) {
        if (log.isWarnEnabled()) {
            log.warn(line(event, fields));
        }
    }

    static String line(String event, Object... fields) {
        StringBuilder out = new StringBuilder("event=").append(event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            Object value = fields[i + 1];
            if (value == null) {
                continue;
            }
            String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                    : String.valueOf(value);
            out.append(' ').append(fields[i]).append('=').append(quoted(text));
        }
        return out.toString();
    }

    private static String quoted(String text) {
        if (!text.isEmpty() && text.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\\' || c == 0x7F)) {
            return text;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < ' ' || c == 0x7F) {
                q.append(String.format("\\x%02x", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
