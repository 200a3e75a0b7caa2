package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MailPathTest {

    private static Optional<String> from(String argument) {
        return MailPath.reversePath(argument).map(MailPath.Parsed::address);
    }

    @Test
    void quotedLocalPartsAreAcceptedAsRfc5321AllowsAndKeptExactlyAsReceived() {
        assertThat(from("FROM:<\"x y\"@test.local>")).contains("\"x y\"@test.local");
        assertThat(MailPath.forwardPath("TO:<\"a b\"@contoso.com>").map(MailPath.Parsed::address)).contains("\"a b\"@contoso.com");
        assertThat(from("FROM:<\"a>b@c\"@test.local>")).as("> and @ inside the quotes").contains("\"a>b@c\"@test.local");
        assertThat(from("FROM:<\"say \\\"hi\\\"\"@test.local>")).as("quoted pairs").contains("\"say \\\"hi\\\"\"@test.local");
        assertThat(from("FROM:\"x y\"@test.local SIZE=10")).as("bare, as devices send").contains("\"x y\"@test.local");
        assertThat(from("FROM:<\"\"@test.local>")).as("an empty quoted string is syntax the RFC allows").contains("\"\"@test.local");
        assertThat(MailPath.reversePath("FROM:<\"x y\"@test.local> SIZE=100 BODY=8BITMIME").orElseThrow().parameters())
                .isEqualTo("SIZE=100 BODY=8BITMIME");
    }

    @Test
    void devicesHabitsStayUnderstood() {
        assertThat(from("FROM:<a@b.test>")).contains("a@b.test");
        assertThat(from("from : <a@b.test>")).contains("a@b.test");
        assertThat(from("FROM: <a@b.test>")).contains("a@b.test");
        assertThat(from("FROM:a@b.test")).contains("a@b.test");
        assertThat(from("FROM:<>")).contains("");
        assertThat(from("FROM:<@relay.example:a@b.test>")).as("source route dropped").contains("a@b.test");
        assertThat(from("FROM:<scan_01..x@[192.0.2.1]>")).contains("scan_01..x@[192.0.2.1]");
    }

    @Test
    void whatIsNoPathIsRefused() {
        assertThat(from("FROM:<\"x y@test.local>")).as("unclosed quote").isEmpty();
        assertThat(from("FROM:<\"x y\">")).as("no domain").isEmpty();
        assertThat(from("FROM:<\"x y\"test.local>")).as("no @ after the quotes").isEmpty();
        assertThat(from("FROM:<x y@test.local>")).as("a space needs quotes").isEmpty();
        assertThat(from("FROM:<\"x\u0000y\"@test.local>")).as("control characters, quoted or not").isEmpty();
        assertThat(from("FROM:<a@b.test")).as("unclosed bracket").isEmpty();
        assertThat(from("FROM:<a@@b.test>")).isEmpty();
        assertThat(from("TO:<a@b.test>")).as("the wrong keyword").isEmpty();
    }
}
