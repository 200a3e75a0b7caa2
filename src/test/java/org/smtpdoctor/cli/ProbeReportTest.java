package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.report.HtmlReport;

/**
 * A follow-up probe as each report shows it (check --lab mailbox-unlicensed: the second
 * connection finds the PRX4 refusal again): its own line of the checklist after the steps, the
 * {@code probes} array of the JSON document (docs/json.md), and its table in the HTML report.
 */
class ProbeReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theChecklistShowsTheProbeOnItsOwnLineAfterTheStepsAndTheDiagnosisCountsIt() {
        Cli.Run run = Cli.run("check", "--lab", "mailbox-unlicensed", "--no-color");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        List<String> lines = List.of(run.out().split("\n"));
        int data = indexOf(lines, "  SKIP data ");
        assertThat(lines.get(data + 1)).startsWith("  ?    probe            second-connection: after 3000 ms, a second connection failed at"
                + " auth again: authentication failed: 451 4.7.0 Temporary server error.")
                .contains("(the same refusal: it lasts) -> makes less likely: service_unavailable_transient  ");
        assertThat(run.out()).contains("Verdict: FAIL (mailbox_not_licensed)",
                "Diagnosis: The sending account has no licensed mailbox  [mailbox_not_licensed, low confidence]",
                "Also possible: service_unavailable_transient (low)");
    }

    @Test
    void theJsonNamesEachProbeWithWhatItDecidedAndTheHtmlShowsIt() throws Exception {
        Cli.Run run = Cli.run("check", "--lab", "mailbox-unlicensed", "--json");
        JsonNode doc = JSON.readTree(run.out());
        List<String> top = new ArrayList<>();
        doc.fieldNames().forEachRemaining(top::add);
        assertThat(top).containsExactly("tool", "version", "target", "verdict", "cause", "diagnosis", "steps", "probes", "transcript");
        assertThat(doc.get("probes")).hasSize(1);
        JsonNode p = doc.get("probes").get(0);
        List<String> fields = new ArrayList<>();
        p.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "after", "duration_ms", "summary", "details", "confirms", "rules_out", "ranks_last");
        assertThat(p.get("id").asText()).isEqualTo("second-connection");
        assertThat(p.get("after").asText()).isEqualTo("auth");
        assertThat(p.get("duration_ms").asLong()).isGreaterThanOrEqualTo(3000);
        assertThat(p.get("confirms").isNull()).isTrue();
        assertThat(p.get("rules_out")).isEmpty();
        assertThat(p.get("ranks_last").get(0).asText()).isEqualTo("service_unavailable_transient");
        assertThat(doc.get("cause").asText()).isEqualTo("mailbox_not_licensed");
        assertThat(doc.get("diagnosis").get("candidates").get(2).get("cause").asText()).isEqualTo("service_unavailable_transient");

        String html = HtmlReport.render(doc, "smtp-doctor check", Instant.parse("2026-12-06T10:00:00Z"));
        HtmlReportTest.assertSelfContained(html);
        assertThat(html).contains("<h2>Follow-up probes</h2>", "<td>second-connection</td><td>auth</td>",
                "makes less likely: service_unavailable_transient").doesNotContain("<h2>More</h2>");

        JsonNode healthy = JSON.readTree(Cli.run("check", "--lab", "healthy", "--json").out());
        assertThat(healthy.get("probes")).isEmpty();
        assertThat(HtmlReport.render(healthy, "t", Instant.now())).doesNotContain("Follow-up probes");
    }

    @Test
    void withNoProbesTheFailureIsDiagnosedFromItsReplyAloneAndNoSecondConnectionIsMade() throws Exception {
        JsonNode probed = JSON.readTree(Cli.run("check", "--lab", "auth-server-busy", "--json").out());
        assertThat(probed.get("probes")).hasSize(1);
        assertThat(probed.get("cause").asText()).isEqualTo("service_unavailable_transient");

        Cli.Run run = Cli.run("check", "--lab", "auth-server-busy", "--json", "--no-probes");
        JsonNode alone = JSON.readTree(run.out());
        assertThat(alone.get("probes")).isEmpty();
        assertThat(alone.get("cause").asText()).isEqualTo("unknown");
        List<String> sent = new ArrayList<>();
        alone.get("transcript").forEach(e -> {
            if (e.get("dir").asText().equals("sent")) {
                sent.add(e.get("text").asText());
            }
        });
        assertThat(sent).containsOnlyOnce("AUTH LOGIN");
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' in\n" + String.join("\n", lines));
    }
}
