package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.lab.LabOAuth;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenarios;

/** A wrong tenant, client id or secret against the lab's Entra is refused and diagnosed as against a tenant. */
class LabEntraCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The token step's failure: Entra's AADSTS code in the evidence, the check stopped before connecting. */
    private static JsonNode tokenRefused(String json, String aadsts) throws Exception {
        JsonNode doc = JSON.readTree(json);
        assertThat(doc.get("verdict").asText()).isEqualTo("FAIL");
        JsonNode token = doc.get("steps").get(1);
        assertThat(token.get("id").asText()).isEqualTo("token");
        assertThat(token.get("status").asText()).isEqualTo("FAIL");
        assertThat(token.get("summary").asText()).contains(aadsts);
        assertThat(doc.get("diagnosis").get("matched").get("text").asText()).startsWith(aadsts);
        assertThat(doc.get("transcript").toString()).doesNotContain("EHLO");
        return doc;
    }

    @Test
    void checkAgainstTheLabWithAWrongTenantOrAppGetsEntrasRefusal() throws Exception {
        Cli.Run tenant = Cli.run("check", "--lab", "oauth-healthy", "--tenant", "fabrikam.onmicrosoft.com", "--json");
        assertThat(tenant.exit()).as(tenant.err()).isEqualTo(ExitCode.FAILED);
        tokenRefused(tenant.out(), "AADSTS90002");
        Cli.Run noName = Cli.run("check", "--lab", "oauth-healthy", "--tenant", "wrong", "--json");
        assertThat(tokenRefused(noName.out(), "AADSTS900023").get("cause").asText()).isEqualTo("oauth_app_registration");
        Cli.Run app = Cli.run("check", "--lab", "oauth-healthy", "--client-id", "11111111-2222-3333-4444-555555555555", "--json");
        assertThat(tokenRefused(app.out(), "AADSTS700016").get("cause").asText()).isEqualTo("oauth_app_registration");
        Cli.Run right = Cli.run("check", "--lab", "oauth-healthy", "--tenant", LabOAuth.TENANT, "--client-id", LabOAuth.CLIENT_ID, "--json");
        assertThat(right.exit()).as(right.out()).isZero();
    }

    @Test
    void checkAgainstTheLabWithAWrongSecretGetsAadsts7000215() throws Exception {
        ProcessTest.Result run = ProcessTest.run(Map.of("APP_SECRET", "8f3c2a1e-the-secret-id"), "check", "--lab", "oauth-healthy",
                "--client-secret-env", "APP_SECRET", "--json");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.FAILED);
        assertThat(tokenRefused(run.out(), "AADSTS7000215").get("cause").asText()).isEqualTo("oauth_app_registration");
    }

    @Test
    void theLabsEntraGoesOnlyWithItsOwnScenariosAndAuthority() {
        Cli.Run plain = Cli.run("check", "--lab", "healthy", "--tenant", LabOAuth.TENANT);
        assertThat(plain.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(plain.err()).contains("the lab's Entra runs only in the oauth-… scenarios");
        Cli.Run authority = Cli.run("check", "--lab", "oauth-healthy", "--tenant", LabOAuth.TENANT, "--authority",
                "https://login.microsoftonline.us");
        assertThat(authority.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(authority.err()).contains("--lab has its own Entra");
    }

    @Test
    void theTokenCommandAgainstARunningLabDecodesItsRefusals() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("oauth-healthy").orElseThrow(), 0)) {
            LabOAuth entra = lab.oauth().orElseThrow();
            ProcessTest.Result wrong = ProcessTest.run(Map.of("APP_SECRET", "not-the-secret"), "token", "--authority", entra.authority(),
                    "--tenant", entra.tenant(), "--client-id", entra.clientId(), "--client-secret-env", "APP_SECRET",
                    "--no-token-cache", "--json");
            assertThat(wrong.exit()).as(wrong.err()).isEqualTo(ExitCode.FAILED);
            JsonNode doc = JSON.readTree(wrong.out());
            assertThat(doc.get("error_kind").asText()).isEqualTo("refused");
            assertThat(doc.get("error").asText()).contains("AADSTS7000215");
            assertThat(doc.get("diagnosis").get("cause").asText()).isEqualTo("oauth_app_registration");
            ProcessTest.Result tenant = ProcessTest.run(Map.of("APP_SECRET", LabOAuth.CLIENT_SECRET), "token", "--authority",
                    entra.authority(), "--tenant", "00000000-0000-0000-0000-00000000dead", "--client-id", entra.clientId(),
                    "--client-secret-env", "APP_SECRET", "--no-token-cache", "--json");
            assertThat(JSON.readTree(tenant.out()).get("error").asText()).contains("AADSTS90002");
            ProcessTest.Result right = ProcessTest.run(Map.of("APP_SECRET", LabOAuth.CLIENT_SECRET), "token", "--authority",
                    entra.authority(), "--tenant", entra.tenant(), "--client-id", entra.clientId(), "--client-secret-env", "APP_SECRET",
                    "--no-token-cache", "--json");
            assertThat(right.exit()).as(right.out() + right.err()).isZero();
            assertThat(JSON.readTree(right.out()).get("claims").get("roles").toString()).contains("SMTP.SendAsApp");
        }
    }
}
