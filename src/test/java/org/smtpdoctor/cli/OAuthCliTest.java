package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.oauth.OAuthServer;
import org.smtpdoctor.testing.Ports;

/** `token` and `check` getting their token from a real OAuth server, and what they say when it refuses. */
class OAuthCliTest {

    private static final String SECRET_CANARY = "Secret-Canary-7Q9";

    @TempDir
    Path dir;

    OAuthServer oauth;
    Path secretFile;

    @BeforeEach
    void start() throws Exception {
        oauth = new OAuthServer();
        secretFile = Files.writeString(dir.resolve("secret"), SECRET_CANARY + "\n");
    }

    @AfterEach
    void stop() {
        oauth.close();
    }

    private String[] oauthArgs(String tenant, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--tenant", tenant, "--client-id", OAuthServer.CLIENT,
                "--client-secret-file", secretFile.toString(), "--authority", oauth.authority().base().toString()));
        if (!List.of(more).contains("--no-token-cache")) {
            args.addAll(List.of("--token-cache", dir.resolve("cache.json").toString()));
        }
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void tokenGetsAnAppOnlyTokenAndReadsItWithoutPrintingIt() throws Exception {
        oauth.server.enqueueCallback(new DefaultOAuth2TokenCallback(oauth.issuerId(), "sp-object-id", "JWT",
                List.of("https://outlook.office365.com"), Map.of("roles", List.of("SMTP.SendAsApp"), "tid", "tenant-guid",
                "appid", OAuthServer.CLIENT), 3600));

        Cli.Run run = Cli.run(concat("token", oauthArgs(OAuthServer.TENANT)));

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("app-only").contains("https://outlook.office365.com").contains("SMTP.SendAsApp")
                .contains("Looks right");
        assertThat(run.out() + run.err()).doesNotContain(SECRET_CANARY).doesNotContain("eyJ");
        assertThat(Files.readString(dir.resolve("cache.json"))).doesNotContain(SECRET_CANARY);
    }

    @Test
    void aGccHighTokenIsRequestedWithTheGccHighScopeAndNamedAsSuchByTokenAndCheck() throws Exception {
        for (int i = 0; i < 2; i++) {
            oauth.server.enqueueCallback(new DefaultOAuth2TokenCallback(oauth.issuerId(), "sp-object-id", "JWT",
                    List.of("https://outlook.office365.us"), Map.of("roles", List.of("SMTP.SendAsApp"), "tid", "tenant-guid",
                    "appid", OAuthServer.CLIENT), 3600));
        }
        Cli.Run token = Cli.run(concat("token", oauthArgs(OAuthServer.TENANT, "--cloud", "gcc-high", "--no-token-cache")));
        assertThat(token.exit()).as(token.out() + token.err()).isZero();
        assertThat(token.out()).contains("https://outlook.office365.us  (Exchange Online in Microsoft 365 GCC High)", "Looks right");
        assertThat(oauth.server.takeRequest().getBody().readUtf8()).contains("scope=https%3A%2F%2Foutlook.office365.us%2F.default");
        int closed = Ports.free();
        // 127.0.0.1 and a closed port: the check goes nowhere else (the preset m365-gcc-high carries the same cloud).
        assertThat(org.smtpdoctor.check.Preset.byName("m365-gcc-high").orElseThrow().cloud())
                .contains(org.smtpdoctor.oauth.MicrosoftCloud.GCC_HIGH);
        Cli.Run check = Cli.run(concat("check", oauthArgs(OAuthServer.TENANT, "--cloud", "gcc-high", "--no-token-cache",
                "--host", "127.0.0.1", "--port", String.valueOf(closed), "-u", "scanner@contoso.us", "--json")));
        JsonNode steps = new ObjectMapper().readTree(check.out()).path("steps");
        assertThat(steps.get(1).path("summary").asText()).contains("https://outlook.office365.us (Microsoft 365 GCC High)");
        assertThat(oauth.server.takeRequest().getBody().readUtf8()).contains("scope=https%3A%2F%2Foutlook.office365.us%2F.default");
    }

    @Test
    void anUnknownTenantIsDecodedFromTheAadstsCode() throws Exception {
        Cli.Run run = Cli.run(concat("token", oauthArgs(OAuthServer.UNKNOWN_TENANT, "--json")));

        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.path("error_kind").asText()).isEqualTo("refused");
        assertThat(doc.path("error").asText()).contains("AADSTS90002");
        assertThat(doc.path("diagnosis").path("cause").asText()).isEqualTo("oauth_app_registration");
        assertThat(run.out() + run.err()).doesNotContain(SECRET_CANARY);
    }

    @Test
    void checkStopsAtTheTokenStepBeforeConnectingAnywhere() throws Exception {
        int closed = Ports.free();
        Cli.Run run = Cli.run(concat("check", oauthArgs(OAuthServer.UNKNOWN_TENANT, "--host", "127.0.0.1", "--port",
                String.valueOf(closed), "-u", "scanner@contoso.com", "--json")));

        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        JsonNode steps = doc.path("steps");
        assertThat(steps.get(0).path("id").asText()).isEqualTo("config");
        assertThat(steps.get(1).path("id").asText()).isEqualTo("token");
        assertThat(steps.get(1).path("status").asText()).isEqualTo("FAIL");
        assertThat(steps.get(1).path("cause").asText()).isEqualTo("oauth_app_registration");
        assertThat(steps.get(1).toString()).contains("trace id 0b7e7a2c");
        assertThat(steps.get(2).path("id").asText()).isEqualTo("dns");
        assertThat(steps.get(2).path("status").asText()).isEqualTo("SKIP");
        assertThat(run.out() + run.err()).doesNotContain(SECRET_CANARY);
    }

    @Test
    void unusableCredentialsAreOneLineAndExitTwo() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Cli.Run run = Cli.run("token", "--tenant", "contoso.onmicrosoft.com", "--client-id", "c", "--client-cert", junk.toString());
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err().strip()).doesNotContain("\n").doesNotContain("Exception:").contains(junk.toString());

        Cli.Run both = Cli.run("token", "--tenant", "t.example", "--client-id", "c", "--client-secret-file", secretFile.toString(),
                "--device-code");
        assertThat(both.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).contains("choose one");

        Cli.Run noClient = Cli.run("check", "--host", "127.0.0.1", "--tenant", "t.example", "-u", "a@b.example");
        assertThat(noClient.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(noClient.err()).contains("--client-id");
    }
}
