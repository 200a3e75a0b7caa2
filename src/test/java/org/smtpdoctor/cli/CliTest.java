package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;

class CliTest {

    private static void assertUsageError(Cli.Run run, String expected) {
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.err().lines().count()).isLessThanOrEqualTo(2);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void onlyAModernTlsCheckSetsTlsUpBesideTheParsing() {
        assertThat(SmtpDoctorCommand.warmsTlsUp("check", "--host", "mail.example.org", "--no-auth")).isTrue();
        assertThat(SmtpDoctorCommand.warmsTlsUp("check", "--lab", "oauth-healthy")).isTrue();
        // TLS 1.0/1.1 must be allowed before any TLS use in the process (LegacyTls)
        assertThat(SmtpDoctorCommand.warmsTlsUp("check", "--lab", "healthy", "--device-tls", "1.0")).isFalse();
        assertThat(SmtpDoctorCommand.warmsTlsUp("check", "--lab", "healthy", "--device-tls=1.1")).isFalse();
        assertThat(SmtpDoctorCommand.warmsTlsUp("check", "@options.txt")).isFalse();
        assertThat(SmtpDoctorCommand.warmsTlsUp("check", "--help")).isFalse();
        assertThat(SmtpDoctorCommand.warmsTlsUp("check", "-V")).isFalse();
        assertThat(SmtpDoctorCommand.warmsTlsUp("tls", "--host", "mail.example.org")).isFalse();
        assertThat(SmtpDoctorCommand.warmsTlsUp()).isFalse();
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertUsageError(Cli.run("check", "--lab", "healthy", "--frobnicate"), "unknown option '--frobnicate'");
    }

    @Test
    void anUnknownScenarioIsAUsageErrorNamingTheKnownOnes() {
        assertUsageError(Cli.run("check", "--lab", "nope"), "unknown lab scenario 'nope'; known: healthy");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        assertUsageError(Cli.run("check", "--host", "127.0.0.1", "--port", "70000", "--no-auth"), "out of range");
    }

    @Test
    void aMissingCertificateFileIsAUsageError() {
        assertUsageError(Cli.run("check", "--host", "127.0.0.1", "--trust-cert", "/nonexistent.pem", "--no-auth"),
                "cannot read a certificate from /nonexistent.pem: no such file");
    }

    @Test
    void aFileWithoutCertificatesIsAUsageError(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertUsageError(Cli.run("check", "--host", "127.0.0.1", "--trust-cert", junk.toString(), "--no-auth"),
                "cannot read a certificate from");
    }

    @Test
    void aMissingPasswordFileIsAUsageError() {
        assertUsageError(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-file", "/nonexistent"),
                "cannot read the password file /nonexistent: no such file");
    }

    @Test
    void anUnsetPasswordVariableIsAUsageError() {
        assertUsageError(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-env", "SMTP_DOCTOR_SURELY_UNSET_VAR"),
                "environment variable SMTP_DOCTOR_SURELY_UNSET_VAR (for the password) is not set");
    }

