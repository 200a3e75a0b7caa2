package org.smtpdoctor.relay.deliver;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.smtpdoctor.relay.RelayEvents;

/** Captures every log event of the process (root at TRACE while open), as the relay tests' LogCapture does. */
final class LogLines implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Level before = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogLines() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.TRACE);
    }

    /** Every event's logger, message and exception text. */
    List<String> all() {
        synchronized (appender) { // AppenderBase.doAppend holds it while adding
            return appender.list.stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
        }
    }

    /** The relay's event lines {@code event=NAME ...}. */
    List<String> events(String name) {
        synchronized (appender) { // AppenderBase.doAppend holds it while adding
            return appender.list.stream().filter(e -> e.getLoggerName().equals(RelayEvents.LOGGER))
                    .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("event=" + name + " ")).toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(before);
    }
}
