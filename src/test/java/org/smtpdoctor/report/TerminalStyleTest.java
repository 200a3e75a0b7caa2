package org.smtpdoctor.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalStyleTest {

    @Test
    void colourOnATerminalUnlessNoColorIsSetToSomething() {
        assertThat(TerminalStyle.detect(true, Map.of("TERM", "xterm-256color"), "UTF-8").color()).isTrue();
        assertThat(TerminalStyle.detect(true, Map.of("TERM", "xterm", "NO_COLOR", "1"), "UTF-8").color()).isFalse();
        // no-color.org: "when present and not an empty string"
        assertThat(TerminalStyle.detect(true, Map.of("TERM", "xterm", "NO_COLOR", ""), "UTF-8").color()).isTrue();
        assertThat(TerminalStyle.detect(true, Map.of("TERM", "dumb"), "UTF-8").color()).isFalse();
        assertThat(TerminalStyle.detect(false, Map.of("TERM", "xterm"), "UTF-8").color()).isFalse();
    }

    @Test
    void unicodeMarksOnlyOnAUtfTerminal() {
        assertThat(TerminalStyle.detect(true, Map.of(), "UTF-8").unicode()).isTrue();
        assertThat(TerminalStyle.detect(true, Map.of(), "Cp1252").unicode()).isFalse();
        assertThat(TerminalStyle.detect(false, Map.of(), "UTF-8").unicode()).isFalse();
    }
}
