package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process: its exit code, stdout and stderr (where logs go). Runs
 * org.smtpdoctor.Main in a child JVM with the test class path.
 */
class ProcessTest {

    private static final String CANARY = "Canary-7f3a-Pa55word";
    /** A well-formed app-only token for Exchange (so it reaches AUTH), the lab does not accept it. */
    private static final String TOKEN_CANARY = org.smtpdoctor.oauth.TokenCheckTest.jwt(
            "{\"aud\":\"https://outlook.office365.com\",\"exp\":4102444800,\"roles\":[\"SMTP.SendAsApp\"],\"canary\":\"9c1d\"}");

    record Result(int exit, String out, String err) {}

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return runWithInput(env, "", args);
    }

    /** Runs smtp-doctor with this text on standard input. */
    static Result runWithInput(Map<String, String> env, String input, String... args) throws IOException, InterruptedException {
        return runWithBytes(env, input.getBytes(StandardCharsets.UTF_8), args);
    }

    /** Runs smtp-doctor with these bytes on standard input. */
    static Result runWithBytes(Map<String, String> env, byte[] input, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().write(input);
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("smtp-doctor did not finish within 60 s: " + String.join(" ", args));
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    private static void assertNoSecret(Result r, String secret) {
        String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        assertThat(r.out() + r.err()).doesNotContain(secret).doesNotContain(b64);
    }

    @Test
    void aCanaryPasswordNeverAppearsInAnyOutputOrLog(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), CANARY + "\n");
        Map<String, String> debug = Map.of("SMTP_DOCTOR_LOG", "debug");
        for (String[] args : List.of(
                new String[] {"check", "--lab", "wrong-password", "--user", "scanner@contoso.com", "--password-file", pw.toString(), "--transcript"},
                new String[] {"check", "--lab", "wrong-password", "--user", "scanner@contoso.com", "--password-file", pw.toString(), "--json"},
                new String[] {"check", "--lab", "healthy", "--user", "scanner@contoso.com", "--password-file", pw.toString(),
                    "--auth-mechanism", "LOGIN", "--transcript"})) {
            Result r = run(debug, args);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.FAILED);
            assertThat(r.err()).as("debug logging is on, so the log is not empty").contains("DEBUG");
            assertNoSecret(r, CANARY);
        }
    }

    @Test
    void aCanaryTokenNeverAppearsInAnyOutputOrLog() throws Exception {
        Result r = run(Map.of("SMTP_DOCTOR_LOG", "debug", "TOKEN", TOKEN_CANARY),
                "check", "--lab", "healthy", "--user", "scanner@contoso.com", "--access-token-env", "TOKEN", "--transcript");
        assertThat(r.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(r.out()).contains("AUTH XOAUTH2 <user and bearer token, base64, redacted>");
        assertNoSecret(r, TOKEN_CANARY);
        assertThat(r.out() + r.err()).doesNotContain(TOKEN_CANARY.split("\\.")[1]);
        assertThat(r.out()).contains("PASS token");
    }

    @Test
    void anEmptyPasswordVariableIsOneLineAndExitTwo() throws Exception {
        Result r = run(Map.of("EMPTY_PW", ""), "check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-env", "EMPTY_PW");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err().strip()).isEqualTo("smtp-doctor: environment variable EMPTY_PW (for the password) is empty");
    }

    @Test
    void aNetworkFailureIsAFindingNotAStackTrace() throws Exception {
        Result r = run(Map.of(), "check", "--host", "127.0.0.1", "--port", "1", "--no-auth", "--timeout", "2");
        assertThat(r.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(r.out()).contains("port_blocked_or_unreachable");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void aTls11DeviceAgainstTheLabGetsMicrosoftsRefusalAndItsCause() throws Exception {
        Result r = run(Map.of(), "check", "--lab", "healthy", "--device-tls", "1.1", "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.FAILED);
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.get("cause").asText()).isEqualTo("tls_version_too_old");
        assertThat(doc.get("transcript").toString()).contains("TLS started with TLSv1.1").contains("421 4.7.66");
    }

    @Test
    void aGraphTokenIsCaughtByTheTokenStepBeforeAuth() throws Exception {
        String graph = org.smtpdoctor.oauth.TokenCheckTest.jwt("{\"aud\":\"https://graph.microsoft.com\",\"exp\":4102444800,"
                + "\"scp\":\"Mail.Send\",\"upn\":\"scanner@contoso.com\"}");
        Result r = run(Map.of("TOKEN", graph), "check", "--lab", "healthy", "--access-token-env", "TOKEN", "--json");
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.get("cause").asText()).isEqualTo("oauth_token_invalid");
        assertThat(doc.get("steps").toString()).contains("\"id\":\"token\",\"status\":\"FAIL\"");
        assertThat(doc.get("transcript").toString()).doesNotContain("AUTH XOAUTH2");
        assertNoSecret(r, graph);
    }

    @Test
    void tokensIssuedByTheLabsEntraNeverAppearInAnyOutputOrLog() throws Exception {
        for (String scenario : List.of("oauth-healthy", "oauth-no-mailbox-permission")) {
            for (String format : List.of("--transcript", "--json")) {
                Result r = run(Map.of("SMTP_DOCTOR_LOG", "debug"), "check", "--lab", scenario, format);
                assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(scenario.equals("oauth-healthy") ? ExitCode.OK : ExitCode.FAILED);
                assertThat(r.err()).as("debug logging is on").contains("DEBUG");
                // Every JWT starts with the base64 of {"  (eyJ); the client secret must not show either.
                assertThat(r.out() + r.err()).contains("AUTH XOAUTH2").doesNotContain("eyJ")
                        .doesNotContain(org.smtpdoctor.lab.LabOAuth.CLIENT_SECRET);
            }
        }
    }
}
