package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** check --tenant-diagnostics: after an AUTH failure, Microsoft Graph's answer folded into the check's diagnosis. */
class TenantDiagnosticsCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode step(JsonNode doc, String id) {
        for (JsonNode s : doc.get("steps")) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no step " + id);
    }

    @Test
    void aWrongPasswordIsNamedFromTheSignInLogWithHighConfidence() throws Exception {
        Cli.Run run = Cli.run("check", "--lab", "wrong-password", "--tenant-diagnostics", "--json");
        assertThat(run.err()).isEmpty();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("cause").asText()).isEqualTo("wrong_credentials");
        assertThat(doc.get("diagnosis").get("confidence").asText()).isEqualTo("high");
        assertThat(doc.get("diagnosis").get("matched").get("rule").asText()).isEqualTo("signin.password-wrong");
        assertThat(doc.get("diagnosis").get("matched").get("text").asText()).startsWith("Sign-in error code: 50126.");
        JsonNode tenant = step(doc, "tenant");
        assertThat(tenant.get("status").asText()).isEqualTo("FAIL");
        assertThat(tenant.get("details").toString()).contains("FAIL sign-ins");
        assertThat(step(doc, "auth").get("cause").asText()).isEqualTo("wrong_credentials");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
    }

    @Test
    void theSignInLogDecidesEveryScenarioEntraRefused() throws Exception {
        for (String[] c : new String[][] {{"security-defaults", "security_defaults_block", "signin.security-defaults"},
            {"conditional-access", "conditional_access_block", "signin.conditional-access"},
            {"account-locked", "account_locked_or_disabled", "signin.account-locked"}}) {
            JsonNode doc = JSON.readTree(Cli.run("check", "--lab", c[0], "--tenant-diagnostics", "--json").out());
            assertThat(doc.get("cause").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(doc.get("diagnosis").get("confidence").asText()).as(c[0]).isEqualTo("high");
            assertThat(doc.get("diagnosis").get("matched").get("rule").asText()).as(c[0]).isEqualTo(c[2]);
        }
    }

    @Test
    void aSwitchRefusalKeepsTheRepliesCauseAndGraphSaysEntraAcceptedThePassword() throws Exception {
        JsonNode doc = JSON.readTree(Cli.run("check", "--lab", "tenant-smtp-auth-disabled", "--tenant-diagnostics", "--json").out());
        assertThat(doc.get("cause").asText()).isEqualTo("tenant_smtp_auth_disabled");
        assertThat(step(doc, "tenant").get("details").toString()).contains("Entra accepted the password");
    }

    @Test
    void aCheckThatDidNotFailAtAuthSkipsTheTenantStep() throws Exception {
        JsonNode doc = JSON.readTree(Cli.run("check", "--lab", "healthy", "--tenant-diagnostics", "--json").out());
        assertThat(doc.get("verdict").asText()).isEqualTo("PASS");
        assertThat(step(doc, "tenant").get("status").asText()).isEqualTo("SKIP");
    }

    @Test
    void theChecklistShowsTheTenantStepLast() {
        Cli.Run run = Cli.run("check", "--lab", "wrong-password", "--tenant-diagnostics", "--no-color");
        assertThat(run.out()).contains("FAIL tenant", "Microsoft Graph: Entra refused the device's password [wrong_credentials]",
                "Verdict: FAIL (wrong_credentials)");
    }

    @Test
    void withoutAGraphAppItSaysWhatToGive() {
        Cli.Run run = Cli.run("check", "--host", "127.0.0.1", "--port", "1", "--user", "a@contoso.com", "--no-auth",
                "--tenant-diagnostics");
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--graph-client-id");
    }
}
