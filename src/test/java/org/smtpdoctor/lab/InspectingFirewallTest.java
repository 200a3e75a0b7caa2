package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InspectingFirewallTest {

    @Test
    void the_banner_keeps_only_its_code_and_the_digits_2_and_0() {
        assertThat(InspectingFirewall.maskBanner("220 A0B2 x 2020"))
                .isEqualTo("220 *0*2***2020");
    }

    @Test
    void lines_that_are_not_a_220_greeting_pass_unchanged() {
        assertThat(InspectingFirewall.maskBanner("421 4.3.2 busy")).isEqualTo("421 4.3.2 busy");
    }

    @Test
    void starttls_in_an_ehlo_reply_becomes_the_same_length_placeholder() {
        assertThat(InspectingFirewall.maskEhloLine("250-STARTTLS")).isEqualTo("250-XXXXXXXA");
        assertThat(InspectingFirewall.maskEhloLine("250 starttls")).isEqualTo("250 XXXXXXXA");
        assertThat(InspectingFirewall.maskEhloLine("250-STARTTLS").length()).isEqualTo("250-STARTTLS".length());
    }

    @Test
    void other_ehlo_keywords_pass_unchanged() {
        assertThat(InspectingFirewall.maskEhloLine("250-SIZE 157286400")).isEqualTo("250-SIZE 157286400");
        assertThat(InspectingFirewall.maskEhloLine("250-X-STARTTLSISH")).isEqualTo("250-X-STARTTLSISH");
    }
}
