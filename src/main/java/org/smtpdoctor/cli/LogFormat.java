package org.smtpdoctor.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How log lines look: {@code key-value} (the default: {@link LogConfigurator}'s pattern, one
 * {@code event=NAME key=value ...} line per relay event) or {@code json} ({@link JsonLogEncoder}).
 * Chosen by {@code relay --log-format}, or by the environment variable {@value #ENV} (handy in a
 * service unit or a container). Switches the stderr appender's encoder in place.
 */
public final class LogFormat {

    public static final String ENV = "SMTP_DOCTOR_LOG_FORMAT";

    private LogFormat() {
    }

    /** @throws UsageException for a format other than key-value or json */
    public static void use(String format) {
        String f = format.toLowerCase(Locale.ROOT);
        if (f.equals("key-value") || f.equals("kv") || f.equals("text")) {
            return; // what LogConfigurator set up
        }
        if (!f.equals("json")) {
            throw new UsageException("--log-format " + format + ": expected key-value or json");
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream) {
                JsonLogEncoder json = new JsonLogEncoder();
                json.setContext(context);
                json.start();
                stream.stop();
                stream.setEncoder(json);
                stream.start();
            }
        }
    }
}
