package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenario;
import org.smtpdoctor.lab.Scenarios;

/** --html FILE on check, tls and ports: the --json document as one self-contained file for a ticket. */
class HtmlOptionTest {

    @TempDir
    Path dir;

    @Test
    void check_writes_a_report_a_ticket_can_carry_beside_the_usual_checklist() throws Exception {
        Path report = dir.resolve("r.html");
        Cli.Run run = Cli.run("check", "--lab", "security-defaults", "--html", report.toString(), "--no-color");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(run.out()).contains("Verdict: FAIL (security_defaults_block)").endsWith("HTML report: " + report + "\n");
        String html = Files.readString(report);
        HtmlReportTest.assertSelfContained(html);
        assertThat(html).contains("<title>smtp-doctor check 127.0.0.1:", "lab scenario security-defaults</title>",
                "class=\"verdict FAIL\">FAIL", "<code>security_defaults_block</code>", "<h2>Diagnosis</h2>", "<h2>Checklist</h2>",
                "<h2>Transcript</h2>", "535 5.7.139", "redacted");
        Scenario s = Scenarios.byName("security-defaults").orElseThrow();
        assertThat(html).doesNotContain(s.password())
                .doesNotContain(Base64.getEncoder().encodeToString(s.password().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void with_json_the_html_holds_the_same_document() throws Exception {
        Path report = dir.resolve("same.html");
        Cli.Run run = Cli.run("check", "--lab", "wrong-password", "--json", "--html", report.toString());
        JsonNode json = new ObjectMapper().readTree(run.out());
        String html = Files.readString(report);
        assertThat(html).contains("class=\"verdict " + json.path("verdict").asText() + "\"", "<code>" + json.path("cause").asText() + "</code>",
                json.path("diagnosis").path("title").asText().replace("'", "&#39;"));
        for (JsonNode step : json.path("steps")) {
            assertThat(html).contains(">" + step.path("id").asText() + "</td>");
        }
        for (JsonNode line : json.path("transcript")) {
            assertThat(html).contains(org.smtpdoctor.report.HtmlReport.esc(line.path("text").asText()));
        }
    }

    @Test
    void tls_and_ports_write_their_matrices() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("healthy").orElseThrow(), 0)) {
            Path tls = dir.resolve("tls.html");
            Cli.Run t = Cli.run("tls", "127.0.0.1:" + lab.port(), "--html", tls.toString());
            assertThat(t.out()).contains("HTML report: " + tls);
            HtmlReportTest.assertSelfContained(Files.readString(tls));
            assertThat(Files.readString(tls)).contains("<h2>TLS versions</h2>", "<h2>Certificate</h2>");
            Path ports = dir.resolve("ports.html");
            Cli.Run p = Cli.run("ports", "127.0.0.1", "--ports", String.valueOf(lab.port()), "--json", "--html", ports.toString());
            assertThat(p.exit()).isZero();
            new ObjectMapper().readTree(p.out()); // stdout stays the JSON document alone
            HtmlReportTest.assertSelfContained(Files.readString(ports));
            assertThat(Files.readString(ports)).contains("<h2>Ports</h2>", ">open</td>");
        }
    }

    @Test
    void a_report_that_cannot_be_written_is_a_usage_error() {
        Cli.Run run = Cli.run("check", "--lab", "healthy", "--html", dir.resolve("no/such/dir/r.html").toString());
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("cannot write the HTML report");
    }
}
