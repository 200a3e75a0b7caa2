package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.lab.LabOAuth;

/** {@code smtp-doctor lab --scenario ...} in a child JVM: what it prints, until it is stopped. */
class LabCommandTest {

    @TempDir
    Path dir;

    @Test
    void anOAuthScenarioPrintsTheEntraCoordinatesAndItsTokenUrlWorks() throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process lab = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main",
                "lab", "--scenario", "oauth-healthy", "--port", "0"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("Stop with Ctrl-C."));
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(printed).contains("  tenant      " + LabOAuth.TENANT, "  client id   " + LabOAuth.CLIENT_ID,
                    "  secret      lab-secret   (the app's only secret: another gets AADSTS7000215", "--access-token-env LAB_TOKEN");
            Matcher authority = Pattern.compile("  authority   (http://127\\.0\\.0\\.1:\\d+) ").matcher(printed);
            assertThat(authority.find()).isTrue();
            String tokenUrl = authority.group(1) + "/" + LabOAuth.TENANT + "/oauth2/v2.0/token";
            assertThat(printed).contains("  token URL   " + tokenUrl);

            HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(tokenUrl))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + LabOAuth.CLIENT_ID
                            + "&client_secret=lab-secret&scope=https%3A%2F%2Foutlook.office365.com%2F.default"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).isEqualTo(200);
            assertThat(token.body()).contains("\"access_token\"");
        } finally {
            lab.destroy(); // SIGTERM: the shutdown hook closes the lab and its Entra
            assertThat(lab.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(err)).isEmpty();
    }
}
