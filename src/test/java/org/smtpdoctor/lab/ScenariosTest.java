package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ScenariosTest {

    @Test
    void the_scenario_names_are_exactly_the_public_ones_healthy_first() {
        assertThat(Scenarios.all()).extracting(Scenario::name).containsExactly(
                "healthy", "tenant-smtp-auth-disabled", "mailbox-smtp-auth-disabled", "security-defaults",
                "conditional-access", "wrong-password", "account-locked", "basic-auth-retired", "sendas-denied",
                "throttled", "auth-server-busy", "mailbox-unlicensed", "starttls-stripped", "oauth-healthy", "oauth-missing-permission", "oauth-wrong-audience",
                "oauth-expired-token", "oauth-no-mailbox-permission", "graph-healthy", "graph-no-mail-send",
                "graph-mailbox-out-of-scope", "graph-throttled", "graph-least-privilege", "graph-rbac-for-apps");
    }

    @Test
    void each_failure_scenario_names_its_cause_id_from_causes_md_and_healthy_names_none() {
        assertThat(Scenarios.all()).extracting(Scenario::name, Scenario::expectedCause).containsExactly(
                org.assertj.core.groups.Tuple.tuple("healthy", null),
                org.assertj.core.groups.Tuple.tuple("tenant-smtp-auth-disabled", "tenant_smtp_auth_disabled"),
                org.assertj.core.groups.Tuple.tuple("mailbox-smtp-auth-disabled", "mailbox_smtp_auth_disabled"),
                org.assertj.core.groups.Tuple.tuple("security-defaults", "security_defaults_block"),
                org.assertj.core.groups.Tuple.tuple("conditional-access", "conditional_access_block"),
                org.assertj.core.groups.Tuple.tuple("wrong-password", "wrong_credentials"),
                org.assertj.core.groups.Tuple.tuple("account-locked", "account_locked_or_disabled"),
                org.assertj.core.groups.Tuple.tuple("basic-auth-retired", "basic_auth_retired"),
                org.assertj.core.groups.Tuple.tuple("sendas-denied", "sender_not_authorized_sendas"),
                org.assertj.core.groups.Tuple.tuple("throttled", "throttling_rate_limit"),
                org.assertj.core.groups.Tuple.tuple("auth-server-busy", "service_unavailable_transient"),
                org.assertj.core.groups.Tuple.tuple("mailbox-unlicensed", "mailbox_not_licensed"),
                org.assertj.core.groups.Tuple.tuple("starttls-stripped", "smtp_inspection_interference"),
                org.assertj.core.groups.Tuple.tuple("oauth-healthy", null),
                org.assertj.core.groups.Tuple.tuple("oauth-missing-permission", "oauth_scope_or_permission"),
                org.assertj.core.groups.Tuple.tuple("oauth-wrong-audience", "oauth_token_invalid"),
                org.assertj.core.groups.Tuple.tuple("oauth-expired-token", "oauth_token_invalid"),
                org.assertj.core.groups.Tuple.tuple("oauth-no-mailbox-permission", "oauth_scope_or_permission"),
                org.assertj.core.groups.Tuple.tuple("graph-healthy", null),
                org.assertj.core.groups.Tuple.tuple("graph-no-mail-send", "oauth_scope_or_permission"),
                org.assertj.core.groups.Tuple.tuple("graph-mailbox-out-of-scope", "oauth_scope_or_permission"),
                org.assertj.core.groups.Tuple.tuple("graph-throttled", "throttling_rate_limit"),
                org.assertj.core.groups.Tuple.tuple("graph-least-privilege", null),
                org.assertj.core.groups.Tuple.tuple("graph-rbac-for-apps", null));
    }

    @Test
    void every_scenario_has_a_summary_a_source_and_the_shared_demo_account() {
        assertThat(Scenarios.all()).allSatisfy(s -> {
            assertThat(s.summary()).isNotBlank().doesNotContain("\n");
            assertThat(s.source()).isNotBlank();
            assertThat(s.mailbox()).isEqualTo("scanner@contoso.com");
            assertThat(s.recipient()).contains("@");
        });
    }

    @Test
    void sendas_denied_defaults_to_a_sender_other_than_the_mailbox() {
        Scenario s = Scenarios.byName("sendas-denied").orElseThrow();
        assertThat(s.sender()).isEqualTo("finance@contoso.com").isNotEqualToIgnoringCase(s.mailbox());
    }

    @Test
    void only_wrong_password_defaults_to_a_password_the_account_does_not_have() {
        assertThat(Scenarios.all()).filteredOn(s -> !s.password().equals(Scenarios.PASSWORD))
                .extracting(Scenario::name).containsExactly("wrong-password");
    }

    @Test
    void lookup_by_name_is_exact() {
        assertThat(Scenarios.byName("throttled")).isPresent();
        assertThat(Scenarios.byName("Throttled")).isEmpty();
        assertThat(Scenarios.byName("nope")).isEmpty();
    }

    @Test
    void a_scenario_never_prints_its_password() {
        assertThat(Scenarios.byName("healthy").orElseThrow().toString()).doesNotContain(Scenarios.PASSWORD);
    }
}
