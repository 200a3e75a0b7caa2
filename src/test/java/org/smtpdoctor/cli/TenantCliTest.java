package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;

/** smtp-doctor tenant against the lab's Graph: Microsoft's own verdict from the sign-in log, policies, permissions. */
class TenantCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Basic-auth scenarios whose sign-in log entry is a failure Entra decided, and the cause it names. */
    private static final Map<String, String> ENTRA_DECIDES = Map.of("wrong-password", "wrong_credentials",
            "account-locked", "account_locked_or_disabled", "security-defaults", "security_defaults_block",
            "conditional-access", "conditional_access_block");

    static JsonNode check(JsonNode doc, String id) {
        for (JsonNode c : doc.get("checks")) {
            if (c.get("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + doc);
    }

    static Stream<String> basicScenarios() {
        return Scenarios.all().stream().filter(s -> !s.graph() && !s.name().startsWith("oauth-")
                && !s.name().equals("starttls-stripped")).map(Scenario::name);
    }

    @ParameterizedTest(name = "tenant --lab {0}")
    @MethodSource("basicScenarios")
    void everyBasicAuthScenarioIsDecidedByItsSignInLogEntry(String name) throws Exception {
        Cli.Run run = Cli.run("tenant", "--lab", name, "--json");
        assertThat(run.err()).isEmpty();
        JsonNode doc = JSON.readTree(run.out());
        JsonNode signIns = check(doc, "sign-ins");
        if (ENTRA_DECIDES.containsKey(name)) {
            assertThat(signIns.get("status").asText()).isEqualTo("FAIL");
            assertThat(doc.get("cause").asText()).isEqualTo(ENTRA_DECIDES.get(name));
            assertThat(doc.get("diagnosis").get("confidence").asText()).isEqualTo("high");
            assertThat(doc.get("diagnosis").get("matched").get("rule").asText()).startsWith("signin.");
            assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        } else {
            // Entra accepted the password: what refused the device (if anything) is Exchange's own.
            assertThat(signIns.get("status").asText()).isEqualTo("PASS");
            assertThat(signIns.get("summary").asText()).contains("Entra accepted the password");
            assertThat(doc.get("verdict").asText()).isNotEqualTo("FAIL");
            assertThat(run.exit()).isEqualTo(ExitCode.OK);
        }
    }

    @Test
    void securityDefaultsAreNamedWithHighConfidenceAndTheJsonIsShapedLikeChecks() throws Exception {
        Cli.Run run = Cli.run("tenant", "--lab", "security-defaults", "--json");
        JsonNode doc = JSON.readTree(run.out());
        List<String> top = new ArrayList<>();
        doc.fieldNames().forEachRemaining(top::add);
        assertThat(top).containsExactly("tool", "version", "target", "verdict", "cause", "diagnosis", "checks");
        assertThat(doc.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(doc.get("cause").asText()).isEqualTo("security_defaults_block");
        assertThat(doc.get("diagnosis").get("confidence").asText()).isEqualTo("high");
        List<String> ids = new ArrayList<>();
        doc.get("checks").forEach(c -> ids.add(c.get("id").asText()));
        assertThat(ids).containsExactly("token", "security-defaults", "conditional-access", "sign-ins", "app-sign-ins",
                "exchange-settings");
        assertThat(check(doc, "security-defaults").get("permission").asText()).isEqualTo("Policy.Read.All");
        assertThat(check(doc, "security-defaults").get("status").asText()).isEqualTo("FAIL");
        assertThat(check(doc, "exchange-settings").get("details").toString()).contains("Get-TransportConfig", "Get-CASMailbox");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
    }

    @Test
    void aConditionalAccessPolicyThatBlocksLegacySignInsIsNamed() throws Exception {
        Cli.Run run = Cli.run("tenant", "--lab", "conditional-access", "--no-color");
        assertThat(run.out()).contains("FAIL conditional-access  'Block legacy authentication' blocks legacy sign-ins",
                "Verdict: FAIL (conditional_access_block)");
    }

    @Test
    void anAppWithoutTheReadPermissionsGetsEachCheckSkippedWithThePermissionItNeeds() throws Exception {
        JsonNode doc = JSON.readTree(Cli.run("tenant", "--lab", "graph-least-privilege", "--json").out());
        assertThat(check(doc, "token").get("status").asText()).isEqualTo("WARN");
        for (String id : List.of("security-defaults", "conditional-access", "sign-ins")) {
            JsonNode c = check(doc, id);
            assertThat(c.get("status").asText()).as(id).isEqualTo("SKIP");
            assertThat(c.get("summary").asText()).as(id).startsWith("skipped: needs " + c.get("permission").asText());
        }
    }

    @Test
    void theAppsOwnTokenRequestsAreReadWhenAsked() throws Exception {
        JsonNode doc = JSON.readTree(Cli.run("tenant", "--lab", "graph-healthy", "--app-id",
                org.smtpdoctor.lab.LabOAuth.CLIENT_ID, "--json").out());
        assertThat(check(doc, "app-sign-ins").get("status").asText()).isEqualTo("PASS");
        assertThat(check(doc, "app-sign-ins").get("summary").asText()).contains("succeeded");
    }

    @Test
    void aRealAppsSecretAndTokensNeverReachTheOutput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String canary = "Canary-tenant-5ecret-" + System.nanoTime();
        java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("secret"), canary + "\n");
        try (org.smtpdoctor.lab.LabServer lab = org.smtpdoctor.lab.LabServer.startWithGraph(
                Scenarios.byName("conditional-access").orElseThrow(), 0)) {
            var entra = lab.entra().orElseThrow();
            entra.addClientSecret(canary); // the app's own secret: the lab's Entra refuses others
            for (String format : List.of("--json", "--no-color")) {
                Cli.Run run = Cli.run("tenant", "--tenant", entra.tenant(), "--client-id", entra.clientId(), "--client-secret-file",
                        secret.toString(), "--authority", entra.authority(), "--graph", lab.graph().orElseThrow().url(),
                        "--user", "scanner@contoso.com", "--no-token-cache", format);
                assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.FAILED);
                assertThat(run.out() + run.err()).contains("conditional_access_block").doesNotContain(canary)
                        .doesNotContainPattern("eyJ[\\w-]{10,}\\.");
            }
        }
    }

    @Test
    void withoutAnAppItSaysHowToGiveOne() {
        Cli.Run run = Cli.run("tenant");
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--client-id", "--lab");
    }
}
