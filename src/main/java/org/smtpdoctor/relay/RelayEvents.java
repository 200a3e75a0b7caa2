package org.smtpdoctor.relay;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's log, device side and delivery side in one logger so that one filter shows a
 * message's whole life: one line per event, {@code event=NAME key=value ...}, values with
 * spaces or quotes in double quotes. Logger {@code org.smtpdoctor.relay.events}; INFO for
 * what went as it should, WARN for refusals and failures. Delivery events: {@code delivered},
 * {@code deferred}, {@code failed}, {@code dsn-queued}, {@code dsn-skipped}, {@code removed},
 * {@code upstream-unavailable}, {@code upstream-throttled}, {@code paced}. Nothing secret is
 * ever passed here: user names yes, passwords, tokens and AUTH payloads never. Stateless and
 * thread-safe.
 */
public final class RelayEvents {

    public static final String LOGGER = "org.smtpdoctor.relay.events";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private RelayEvents() {
    }

    /** @param fields alternating keys and values; null values are left out */
    public static void info(String event, Object... fields) {
        if (log.isInfoEnabled()) {
            log(log.atInfo(), event, fields);
        }
    }

    public static void warn(String event, Object... fields) {
        if (log.isWarnEnabled()) {
            log(log.atWarn(), event, fields);
        }
    }

    /** The line, with the fields also attached as key-value pairs (a JSON log writes them as fields). */
    private static void log(org.slf4j.spi.LoggingEventBuilder b, String event, Object... fields) {
        b = b.addKeyValue("event", event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            Object value = fields[i + 1];
            if (value != null) {
                b = b.addKeyValue(String.valueOf(fields[i]), value instanceof List<?> || value instanceof Number ? value : String.valueOf(value));
            }
        }
        b.log(line(event, fields));
    }

    /** A line {@link #line} made earlier (the audit notes of queue changes made while no relay ran), logged as it is. */
    public static void infoLine(String line) {
        if (log.isInfoEnabled()) {
            log.info(line);
        }
    }

    /** {@link #infoLine} at WARN. */
    public static void warnLine(String line) {
        if (log.isWarnEnabled()) {
            log.warn(line);
        }
    }

    public static String line(String event, Object... fields) {
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
        if (!text.isEmpty() && !needsQuotes(text)) {
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

    /** A plain loop: this runs for every field of every line (a stream here allocated three objects a call). */
    private static boolean needsQuotes(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == '"' || c == '\\' || c == 0x7F) {
                return true;
            }
        }
        return false;
    }
}
