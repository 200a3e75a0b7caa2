package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SubmissionPolicyTest {

    private static final String TOKEN = "token-123";

    private static SubmissionPolicy policy(String scenario) {
        Scenarios.Definition d = Scenarios.definition(scenario);
        return new SubmissionPolicy(d.scenario(), d.fault(), TOKEN);
    }

    @Test
    void the_mailbox_with_its_password_is_accepted_in_the_healthy_scenario_whatever_the_case_of_the_user() {
        assertThat(policy("healthy").basic("Scanner@Contoso.com", Scenarios.PASSWORD))
                .isEqualTo(new SubmissionPolicy.Accepted("scanner@contoso.com"));
    }

    @Test
    void each_basic_auth_fault_gives_its_own_reply_for_correct_credentials() {
        assertThat(List.of("tenant-smtp-auth-disabled", "mailbox-smtp-auth-disabled", "security-defaults",
                "conditional-access", "account-locked", "basic-auth-retired"))
                .allSatisfy(name -> assertThat(policy(name).basic("scanner@contoso.com", Scenarios.PASSWORD))
                        .isEqualTo(new SubmissionPolicy.Rejected(Scenarios.definition(name).failureReply())));
    }

    @Test
    void wrong_credentials_are_reported_before_policy_blocks() {
        assertThat(policy("security-defaults").basic("scanner@contoso.com", "nope"))
                .isEqualTo(new SubmissionPolicy.Rejected(M365Replies.AUTH_CREDENTIALS_INCORRECT));
        assertThat(policy("healthy").basic("someone@contoso.com", Scenarios.PASSWORD))
                .isEqualTo(new SubmissionPolicy.Rejected(M365Replies.AUTH_CREDENTIALS_INCORRECT));
    }

    @Test
    void the_wrong_password_scenario_refuses_its_own_default_password() {
        Scenario s = Scenarios.byName("wrong-password").orElseThrow();
        assertThat(policy("wrong-password").basic(s.mailbox(), s.password()))
                .isEqualTo(new SubmissionPolicy.Rejected(M365Replies.AUTH_CREDENTIALS_INCORRECT));
    }

    @Test
    void xoauth2_needs_the_mailbox_and_the_demo_token() {
        assertThat(policy("healthy").xoauth2("scanner@contoso.com", TOKEN)).isInstanceOf(SubmissionPolicy.Accepted.class);
        assertThat(policy("healthy").xoauth2("scanner@contoso.com", "other"))
                .isEqualTo(new SubmissionPolicy.Rejected(M365Replies.AUTH_UNSUCCESSFUL));
        assertThat(policy("healthy").xoauth2("other@contoso.com", TOKEN))
                .isEqualTo(new SubmissionPolicy.Rejected(M365Replies.AUTH_UNSUCCESSFUL));
        assertThat(policy("account-locked").xoauth2("scanner@contoso.com", TOKEN))
                .isEqualTo(new SubmissionPolicy.Rejected(M365Replies.AUTH_UNSUCCESSFUL));
    }

    @Test
    void a_message_from_the_mailbox_itself_is_accepted() {
        assertThat(policy("healthy").endOfData("scanner@contoso.com", MailTransaction.from("SCANNER@contoso.com"),
                bytes("From: \"Scanner\" <scanner@contoso.com>\r\n\r\nhi\r\n"))).isEmpty();
    }

    @Test
    void a_foreign_envelope_sender_is_denied_send_as() {
        assertThat(policy("healthy").endOfData("scanner@contoso.com", MailTransaction.from("finance@contoso.com"),
                bytes("Subject: x\r\n\r\nhi\r\n")))
                .hasValueSatisfying(r -> assertThat(r).startsWith(
                        "554 5.2.252 SendAsDenied; scanner@contoso.com not allowed to send as finance@contoso.com;"));
    }

    @Test
    void a_foreign_folded_from_header_is_denied_send_as_even_with_a_null_reverse_path() {
        assertThat(policy("healthy").endOfData("scanner@contoso.com", MailTransaction.from(""),
                bytes("From: \"Finance\"\r\n <finance@contoso.com>\r\n\r\nhi\r\n")))
                .hasValueSatisfying(r -> assertThat(r).contains("not allowed to send as finance@contoso.com"));
    }

    @Test
    void the_throttled_scenario_refuses_every_message_with_a_transient_reply() {
        assertThat(policy("throttled").endOfData("scanner@contoso.com", MailTransaction.from("scanner@contoso.com"),
                bytes("\r\n"))).hasValueSatisfying(r -> assertThat(r).startsWith("432 4.3.2 "));
    }

    @Test
    void the_message_id_is_read_from_the_header_with_its_brackets() {
        assertThat(HeaderFields.messageId(bytes("Message-Id:  <a.b@c>\r\n\r\n"))).hasValue("<a.b@c>");
        assertThat(HeaderFields.messageId(bytes("Subject: none\r\n\r\nMessage-ID: <body@x>\r\n"))).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
