package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aReplyLineIsExplainedWithItsFix() {
        Cli.Run run = Cli.run("explain", "--no-color", "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("wrong_credentials", "Fix:", "1. ");
    }

    @Test
    void jsonHasThePublicFields() throws Exception {
        Cli.Run run = Cli.run("explain", "--json", "550 5.7.30 Basic authentication is not supported for Client Submission.");
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("cause").asText()).isEqualTo("basic_auth_retired");
        assertThat(doc.get("confidence").asText()).isIn("high", "medium", "low");
        assertThat(doc.has("title") && doc.has("explanation")).isTrue();
        assertThat(doc.get("remedies").isArray() && doc.get("references").isArray()).isTrue();
        assertThat(doc.get("matched").get("rule").asText()).isEqualTo("m365.auth.basic-retired");
        assertThat(doc.get("matched").get("text").asText()).contains("5.7.30");
        assertThat(String.join(" ", JSON.convertValue(doc.get("remedies"), List.class))).contains("December 2026", "OAuth 2.0",
                "smtp-doctor relay", "High Volume Email", "Direct Send");
    }

    @Test
    void anAmbiguousReplyListsRankedCandidatesWithWhatDecidesThem() throws Exception {
        JsonNode doc = JSON.readTree(Cli.run("explain", "--json",
                "535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com]").out());
        assertThat(doc.get("cause").asText()).isEqualTo("unknown");
        JsonNode candidates = doc.get("candidates");
        assertThat(candidates.size()).isBetween(2, 3);
        assertThat(candidates.get(0).get("cause").asText()).isEqualTo("wrong_credentials");
        for (JsonNode c : candidates) {
            assertThat(c.get("confidence").asText()).isIn("high", "medium", "low");
            assertThat(c.get("why").asText()).isNotBlank();
            assertThat(c.get("decide_by").asText()).isNotBlank();
        }
        Cli.Run text = Cli.run("explain", "--no-color", "535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com]");
        assertThat(text.out()).contains("Most likely: wrong_credentials", "Also possible: smtp_auth_disabled_unknown_scope",
                "Decide by: ");
    }

    /** The README's ambiguous example is what the command prints, line for line, up to its "..." (so it cannot go stale). */
    @Test
    void theReadmesAmbiguousExampleIsTheRealOutput() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        String prompt = "$ ./smtp-doctor explain '535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com]'";
        int start = readme.indexOf(prompt);
        assertThat(start).as("the example in README.md").isPositive();
        List<String> shown = new ArrayList<>();
        for (int i = start + 1; !readme.get(i).equals("    ...") && !readme.get(i).equals("```"); i++) {
            shown.add(readme.get(i));
        }
        List<String> printed = Cli.run("explain", "--no-color",
                "535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com]").out().lines().toList();
        assertThat(shown).hasSizeGreaterThan(10);
        assertThat(printed.subList(0, Math.min(shown.size(), printed.size()))).containsExactlyElementsOf(shown);
    }

    @Test
    void aDecidedCauseIsTheFirstCandidate() throws Exception {
        JsonNode doc = JSON.readTree(Cli.run("explain", "--json", "550 5.7.30 Basic authentication is not supported for Client Submission.").out());
        assertThat(doc.get("candidates").get(0).get("cause").asText()).isEqualTo(doc.get("cause").asText());
    }

    @Test
    void aFileIsRead(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("ndr.txt"), "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
                + "Recipient not found by SMTP address lookup'");
        Cli.Run run = Cli.run("explain", "--json", "--file", f.toString());
        assertThat(JSON.readTree(run.out()).get("cause").asText()).isEqualTo("recipient_invalid");
    }

    @Test
    void nothingToReadIsAUsageError() {
        Cli.Run run = Cli.run("explain");
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("nothing to explain");
        Cli.Run blank = Cli.run("explain", "   ");
        assertThat(blank.exit()).isEqualTo(ExitCode.USAGE);
        Cli.Run missing = Cli.run("explain", "--file", "/nonexistent.txt");
        assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("no such file").doesNotContain("Exception");
    }

    @Test
    void aBatchAnswersEveryLineInOrderAndSurvivesBadLines(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"id\":\"a\",\"text\":\"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.\"}",
                "not json at all",
                "{\"id\":7,\"text\":\"Error: connect ECONNREFUSED 52.96.164.210:587\"}",
                "{\"id\":\"no-text\"}",
                "",
                "{\"text\":\"554 5.7.1 <x@example.org>: Relay access denied\"}") + "\n", StandardCharsets.UTF_8);
        Cli.Run run = Cli.run("explain", "--batch", in.toString());
        assertThat(run.exit()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : run.out().split("\n")) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).as("the blank line is skipped").hasSize(5);
        assertThat(lines.get(0).get("id").asText()).isEqualTo("a");
        assertThat(lines.get(0).get("cause").asText()).isEqualTo("mailbox_smtp_auth_disabled");
        assertThat(lines.get(1).get("error").asText()).contains("line 2");
        assertThat(lines.get(2).get("id").asInt()).isEqualTo(7);
        assertThat(lines.get(2).get("cause").asText()).isEqualTo("port_blocked_or_unreachable");
        assertThat(lines.get(3).get("id").asText()).isEqualTo("no-text");
        assertThat(lines.get(3).has("error")).isTrue();
        assertThat(lines.get(4).get("id").isNull()).isTrue();
        assertThat(lines.get(4).get("cause").asText()).isEqualTo("relay_denied_connector");
    }

    @Test
    void aBatchOfSeveralBlocksKeepsItsOrder(@TempDir Path dir) throws Exception {
        // Blocks are explained while the next is read and the one before is written: order must hold across them.
        String[] texts = {"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.",
            "Error: connect ECONNREFUSED 52.96.164.210:587", "554 5.7.1 <x@example.org>: Relay access denied"};
        String[] causes = {"mailbox_smtp_auth_disabled", "port_blocked_or_unreachable", "relay_denied_connector"};
        int count = 3 * 1024 + 5;
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < count; i++) {
            in.append(JSON.writeValueAsString(Map.of("id", i, "text", texts[i % 3]))).append('\n');
        }
        Cli.Run run = Cli.run("explain", "--batch", Files.writeString(dir.resolve("in.jsonl"), in).toString());
        assertThat(run.exit()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines).hasSize(count);
        for (int i = 0; i < count; i++) {
            JsonNode line = JSON.readTree(lines[i]);
            assertThat(line.get("id").asInt()).isEqualTo(i);
            assertThat(line.get("cause").asText()).isEqualTo(causes[i % 3]);
        }
    }

    @Test
    void aBatchWhoseInputFailsAnswersWhatWasReadBeforeTheFailure() {
        // 1,500 whole lines (a block and a half), then the stream breaks.
        byte[] good = ("{\"text\":\"554 5.7.1 <x@example.org>: Relay access denied\"}\n").repeat(1500)
                .getBytes(StandardCharsets.UTF_8);
        java.io.InputStream breaking = new java.io.InputStream() {
            private int at;

            @Override
            public int read() throws java.io.IOException {
                if (at == good.length) {
                    throw new java.io.IOException("device gone");
                }
                return good[at++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (at == good.length) {
                    throw new java.io.IOException("device gone");
                }
                int n = Math.min(len, good.length - at);
                System.arraycopy(good, at, b, off, n);
                at += n;
                return n;
            }
        };
        java.io.StringWriter out = new java.io.StringWriter();
        org.smtpdoctor.diagnosis.Explainer explainer = new org.smtpdoctor.diagnosis.Explainer(
                org.smtpdoctor.diagnosis.KnowledgeBase.bundled());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExplainCommand.explainAll(explainer,
                BatchLines.of(breaking), new java.io.PrintWriter(out))).hasMessage("device gone");
        assertThat(out.toString().lines()).hasSize(1500).allMatch(l -> l.contains("relay_denied_connector"));
    }

    @Test
    void anEmptyBatchIsAUsageError(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("empty.jsonl"), "");
        assertThat(Cli.run("explain", "--batch", in.toString()).exit()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void standardInputIsReadInAChildProcess() throws Exception {
        ProcessTest.Result r = ProcessTest.runWithInput(Map.of(), "smtplib.SMTPAuthenticationError: (535, b'5.7.139 "
                + "Authentication unsuccessful, user is locked by your organization\\'s security defaults policy.')", "explain", "-", "--json");
        assertThat(r.exit()).isZero();
        assertThat(JSON.readTree(r.out()).get("cause").asText()).isEqualTo("security_defaults_block");
    }

    @Test
    void binaryGarbageOnStandardInputGetsAClearAnswer() throws Exception {
        StringBuilder junk = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            junk.append((char) (i % 9));
        }
        ProcessTest.Result r = ProcessTest.runWithInput(Map.of(), junk.toString(), "explain", "-", "--no-color");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("does not look like text");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aTenMegabytePasteOnStandardInputIsExplained() throws Exception {
        StringBuilder big = new StringBuilder();
        while (big.length() < 10_000_000) {
            big.append("2026-11-28 09:00:01 INFO worker: polling queue, 0 items, nothing to send\n");
        }
        big.append("ERROR MailKit.Security.AuthenticationException: 535: 5.7.139 Authentication unsuccessful, the user credentials were incorrect.\n");
        ProcessTest.Result r = ProcessTest.runWithInput(Map.of(), big.toString(), "explain", "-", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out()).get("cause").asText()).isEqualTo("wrong_credentials");
    }

    @Test
    void aDirectoryIsAUsageErrorNamingIt(@TempDir Path dir) {
        Cli.Run file = Cli.run("explain", "--file", dir.toString());
        assertThat(file.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(file.err()).contains(dir.toString()).contains("a directory");
        Cli.Run batch = Cli.run("explain", "--batch", dir.toString());
        assertThat(batch.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(batch.err()).contains("a directory");
    }

    @Test
    void tokenExplainsAGraphTokenAndNeverPrintsIt(@TempDir Path dir) throws Exception {
        String token = org.smtpdoctor.oauth.TokenCheckTest.jwt("{\"aud\":\"https://graph.microsoft.com\",\"exp\":4102444800,"
                + "\"scp\":\"Mail.Send\",\"upn\":\"scanner@contoso.com\"}");
        Path f = Files.writeString(dir.resolve("token.txt"), token + "\n");
        Cli.Run run = Cli.run("token", "--file", f.toString(), "--json");
        assertThat(run.exit()).isEqualTo(ExitCode.FAILED);
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("claims").get("audience").asText()).isEqualTo("https://graph.microsoft.com");
        assertThat(doc.get("problems").get(0).get("diagnosis").get("cause").asText()).isEqualTo("oauth_token_invalid");
        assertThat(run.out() + run.err()).doesNotContain(token).doesNotContain(token.split("\\.")[1]);
        Cli.Run bad = Cli.run("token", "--file", Files.writeString(dir.resolve("bad.txt"), "abc.def").toString());
        assertThat(bad.exit()).isEqualTo(ExitCode.FAILED);
        assertThat(bad.out()).contains("three dot-separated parts").contains("oauth_token_invalid");
        assertThat(Cli.run("token").exit()).isEqualTo(ExitCode.USAGE);
    }
}
