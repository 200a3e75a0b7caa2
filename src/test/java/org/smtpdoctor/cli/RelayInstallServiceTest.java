package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.relay.config.RelayConfigReader;

/** relay install-service: the unit it writes, the files beside it, and systemd's own opinion of the unit. */
class RelayInstallServiceTest {

    @TempDir
    Path dir;

    static final String JAVA = "/usr/bin/java";

    @Test
    void the_documented_unit_in_packaging_is_the_one_install_service_writes() throws Exception {
        Cli.Run r = Cli.run("relay", "install-service", "--print", "--java", JAVA);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("packaging/systemd/smtp-doctor-relay.service")));
    }

    @Test
    void the_unit_runs_the_relay_as_its_own_user_hardened_with_only_the_right_to_bind_port_25() {
        String unit = RelayInstallServiceCommand.unit(JAVA, "/usr/local/lib/smtp-doctor/smtp-doctor.jar", "/etc/smtp-doctor/relay.yaml", "smtp-doctor");
        assertThat(unit.lines()).contains("Type=notify", "NotifyAccess=all", "User=smtp-doctor", "StateDirectory=smtp-doctor",
                "ProtectSystem=strict", "NoNewPrivileges=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "Restart=on-failure", "KillSignal=SIGTERM", "SuccessExitStatus=143",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "ExecStart=/usr/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmx128m -Xmn24m -XX:SurvivorRatio=4 -XX:+ExitOnOutOfMemoryError -jar "
                        + "/usr/local/lib/smtp-doctor/smtp-doctor.jar relay --config /etc/smtp-doctor/relay.yaml --spool %S/smtp-doctor/spool");
        assertThat(unit).doesNotContain("@JAVA@", "@JVM_OPTIONS@", "@JAR@", "@CONFIG@", "@USER@");
        assertThat(unit.lines()).as("the JIT writes code").doesNotContain("MemoryDenyWriteExecute=yes");
    }

    @Test
    void systemd_analyze_verify_accepts_the_unit_without_a_warning() throws Exception {
        Peers.require("systemd-analyze");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path unit = Files.writeString(dir.resolve(RelayInstallServiceCommand.UNIT),
                RelayInstallServiceCommand.unit(java, "/usr/local/lib/smtp-doctor/smtp-doctor.jar", "/etc/smtp-doctor/relay.yaml", "smtp-doctor"));
        Process p = new ProcessBuilder(Peers.findExecutable("systemd-analyze").toString(), "verify", unit.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // Unknown keys and bad values are only warnings with exit 0: none may mention the unit.
        assertThat(out.lines().filter(l -> l.contains(RelayInstallServiceCommand.UNIT))).as(out).isEmpty();
    }

    @Test
    void installing_under_a_root_writes_the_jar_the_unit_a_private_env_file_and_a_config_to_edit() throws Exception {
        Path jar = Files.writeString(dir.resolve("smtp-doctor.jar"), "not really a jar");
        Path root = dir.resolve("root");
        Cli.Run r = Cli.run("relay", "install-service", "--root", root.toString(), "--jar", jar.toString(), "--java", JAVA);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(root.resolve("usr/local/lib/smtp-doctor/smtp-doctor.jar")).hasContent("not really a jar");
        Path unit = root.resolve("etc/systemd/system/smtp-doctor-relay.service");
        assertThat(Files.readString(unit)).isEqualTo(Files.readString(Path.of("packaging/systemd/smtp-doctor-relay.service")));
        Path env = root.resolve("etc/smtp-doctor/relay.env");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
        Path config = root.resolve("etc/smtp-doctor/relay.yaml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-r-----");
        assertThat(RelayConfigReader.read(config).spoolDir()).isEqualTo(Path.of("/var/lib/smtp-doctor/spool"));
        assertThat(r.out()).contains("wrote       " + config + " (the commented example: edit it)", "Not started (--root)");

        // Again, with the configuration now there: it is checked, and kept.
        Files.writeString(config, Files.readString(config).replace("host-name: relay.contoso.local", "host-name: relay.fabrikam.local"));
        Cli.Run again = Cli.run("relay", "install-service", "--root", root.toString(), "--jar", jar.toString(), "--java", JAVA);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("checked     " + config + ": OK");
        assertThat(Files.readString(config)).contains("relay.fabrikam.local");

        Files.writeString(config, "listeners: [\n");
        Cli.Run broken = Cli.run("relay", "install-service", "--root", root.toString(), "--jar", jar.toString(), "--java", JAVA);
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).contains(config.toString(), "systemctl enable --now smtp-doctor-relay");
    }

    @Test
    void a_configuration_outside_etc_smtp_doctor_still_gets_the_private_env_file_there() throws Exception {
        Path jar = Files.writeString(dir.resolve("smtp-doctor.jar"), "not really a jar");
        Path root = dir.resolve("root");
        Cli.Run r = Cli.run("relay", "install-service", "--root", root.toString(), "--jar", jar.toString(), "--java", JAVA,
                "--config", "/opt/relay/relay.yaml");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(root.resolve("opt/relay/relay.yaml")).exists();
        Path env = root.resolve("etc/smtp-doctor/relay.env");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
    }

    @Test
    void a_relative_config_or_a_strange_user_is_refused() {
        assertThat(Cli.run("relay", "install-service", "--print", "--config", "relay.yaml").err()).contains("an absolute path");
        assertThat(Cli.run("relay", "install-service", "--print", "--user", "Root;rm").err()).contains("a system user name");
    }
}
