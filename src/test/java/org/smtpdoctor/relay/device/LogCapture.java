package org.smtpdoctor.relay.device;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.relay.RelayEvents;

/**
 * Captures every log event of the process at every level our loggers allow (root at TRACE
 * while open; levels set by LogConfigurator for third-party loggers stay as they are,
 * because they are part of what keeps secrets out of logs).
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Level before = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.TRACE);
    }

    /** Formatted messages (and any exception text) of all events so far. */
    public List<String> lines() {
        return snapshot().stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    }

    /** The relay's event lines starting with {@code event=NAME}. */
    public List<String> events(String name) {
        return snapshot().stream().filter(e -> e.getLoggerName().equals(RelayEvents.LOGGER))
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("event=" + name + " ")).toList();
    }

    /** The relay's event lines logged at WARN: its refusals and failures. */
    List<String> warnings() {
        return snapshot().stream().filter(e -> e.getLoggerName().equals(RelayEvents.LOGGER) && e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The events so far, copied under the appender's lock (the relay logs from its own threads meanwhile). */
    private List<ILoggingEvent> snapshot() {
        synchronized (appender) { // AppenderBase.doAppend holds it while adding
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(before);
    }
}
