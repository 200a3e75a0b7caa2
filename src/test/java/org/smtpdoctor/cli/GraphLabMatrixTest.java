package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;

/** Every graph-* lab scenario, judged by relay --check-config against the lab's Graph: its cause, exit code, fix. */
class GraphLabMatrixTest {

    static final String SECRET = "Canary-check-config-" + System.nanoTime();

    @TempDir
    Path dir;

    static Stream<String> scenarios() {
        return Scenarios.all().stream().filter(Scenario::graph).map(Scenario::name);
    }

    Cli.Run checkConfig(LabServer lab, String extra) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        LabOAuth entra = lab.entra().orElseThrow();
        entra.addClientSecret(SECRET); // the app's own secret, a canary: the lab's Entra refuses others
        String url = "m365-graph://scanner@contoso.com?tenant=" + entra.tenant() + "&client-id=" + entra.clientId()
                + "&client-secret-file=" + secret + "&authority=" + entra.authority() + "&graph=" + lab.graph().orElseThrow().url() + extra;
        return Cli.run("relay", "--check-config", "--listen", "127.0.0.1:0", "--allow", "127.0.0.1/32", "--spool",
                dir.resolve("spool").toString(), "--upstream", url);
    }

    @ParameterizedTest(name = "relay --check-config against {0}")
    @MethodSource("scenarios")
    void eachGraphScenarioIsDiagnosedAsItsCauseWithoutSendingMail(String name) throws Exception {
        Scenario scenario = Scenarios.byName(name).orElseThrow();
        try (LabServer lab = LabServer.start(scenario, 0)) {
            // Mail.Send alone covers one request: the least-privilege app relays with large=refuse.
            Cli.Run run = checkConfig(lab, name.equals("graph-least-privilege") || name.equals("graph-rbac-for-apps") ? "&large=refuse" : "");
            assertThat(run.out() + run.err()).doesNotContain(SECRET).doesNotContainPattern("eyJ[\\w-]{10,}\\.");
            if (scenario.expectedCause() == null) {
                assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCode.OK);
                assertThat(run.out()).contains("verified      the token, the Mail.Send permission and scanner@contoso.com within",
                        "not verified  Send As for From addresses", "Configuration OK.");
            } else {
                assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCode.FAILED);
                assertThat(run.out()).contains("Problem: ", "[" + scenario.expectedCause() + ", ");
            }
            assertThat(lab.graph().orElseThrow().sent()).as("nothing was sent").isEmpty();
        }
    }

    @Test
    void theFixesNameTheExchangeCommandsForPermissionAndScope() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("graph-no-mail-send").orElseThrow(), 0)) {
            assertThat(checkConfig(lab, "").out()).contains("New-ManagementRoleAssignment -App", "'Application Mail.Send'",
                    "Grant admin consent");
        }
        try (LabServer lab = LabServer.start(Scenarios.byName("graph-mailbox-out-of-scope").orElseThrow(), 0)) {
            assertThat(checkConfig(lab, "").out()).contains("New-ApplicationAccessPolicy -AppId", "Test-ApplicationAccessPolicy",
                    "rule graph.mailbox-out-of-scope");
        }
    }

    @Test
    void anAppWithMailSendOnlyIsToldThatLargeMessagesNeedMailReadWrite() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("graph-least-privilege").orElseThrow(), 0)) {
            Cli.Run run = checkConfig(lab, "");
            assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
            assertThat(run.out()).contains("Mail.ReadWrite", "[oauth_scope_or_permission, ");
        }
    }

    @Test
    void largeRefuseShowsTheSizeDevicesWillBeToldAndDraftsAreCheckedOnlyWhenUsed() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("graph-healthy").orElseThrow(), 0)) {
            Cli.Run refuse = checkConfig(lab, "&large=refuse");
            assertThat(refuse.out()).contains("may send up to 3145728 bytes").doesNotContain("Drafts folder");
            Cli.Run upload = checkConfig(lab, "");
            assertThat(upload.out()).contains("read access to scanner@contoso.com's Drafts folder",
                    "not verified  writing a draft (Mail.ReadWrite)");
        }
    }
}
