package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smtpdoctor.relay.config.UpstreamUrl;

/** A value that goes into an SMTP command cannot carry a second command: CR, LF and other controls are refused. */
class CommandInjectionTest {

    @ParameterizedTest
    @CsvSource({"--from", "--to", "--ehlo-name", "--user"})
    void a_line_break_in_a_value_for_the_wire_is_a_usage_error_and_nothing_is_sent(String option) {
        Cli.Run run = Cli.run("check", "--lab", "healthy", option, "a@contoso.com\r\nRCPT TO:<evil@example.org>");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("smtp-doctor: " + option + " contains a control character").doesNotContain("evil");
        assertThat(run.out()).isEmpty();
        assertThat(Cli.run("check", "--lab", "healthy", option, "a@contoso.com\nX").exit()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("check", "--lab", "healthy", option, "a\u001b@contoso.com").exit()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void an_upstream_helo_with_a_line_break_is_refused() {
        assertThatThrownBy(() -> UpstreamUrl.parse("smtp://h?helo=relay%0d%0aRCPT%20TO:x")).hasMessageContaining("helo must be a host name");
        assertThat(UpstreamUrl.parse("smtp://h?helo=relay.contoso.com").parameters()).containsEntry("helo", "relay.contoso.com");
        assertThat(UpstreamUrl.parse("smtp://h?helo=%5B192.0.2.1%5D").parameters()).containsEntry("helo", "[192.0.2.1]");
    }
}
