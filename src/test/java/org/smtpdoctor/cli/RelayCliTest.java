package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.PasswordHash;

class RelayCliTest {

    @Test
    void help_explains_the_quick_start_and_every_option() {
        Cli.Run r = Cli.run("relay", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--config", "--init", "--listen", "--allow", "--upstream", "--spool", "--check-config",
                "hash-password", "127.0.0.1:2525: nothing on the network", "m365-oauth://", "mx://DOMAIN", "A password inside the URL is refused");
        assertThat(Cli.run("--help").out()).contains("relay");
        assertThat(Cli.run("relay", "hash-password", "--help").out()).contains("never an argument");
        assertThat(r.out()).contains("--spool-reserve", "5%", "SIGHUP reads", "exits 0");
    }

    @Test
    void the_relay_and_queue_help_texts_format_without_picocli_warnings() throws Exception {
        for (String[] help : List.of(new String[] {"relay", "--help"}, new String[] {"queue", "delete", "--help"},
                new String[] {"queue", "retry", "--help"}, new String[] {"queue", "requeue-corrupt", "--help"})) {
            ProcessTest.Result r = ProcessTest.run(java.util.Map.of(), help);
            assertThat(r.exit()).isZero();
            assertThat(r.err()).as(String.join(" ", help)).doesNotContain("WARN");
        }
    }

    @Test
    void init_writes_the_commented_example_and_never_overwrites(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("relay.yaml");
        Cli.Run r = Cli.run("relay", "--init", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(file)).contains("listeners:", "devices:", "upstream:", "pacing:");
        Cli.Run again = Cli.run("relay", "--init", file.toString());
        assertThat(again.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(again.err()).contains("already exists");
        assertThat(Files.readString(file)).contains("port: 2525");
        // Port 0 instead of 2525, which --check-config binds and another program may hold.
        Files.writeString(file, Files.readString(file).replace("port: 2525", "port: 0"));
        // As written, the example lacks only its client secret, and --check-config says exactly that.
        Cli.Run check = Cli.run("relay", "--config", file.toString(), "--check-config");
        assertThat(check.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(check.err().strip()).isEqualTo("smtp-doctor: m365-oauth://relay@contoso.com?tenant=contoso.onmicrosoft.com"
                + "&client-id=00000000-0000-0000-0000-000000000000&client-secret-env=RELAY_CLIENT_SECRET: the client secret should be"
                + " in the environment variable RELAY_CLIENT_SECRET, which is not set");
        assertThat(check.out()).contains("listening   0.0.0.0:0 (starttls, TLSv1.3/TLSv1.2)", "device      printers: from 192.168.10.0/24",
                "upstream    m365-oauth://relay@contoso.com", "spool       /var/spool/smtp-doctor (keeps 64 MB of its volume free)")
                .doesNotContain("Configuration OK.");
        ProcessTest.Result withSecret = ProcessTest.run(java.util.Map.of("RELAY_CLIENT_SECRET", "not-checked-here"),
                "relay", "--config", file.toString(), "--check-config");
        assertThat(withSecret.exit()).as(withSecret.err()).isZero();
        assertThat(withSecret.out()).contains("Configuration OK.");
    }

    @Test
    void init_with_another_option_is_a_usage_error_and_init_dash_prints_the_example(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("mine.yaml"), "spool: /s\n");
        Cli.Run both = Cli.run("relay", "--config", config.toString(), "--init", dir.resolve("new.yaml").toString());
        assertThat(both.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).startsWith("smtp-doctor: --init writes an example configuration and exits; it takes no --config");
        assertThat(dir.resolve("new.yaml")).doesNotExist();
        Cli.Run spool = Cli.run("relay", "--init", dir.resolve("new.yaml").toString(), "--spool", "/s");
        assertThat(spool.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(spool.err()).contains("it takes no --spool");

        Cli.Run stdout = Cli.run("relay", "--init", "-");
        assertThat(stdout.exit()).as(stdout.err()).isZero();
        assertThat(stdout.out()).startsWith("# smtp-doctor relay configuration").contains("listeners:", "upstream:", "pacing:");
        assertThat(dir.resolve("-")).doesNotExist();
        assertThat(Path.of("-")).doesNotExist();
        org.smtpdoctor.relay.config.RelayConfigReader.parse(stdout.out(), "stdout"); // the printed example is valid as printed
    }

    @Test
    void quick_start_flags_make_a_configuration_without_a_file() throws Exception {
        boolean free;
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress("127.0.0.1", 2525));
            free = true;
        } catch (java.io.IOException inUse) {
            free = false; // another program on this machine holds the default port: --check-config must say so
        }
        Cli.Run r = Cli.run("relay", "--allow", "192.168.1.0/24", "--upstream", "smtp://smarthost.example.com",
                "--spool", "/tmp/spool", "--check-config");
        assertThat(r.out()).contains("listening   127.0.0.1:2525 (starttls", "device      allow 192.168.1.0/24: from 192.168.1.0/24");
        if (free) {
            assertThat(r.exit()).as(r.err()).isZero();
        } else {
            assertThat(r.err().strip()).isEqualTo("smtp-doctor: cannot listen on 127.0.0.1:2525 (address in use: another program listens there)");
        }
    }

