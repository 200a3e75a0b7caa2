package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.testing.WindowsText.powerShell;
import static org.smtpdoctor.testing.WindowsText.withUtf8Bom;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.PasswordHash;
import org.smtpdoctor.testing.Ports;
import org.smtpdoctor.tls.SelfSignedCertificate;

/**
 * What the user hands over, as Windows writes it too (UTF-16 from PowerShell's {@code >}, a
 * UTF-8 byte order mark), is read; what cannot be read is said in words, never with a Java
 * exception's name or message.
 */
class InputErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What must never be the reason a user reads. */
    private static final String JAVA = "(?s).*([A-Z][A-Za-z]+(Exception|Error)\\b|Input length =|java\\.[a-z]+\\.).*";

    private static void assertUsageInWords(Cli.Run run, String expected) {
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(expected).doesNotMatch(JAVA);
    }

    @Test
    void aTrustedCertificateFileIsReadInAnyEncodingAndItsProblemsAreWords(@TempDir Path dir) throws Exception {
        String pem = SelfSignedCertificate.generate().certificatePem();
        String port = String.valueOf(Ports.free());
        for (byte[] content : List.of(powerShell(pem), withUtf8Bom(pem))) {
            Path file = Files.write(dir.resolve("cert-" + content.length + ".pem"), content);
            Cli.Run run = Cli.run("check", "--host", "127.0.0.1", "--port", port, "--no-auth", "--timeout", "1",
                    "--trust-cert", file.toString());
            assertThat(run.exit()).as("the check runs (and finds the port closed): " + run.err()).isEqualTo(ExitCode.FAILED);
        }
        assertUsageInWords(Cli.run("check", "--host", "127.0.0.1", "--no-auth", "--trust-cert", dir.toString()),
                "cannot read a certificate from " + dir + ": is a directory");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertUsageInWords(Cli.run("tls", "127.0.0.1", "--trust-cert", junk.toString()),
                "cannot read a certificate from " + junk + ": no certificate in it (expected -----BEGIN CERTIFICATE-----)");
    }

    @Test
    void explainReadsUtf16AndBomFilesAndSaysWhatIsWrongInWords(@TempDir Path dir) throws Exception {
        String ndr = "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'";
        for (byte[] content : List.of(powerShell(ndr), withUtf8Bom(ndr))) {
            Path file = Files.write(dir.resolve("ndr-" + content.length + ".txt"), content);
            Cli.Run run = Cli.run("explain", "--json", "--file", file.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(JSON.readTree(run.out()).get("cause").asText()).isEqualTo("recipient_invalid");
        }
        assertUsageInWords(Cli.run("explain", "--file", dir.toString()), "cannot read " + dir + ": is a directory");
        assertUsageInWords(Cli.run("explain", "--file", dir.resolve("nope.txt").toString()), "no such file");
    }

    @Test
    void standardInputFromPowerShellIsReadByExplainTokenAndHashPassword() throws Exception {
        byte[] explain = powerShell("535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.\r\n");
        ProcessTest.Result e = ProcessTest.runWithBytes(Map.of(), explain, "explain", "-", "--json");
        assertThat(e.exit()).as(e.err()).isZero();
        assertThat(JSON.readTree(e.out()).get("cause").asText()).isEqualTo("wrong_credentials");

        String token = org.smtpdoctor.oauth.TokenCheckTest.jwt("{\"aud\":\"https://outlook.office365.com\",\"exp\":4102444800,"
                + "\"roles\":[\"SMTP.SendAsApp\"]}");
        ProcessTest.Result t = ProcessTest.runWithBytes(Map.of(), powerShell(token + "\r\n"), "token", "--file", "-", "--json");
        assertThat(t.err()).doesNotMatch(JAVA);
        assertThat(JSON.readTree(t.out()).get("claims").get("audience").asText()).isEqualTo("https://outlook.office365.com");

        ProcessTest.Result h = ProcessTest.runWithBytes(Map.of(), powerShell("Dr\u00fccker-2024\r\n"), "relay", "hash-password");
        assertThat(h.exit()).as(h.err()).isZero();
        assertThat(PasswordHash.parse(h.out().strip()).matches("Dr\u00fccker-2024".toCharArray())).isTrue();
    }

    @Test
    void secretFilesFromPowerShellAreRead(@TempDir Path dir) throws Exception {
        Path pw = Files.write(dir.resolve("pw.txt"), powerShell("wrong-but-readable\r\n"));
        Cli.Run run = Cli.run("check", "--lab", "wrong-password", "--user", "scanner@contoso.com", "--password-file", pw.toString(), "--json");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.FAILED);
        assertThat(JSON.readTree(run.out()).get("cause").asText()).isEqualTo("wrong_credentials");
    }

    @Test
    void aValueThatIsNoNumberIsSaidSoWithoutJavasTypeNames() {
        assertUsageInWords(Cli.run("check", "--host", "127.0.0.1", "--port", "abc"),
                "Invalid value for option '--port': 'abc' is not a whole number");
        assertUsageInWords(Cli.run("ports", "127.0.0.1", "--ports", "25,x"), "is not a whole number");
    }

    @Test
    void aYamlTabIsNamedAtItsLine(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("relay.yaml"), "spool: /var/spool/x\nupstream:\n  - smtp://h\nlisteners:\n"
                + "  - port: 2525\n\tmode: starttls\n");
        assertUsageInWords(Cli.run("relay", "--config", yaml.toString(), "--check-config"),
                yaml + ":6: tabs are not allowed for indentation in YAML: indent with spaces");
        Path nul = Files.writeString(dir.resolve("nul.yaml"), "spool: \"/var/spool/a\\0b\"\nupstream:\n  - smtp://h\nlisteners:\n  - port: 2525\ndevices:\n  - name: d\n    networks: [10.0.0.0/24]\n");
        assertUsageInWords(Cli.run("relay", "--config", nul.toString(), "--check-config"),
                nul + ":1: spool: not a valid path: the file system refuses a character in it");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "spool: /x\nupstream: [smtp://h\nlisteners: []\n");
        Cli.Run run = Cli.run("relay", "--config", broken.toString(), "--check-config");
        assertUsageInWords(run, broken + ":");
        assertThat(run.err()).contains("not valid YAML");
    }

    @Test
    void spoolAndClientCertificateProblemsAreWords(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("spool"), "a file");
        assertUsageInWords(Cli.run("queue", "list", "--spool", file.toString()), file + " is a file, not a spool directory");
        assertUsageInWords(Cli.run("relay", "status", "--spool", file.toString()), file + " is a file, not a spool directory");
        Path damaged = Files.writeString(dir.resolve("app.pem"), "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n");
        Cli.Run cert = Cli.run("token", "--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-0000-0000-000000000001",
                "--client-cert", damaged.toString(), "--no-token-cache");
        assertThat(cert.out() + cert.err()).contains(damaged.toString()).doesNotMatch(JAVA);
        assertUsageInWords(Cli.run("token", "--authority", "http s://x", "--tenant", "t", "--client-id", "c",
                "--client-secret-env", "HOME", "--no-token-cache"), "--authority is not a URL");
        assertUsageInWords(Cli.run("relay", "--init", dir.resolve("no/such/dir/relay.yaml").toString()), "no such file");
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).isEqualTo("a file");
    }
}
