package org.smtpdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStuffTest {

    private static String stuff(String in) {
        return new String(SmtpClient.dotStuff(in.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void leadingDotsAreDoubledAndLineEndsBecomeCrlf() {
        assertThat(stuff("a\n.b\r\n..c\rd")).isEqualTo("a\r\n..b\r\n...c\r\nd\r\n");
    }

    @Test
    void aLoneDotLineCannotEndTheMessageEarly() {
        assertThat(stuff("x\r\n.\r\ny")).isEqualTo("x\r\n..\r\ny\r\n");
    }

    @Test
    void aDotInsideALineIsLeftAlone() {
        assertThat(stuff("a.b\r\n")).isEqualTo("a.b\r\n");
        assertThat(stuff("")).isEmpty();
    }
}
