package org.smtpdoctor.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayEventsTest {

    @Test
    void valuesWithSpacesQuotesBackslashesOrControlCharactersAreQuotedAndOthersLeftBare() {
        assertThat(RelayEvents.line("e", "a", "plain@x.test", "b", 12, "c", List.of("x", "y"), "skipped", null))
                .isEqualTo("event=e a=plain@x.test b=12 c=x,y");
        assertThat(RelayEvents.line("e", "a", "", "b", "two words", "c", "say \"hi\"", "d", "back\\slash"))
                .isEqualTo("event=e a=\"\" b=\"two words\" c=\"say \\\"hi\\\"\" d=\"back\\\\slash\"");
        assertThat(RelayEvents.line("e", "a", "tab\there", "b", "del\u007F", "c", "line\r\nend"))
                .isEqualTo("event=e a=\"tab\\x09here\" b=\"del\\x7f\" c=\"line\\x0d\\x0aend\"");
    }
}
