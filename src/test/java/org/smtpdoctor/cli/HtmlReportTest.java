package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.report.HtmlReport;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The HTML report is the --json document made readable: well-formed (polyglot XHTML), with no
 * script, style sheet, font or image from elsewhere, every value escaped, and never a secret.
 */
class HtmlReportTest {

    private static final String CANARY = "Canary-html-pw-5e1f";

    @TempDir
    Path dir;

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    static void assertSelfContained(String html) throws Exception {
        Document doc = parse(html);
        for (String tag : new String[] {"script", "link", "img", "iframe", "object", "embed"}) {
            assertThat(doc.getElementsByTagName(tag).getLength()).as(tag).isZero();
        }
        NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            assertThat(e.hasAttribute("src")).as("src on " + e.getTagName()).isFalse();
            if (e.hasAttribute("href")) {
                assertThat(e.getTagName()).isEqualTo("a");
                assertThat(e.getAttribute("href")).startsWith("https://");
            }
        }
        assertThat(html).doesNotContain("@import").doesNotContain("url(");
    }

    @Test
    void a_check_report_shows_verdict_diagnosis_fixes_checklist_and_transcript_and_no_secret() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), CANARY + "\n");
        Cli.Run run = Cli.run("check", "--lab", "wrong-password", "--password-file", pw.toString(), "--json");
        JsonNode json = new ObjectMapper().readTree(run.out());
        String html = HtmlReport.render(json, "smtp-doctor check <lab> & \"co\"", Instant.parse("2026-12-06T10:00:00Z"));
        assertSelfContained(html);
        assertThat(html).contains("<title>smtp-doctor check &lt;lab&gt; &amp; &quot;co&quot;</title>", "2026-12-06T10:00:00Z",
                "class=\"verdict FAIL\">FAIL", "<code>wrong_credentials</code>", "<h2>Diagnosis</h2>", "<ol><li>",
                "<h2>Checklist</h2>", "<h2>Transcript</h2>", "535 5.7.139", "&lt;password, base64, redacted&gt;");
        for (JsonNode step : json.path("steps")) {
            assertThat(html).contains(">" + step.path("id").asText() + "</td>");
        }
        String b64 = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));
        assertThat(html).doesNotContain(CANARY).doesNotContain(b64);
    }

    @Test
    void tls_and_ports_reports_show_their_matrices() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("healthy").orElseThrow(), 0)) {
            JsonNode tls = new ObjectMapper().readTree(Cli.run("tls", "127.0.0.1:" + lab.port(), "--json").out());
            String tlsHtml = HtmlReport.render(tls, "smtp-doctor tls", Instant.now());
            assertSelfContained(tlsHtml);
            assertThat(tlsHtml).contains("<h2>TLS versions</h2>", ">TLSv1.2</td>", "accepted", "<h2>Certificate</h2>", "days_left");
            JsonNode ports = new ObjectMapper().readTree(Cli.run("ports", "127.0.0.1", "--ports", String.valueOf(lab.port()), "--json").out());
            String portsHtml = HtmlReport.render(ports, "smtp-doctor ports", Instant.now());
            assertSelfContained(portsHtml);
            assertThat(portsHtml).contains("<h2>Ports</h2>", ">" + lab.port() + "</td>", ">open</td>", ">smtp</td>");
        }
    }

    @Test
    void fields_the_report_does_not_know_are_still_shown_and_escaped() throws Exception {
        JsonNode doc = new ObjectMapper().readTree("{\"tool\":\"smtp-doctor\",\"version\":\"x\",\"error\":\"<b>bad</b>\\u001b[2J\"}");
        String html = HtmlReport.render(doc, "t", Instant.now());
        assertSelfContained(html);
        assertThat(html).contains("<h2>More</h2>", "error", "&lt;b&gt;bad&lt;/b&gt;\uFFFD[2J").doesNotContain("\u001b");
    }
}
