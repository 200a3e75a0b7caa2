package org.smtpdoctor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging set-up in code rather than logback.xml: parsing XML costs a short-lived command
 * line tool a noticeable part of its start-up. Logs go to stderr so that stdout stays the
 * report; the level comes from SMTP_DOCTOR_LOG (default WARN). SubEthaSMTP stays at ERROR
 * whatever the level, because at DEBUG it logs every client line, AUTH payloads included;
 * mock-oauth2-server (the tests' OAuth server, not in the runnable jar) is silenced for the same reason.
 * <p>
 * Each line starts with the date, time and UTC offset (ISO 8601, {@code 2026-11-28T10:00:03.120+01:00}):
 * a relay runs for years, and a log line without its date or zone cannot be matched with a
 * device's or Microsoft's logs. Found by logback through META-INF/services.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /** The line layout: ISO 8601 time with the offset of the JVM's zone, level, logger, message. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{24} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        String wanted = System.getenv("SMTP_DOCTOR_LOG");
        root.setLevel(Level.toLevel(wanted, Level.WARN));
        root.addAppender(stderr);
        context.getLogger("org.subethamail").setLevel(Level.ERROR);
        // mock-oauth2-server, which the tests run as a real OAuth server, logs request bodies
        // (client secrets) at DEBUG and its own stack traces at ERROR; it reports failures to its
        // HTTP clients, so it stays silent.
        for (String quiet : new String[] {"no.nav", "mu", "okhttp3", "io.netty", "freemarker"}) {
            context.getLogger(quiet).setLevel(Level.OFF);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