    @Test
    void aUserWithoutAPasswordAndNoTerminalIsAUsageError() {
        assertUsageError(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c"), "no password for a@b.c");
    }

    @Test
    void noTargetIsAUsageError() {
        assertUsageError(Cli.run("check"), "say where to connect");
    }

    @Test
    void anUnknownPresetIsAUsageError() {
        assertUsageError(Cli.run("check", "--preset", "m366", "--no-auth"), "unknown preset 'm366'; known: m365");
    }

    @Test
    void theMxRoutesNeedADomain() {
        assertUsageError(Cli.run("check", "--preset", "m365-direct-send"), "needs --domain");
        assertUsageError(Cli.run("check", "--preset", "m365", "--domain", "contoso.com", "--no-auth"), "--domain goes with");
    }

    @Test
    void labAndHostCannotBeCombined() {
        assertUsageError(Cli.run("check", "--lab", "healthy", "--host", "example.org"), "cannot be combined");
    }

    @Test
    void helpListsTheOptionsAndExitCodes() {
        Cli.Run run = Cli.run("check", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--preset", "--password-env", "--trust-cert", "--json", "--transcript",
                "--no-auth", "Exit codes:", "m365-hve");
    }

    @Test
    void labListShowsEveryScenarioWithItsCause() {
        Cli.Run run = Cli.run("lab", "--list");
        assertThat(run.exit()).isZero();
        for (Scenario s : Scenarios.all()) {
            assertThat(run.out()).contains(s.name());
            if (s.expectedCause() != null) {
                assertThat(run.out()).contains(s.expectedCause());
            }
        }
    }

    @Test
    void theJsonDocumentHasThePublicFields() throws Exception {
        Cli.Run run = Cli.run("check", "--lab", "wrong-password", "--json");
        JsonNode doc = new ObjectMapper().readTree(run.out());
        List<String> top = new ArrayList<>();
        doc.fieldNames().forEachRemaining(top::add);
        assertThat(top).contains("tool", "version", "target", "verdict", "cause", "steps", "transcript");
        assertThat(doc.get("tool").asText()).isEqualTo("smtp-doctor");
        assertThat(doc.get("target").get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(doc.get("target").get("port").asInt()).isPositive();
        assertThat(doc.get("target").get("security").asText()).isEqualTo("starttls");
        assertThat(doc.get("cause").asText()).isEqualTo("wrong_credentials");
        JsonNode candidates = doc.get("diagnosis").get("candidates");
        assertThat(candidates.isArray() && candidates.size() >= 1 && candidates.size() <= 3).as(candidates.toString()).isTrue();
        assertThat(candidates.get(0).get("cause").asText()).isEqualTo("wrong_credentials");
        assertThat(candidates.get(0).get("decide_by").asText()).isNotBlank();
        List<String> ids = new ArrayList<>();
        for (JsonNode step : doc.get("steps")) {
            ids.add(step.get("id").asText());
            assertThat(step.has("status") && step.has("duration_ms") && step.has("summary") && step.has("cause")
                    && step.has("remedy")).as(step.toString()).isTrue();
            assertThat(step.get("status").asText()).isIn("PASS", "WARN", "FAIL", "SKIP");
        }
        assertThat(ids).containsExactly("config", "dns", "tcp", "banner", "ehlo", "tls", "certificate",
                "auth-mechanisms", "auth", "mail-from", "rcpt-to", "data");
        JsonNode auth = doc.get("steps").get(8);
        assertThat(auth.get("cause").asText()).isEqualTo("wrong_credentials");
        assertThat(auth.get("remedy").isArray()).isTrue();
        JsonNode first = doc.get("transcript").get(0);
        assertThat(first.has("t_ms") && first.has("dir") && first.has("tls") && first.has("text")).isTrue();
    }

    @Test
    void aCheckCommandLineBuildsOnlyTheCheckCommandAndBehavesAsWithEveryCommand() {
        java.io.StringWriter prunedOut = new java.io.StringWriter();
        java.io.StringWriter fullOut = new java.io.StringWriter();
        java.io.StringWriter prunedErr = new java.io.StringWriter();
        java.io.StringWriter fullErr = new java.io.StringWriter();
        java.util.Map<String, String> env = java.util.Map.of("COLUMNS", "100");
        picocli.CommandLine pruned = SmtpDoctorCommand.commandLine(new java.io.PrintWriter(prunedOut, true),
                new java.io.PrintWriter(prunedErr, true), env, true, "check", "--help");
        assertThat(pruned.getSubcommands().keySet()).containsExactly("check");
        picocli.CommandLine full = SmtpDoctorCommand.commandLine(new java.io.PrintWriter(fullOut, true),
                new java.io.PrintWriter(fullErr, true), env, true);
        assertThat(full.getSubcommands().keySet()).contains("check", "relay", "explain", "help");
        for (String[] args : new String[][] {{"check", "--help"}, {"check", "--frobnicate"}, {"check", "--port", "x"}}) {
            prunedOut.getBuffer().setLength(0);
            fullOut.getBuffer().setLength(0);
            prunedErr.getBuffer().setLength(0);
            fullErr.getBuffer().setLength(0);
            assertThat(SmtpDoctorCommand.commandLine(new java.io.PrintWriter(prunedOut, true),
                    new java.io.PrintWriter(prunedErr, true), env, true, args).execute(args))
                    .isEqualTo(SmtpDoctorCommand.commandLine(new java.io.PrintWriter(fullOut, true), new java.io.PrintWriter(fullErr, true),
                            env, true).execute(args));
            assertThat(prunedOut.toString()).as(String.join(" ", args)).isEqualTo(fullOut.toString());
            assertThat(prunedErr.toString()).as(String.join(" ", args)).isEqualTo(fullErr.toString());
        }
    }
}
