package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;

/** Every lab scenario, checked end to end through the command line: cause, exit code, golden transcript. */
class LabMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every SMTP scenario; the oauth-* ones get a real token from the lab's own Entra by client
     * credentials. The graph-* scenarios are about the lab's Graph (GraphLabMatrixTest).
     */
    static Stream<String> scenarios() {
        return Scenarios.all().stream().filter(s -> !s.graph()).map(Scenario::name);
    }

    @ParameterizedTest(name = "check --lab {0}")
    @MethodSource("scenarios")
    void eachScenarioIsDiagnosedAsItsCause(String name) throws Exception {
        Scenario scenario = Scenarios.byName(name).orElseThrow();
        Cli.Run run = scenario.signInLogDecides() ? Cli.run("check", "--lab", name, "--tenant-diagnostics", "--json")
                : Cli.run("check", "--lab", name, "--json");
        assertThat(run.err()).isEmpty();
        JsonNode doc = JSON.readTree(run.out());
        if (scenario.expectedCause() == null) {
            assertThat(doc.get("verdict").asText()).isEqualTo("PASS");
            assertThat(doc.get("cause").isNull()).isTrue();
            assertThat(run.exit()).isEqualTo(ExitCode.OK);
        } else {
            assertThat(doc.get("cause").asText()).isEqualTo(scenario.expectedCause());
            assertThat(doc.get("verdict").asText()).isEqualTo("FAIL");
            assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        }
        StringBuilder transcript = new StringBuilder();
        for (JsonNode e : doc.get("transcript")) {
            transcript.append(e.get("dir").asText()).append(e.get("tls").asBoolean() ? " tls " : " ")
                    .append(e.get("text").asText()).append('\n');
        }
        Golden.assertMatches("lab-" + name + ".transcript", transcript.toString());
    }

    /** Where the reply does not name the policy, the wire alone leaves the cause open and ranks the scenario's first. */
    @Test
    void aReplyThatDoesNotNameThePolicyLeavesTheSignInLogToDecide() throws Exception {
        Scenario scenario = Scenarios.byName("conditional-access").orElseThrow();
        assertThat(scenario.signInLogDecides()).isTrue();
        assertThat(Scenarios.all().stream().filter(Scenario::signInLogDecides)).containsExactly(scenario);
        Cli.Run run = Cli.run("check", "--lab", scenario.name(), "--json");
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(doc.get("cause").asText()).isEqualTo("unknown");
        assertThat(doc.at("/diagnosis/candidates/0/cause").asText()).isEqualTo(scenario.expectedCause());
        assertThat(doc.at("/diagnosis/candidates/0/decide_by").asText()).contains("--tenant-diagnostics");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
    }

    @Test
    void aDeviceWithoutAuthenticationIsToldSo() throws Exception {
        Cli.Run run = Cli.run("check", "--lab", "healthy", "--no-auth", "--json");
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("cause").asText()).isEqualTo("client_not_authenticated");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
    }

    @Test
    void theChecklistForAScenarioReadsAsExpected() throws Exception {
        Cli.Run run = Cli.run("check", "--lab", "tenant-smtp-auth-disabled", "--no-color");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        Golden.assertMatches("check-tenant-smtp-auth-disabled.txt", run.out());
    }

    @Test
    void aTls12DevicePassesTheHealthyLab() throws Exception {
        Cli.Run run = Cli.run("check", "--lab", "healthy", "--device-tls", "1.2", "--json");
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("verdict").asText()).isEqualTo("PASS");
        assertThat(doc.get("transcript").toString()).contains("TLS started with TLSv1.2");
    }
}
