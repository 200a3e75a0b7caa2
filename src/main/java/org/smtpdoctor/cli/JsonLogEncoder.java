package org.smtpdoctor.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * {@code --log-format json}: one JSON object per line for log shippers (Loki, Elasticsearch,
 * journald's JSON output, Splunk). Always {@code time} (ISO 8601 with the zone's offset),
 * {@code level}, {@code logger}, {@code thread}, {@code message} (the same text as the
 * key=value line); a relay event's fields follow at the top level ({@code event}, {@code id},
 * {@code device}, {@code reply}, {@code cause}...; lists as arrays), a field named like one of
 * those five as {@code field_NAME}; {@code exception} when there is one. Nothing is logged here
 * that the key=value line does not say. Thread-safe (no state).
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final Set<String> BASE = Set.of("time", "level", "logger", "thread", "message", "exception");
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(ZoneId.systemDefault())));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", event.getFormattedMessage());
            List<KeyValuePair> kvs = event.getKeyValuePairs();
            if (kvs != null) {
                Set<String> written = new HashSet<>();
                for (KeyValuePair kv : kvs) {
                    String key = BASE.contains(kv.key) ? "field_" + kv.key : kv.key;
                    if (kv.value == null || !written.add(key)) {
                        continue;
                    }
                    g.writeFieldName(key);
                    if (kv.value instanceof List<?> list) {
                        g.writeStartArray();
                        for (Object o : list) {
                            g.writeString(String.valueOf(o));
                        }
                        g.writeEndArray();
                    } else if (kv.value instanceof Integer || kv.value instanceof Long) {
                        g.writeNumber(((Number) kv.value).longValue());
                    } else {
                        g.writeString(String.valueOf(kv.value));
                    }
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
