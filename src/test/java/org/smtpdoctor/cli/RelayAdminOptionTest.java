package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.testing.Ports;

/** relay --admin and --log-format on the command line. */
class RelayAdminOptionTest {

    @TempDir
    Path dir;

    private Cli.Run checkConfig(String... extra) {
        String[] base = {"relay", "--allow", "127.0.0.1", "--spool", dir.resolve("spool").toString(), "--upstream", "smtp://127.0.0.1",
            "--listen", "127.0.0.1:0", "--check-config"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Cli.run(all);
    }

    @Test
    void a_loopback_console_needs_nothing_else_and_is_named_by_check_config() throws Exception {
        int port = Ports.free();
        Cli.Run r = checkConfig("--admin", "127.0.0.1:" + port);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("  console     http://127.0.0.1:" + port + " (no login: loopback only)");
        assertThat(checkConfig("--admin", String.valueOf(port)).out()).contains("http://127.0.0.1:" + port);
        assertThat(checkConfig().out()).doesNotContain("console");
    }

    @Test
    void a_console_on_the_network_without_a_password_hash_is_refused_before_anything_starts() {
        Cli.Run r = checkConfig("--admin", "0.0.0.0:8025");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--admin 0.0.0.0:8025: a console on 0.0.0.0 (not a loopback address) needs a login: set admin.password-hash");
        assertThat(checkConfig("--admin", "console.lan:8025").err()).contains("the address must be an IP address");
    }

    @Test
    void an_unknown_log_format_is_a_usage_error() {
        Cli.Run r = Cli.run("relay", "--allow", "127.0.0.1", "--spool", dir.resolve("spool").toString(), "--upstream", "smtp://127.0.0.1",
                "--log-format", "xml");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--log-format xml: expected key-value or json");
    }

    @Test
    void check_config_fails_when_the_console_cannot_bind_its_port() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Run r = checkConfig("--admin", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).contains("the console cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