    @Test
    void a_configuration_error_names_file_line_and_key_and_exits_2(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("r.yaml"), "listeners:\n  - port: 2525\n    mode: ssl\n");
        Cli.Run r = Cli.run("relay", "--config", file.toString(), "--check-config");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("smtp-doctor: " + file + ":3: listeners[0].mode: expected plain, starttls or tls");
        Cli.Run password = Cli.run("relay", "--allow", "10.0.0.0/8", "--spool", "/s", "--upstream", "smtps://u:Hunter2@h", "--check-config");
        assertThat(password.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(password.err()).contains("a password inside the URL is refused").doesNotContain("Hunter2");
        assertThat(Cli.run("relay", "--config", dir.resolve("missing.yaml").toString()).err()).contains("no such file");
    }

    @Test
    void a_spool_another_relay_holds_is_refused_with_a_clear_message(@TempDir Path dir) throws Exception {
        try (org.smtpdoctor.relay.spool.Spool held = org.smtpdoctor.relay.spool.Spool.open(dir)) {
            Cli.Run r = Cli.run("relay", "--allow", "127.0.0.1", "--upstream", "smtp://h", "--spool", dir.toString(),
                    "--listen", "127.0.0.1:0");
            assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err().strip()).isEqualTo("smtp-doctor: a relay (process " + ProcessHandle.current().pid() + ") runs on the spool "
                    + dir + "; stop it first (one relay per spool)");
        }
    }

    @Test
    void hash_password_reads_standard_input_and_prints_a_hash_that_matches() {
        InputStream before = System.in;
        try {
            System.setIn(new ByteArrayInputStream("pr1nter-pa55\n".getBytes(StandardCharsets.UTF_8)));
            Cli.Run r = Cli.run("relay", "hash-password");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).doesNotContain("pr1nter-pa55");
            assertThat(PasswordHash.parse(r.out().strip()).matches("pr1nter-pa55")).isTrue();
            System.setIn(new ByteArrayInputStream(new byte[0]));
            assertThat(Cli.run("relay", "hash-password").exit()).isEqualTo(ExitCode.USAGE);
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void legacy_tls_opens_the_listeners_to_tls_1_0_and_1_1_and_says_so() {
        Cli.Run modern = Cli.run("relay", "--allow", "192.168.1.0/24", "--upstream", "smtp://127.0.0.1", "--spool", "/s",
                "--listen", "127.0.0.1:0", "--check-config");
        assertThat(modern.out()).contains("127.0.0.1:0 (starttls, TLSv1.3/TLSv1.2)").contains("retries for up to 5 days");
        Cli.Run legacy = Cli.run("relay", "--allow", "192.168.1.0/24", "--upstream", "smtp://127.0.0.1", "--spool", "/s",
                "--listen", "127.0.0.1:0", "--legacy-tls", "--check-config");
        assertThat(legacy.exit()).as(legacy.err()).isZero();
        assertThat(legacy.out()).contains("127.0.0.1:0 (starttls, TLSv1.3/TLSv1.2/TLSv1.1/TLSv1)");
    }

    @Test
    void an_allow_for_the_whole_internet_is_refused_and_with_the_override_warned_about_at_every_start() {
        Cli.Run open = Cli.run("relay", "--allow", "0.0.0.0/0", "--upstream", "smtp://h", "--spool", "/s", "--listen", "127.0.0.1:0",
                "--check-config");
        assertThat(open.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(open.err()).contains("0.0.0.0/0 is wider than /8", "open relay", "--i-know-this-is-an-open-relay");
        assertThat(open.out()).doesNotContain("Configuration OK");
        Cli.Run forced = Cli.run("relay", "--allow", "::/0", "--i-know-this-is-an-open-relay", "--upstream", "smtp://h", "--spool", "/s",
                "--listen", "127.0.0.1:0", "--check-config");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.err()).contains("WARNING: OPEN RELAY: every host in ::/0 may send mail through this relay");
        Cli.Run hostBits = Cli.run("relay", "--allow", "192.168.1.5/24", "--upstream", "smtp://h", "--spool", "/s", "--check-config");
        assertThat(hostBits.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(hostBits.err()).contains("the network is 192.168.1.0/24");
    }
}
