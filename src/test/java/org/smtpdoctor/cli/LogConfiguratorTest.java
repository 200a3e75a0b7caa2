package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {

    @Test
    void everyLogLineStartsWithTheDateTheTimeAndTheUtcOffset() {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(LogConfigurator.PATTERN);
        layout.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("org.smtpdoctor.relay.events"), Level.WARN,
                "event=spool.low free=1", null, null);
        String line = layout.doLayout(event).strip();
        assertThat(line).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) WARN  \\S+ - event=spool.low free=1");
        // A complete ISO 8601 instant: it parses, zone and all, so lines from years apart still sort and compare.
        assertThat(OffsetDateTime.parse(line.substring(0, line.indexOf(' ')))).isNotNull();
    }
}
