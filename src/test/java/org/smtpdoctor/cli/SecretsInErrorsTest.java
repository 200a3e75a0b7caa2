package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A secret typed where it does not belong is never printed back, and no file or standard
 * input the user names can exhaust memory: every such mistake is one line, exit 2.
 */
class SecretsInErrorsTest {

    private static final String CANARY = "Canary-s3cr3t-7f1e";

    private static void assertRefusedWithoutEcho(Cli.Run run) {
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out() + run.err()).doesNotContain(CANARY).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.err().lines().count()).isLessThanOrEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({
        "check,--pass",
        "check,--password",
        "check,--client-secret",
        "check,--access-token",
        "token,--access-token",
        "check,--api-key",
        "relay,--password",
    })
    void an_unknown_option_never_echoes_the_value_that_follows_it(String command, String option) {
        Cli.Run run = Cli.run(command, option, CANARY);
        assertRefusedWithoutEcho(run);
        assertThat(run.err()).contains(option);
        assertRefusedWithoutEcho(Cli.run(command, option + "=" + CANARY));
        assertRefusedWithoutEcho(Cli.run(command, "--lab", "healthy", CANARY));
    }

    @Test
    void a_password_given_to_hash_password_as_an_argument_is_refused_without_echo() {
        Cli.Run run = Cli.run("relay", "hash-password", CANARY);
        assertRefusedWithoutEcho(run);
        assertThat(run.err()).contains("may be a secret");
    }

    @Test
    void a_value_where_a_variable_name_belongs_is_not_printed_back() {
        Cli.Run run = Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-env", CANARY + "!");
        assertRefusedWithoutEcho(run);
        assertThat(run.err()).contains("must be given by its NAME");
        assertRefusedWithoutEcho(Cli.run("token", "--access-token-env", "eyJ" + CANARY + ".x.y"));
        assertRefusedWithoutEcho(Cli.run("relay", "--allow", "10.0.0.0/8", "--spool", "/s", "--check-config",
                "--upstream", "m365-oauth://r@contoso.com?tenant=t&client-id=c&client-secret-env=" + CANARY + "%21"));
        assertRefusedWithoutEcho(Cli.run("relay", "--allow", "10.0.0.0/8", "--spool", "/s", "--check-config",
                "--upstream", "smtp://u@h?password-env=V&client-secret=" + CANARY));
    }

    @Test
    void a_mistyped_command_suggests_the_nearest_one() {
        Cli.Run run = Cli.run("chek", "--lab", "healthy");
        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("smtp-doctor: unknown command 'chek'. Did you mean check");
        assertThat(Cli.run("relay", "stauts").err()).contains("unknown command 'stauts'. Did you mean status");
    }

    @Test
    void endless_files_are_refused_with_a_size_not_an_out_of_memory_error(@TempDir Path dir) throws Exception {
        Path zero = Path.of("/dev/zero");
        Cli.Run password = Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-file", zero.toString());
        assertRefusedWithoutEcho(password);
        assertThat(password.err()).contains("/dev/zero: larger than 64 KB");
        assertThat(Cli.run("token", "--file", "/dev/zero").err()).contains("larger than 64 KB");
        Cli.Run config = Cli.run("relay", "--config", "/dev/zero", "--check-config");
        assertRefusedWithoutEcho(config);
        assertThat(config.err()).contains("/dev/zero: larger than 1 MB");
        assertThat(Cli.run("relay", "--config", dir.toString(), "--check-config").err()).contains(dir + ": is a directory");
    }

    @Test
    void endless_standard_input_is_refused_with_a_size() throws Exception {
        InputStream before = System.in;
        try (InputStream zero = new FileInputStream("/dev/zero")) {
            System.setIn(zero);
            Cli.Run hash = Cli.run("relay", "hash-password");
            assertRefusedWithoutEcho(hash);
            assertThat(hash.err()).contains("standard input: a line longer than 1 KB");
            Cli.Run token = Cli.run("token", "--file", "-");
            assertRefusedWithoutEcho(token);
            assertThat(token.err()).contains("standard input: a line longer than 64 KB");
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void a_password_file_written_by_powershell_in_utf_16_or_with_a_bom_is_read(@TempDir Path dir) throws Exception {
        Path utf16 = dir.resolve("pw16.txt");
        Files.write(utf16, ("\uFEFF" + "pässword\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        assertThat(Secrets.fromFile(utf16, "password").orElseThrow().reveal()).isEqualTo("pässword");
        Path bom = dir.resolve("pw8.txt");
        Files.write(bom, ("\uFEFF" + "pässword\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(Secrets.fromFile(bom, "password").orElseThrow().reveal()).isEqualTo("pässword");
        Path latin1 = Files.write(dir.resolve("pw1.txt"), new byte[] {'p', (byte) 0xE4, '\n'});
        assertThat(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-file", latin1.toString()).err())
                .contains("not UTF-8 text");
    }
}
