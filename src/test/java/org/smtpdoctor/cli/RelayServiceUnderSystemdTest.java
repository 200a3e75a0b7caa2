package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.testing.Ports;

/**
 * {@code relay install-service} for real: a systemd is booted as PID 1 of its own PID and
 * mount namespaces (this machine's init is not systemd), the command installs the jar, the
 * configuration and the unit (the unit into the namespace's own /etc/systemd/system), creates
 * the user, enables and starts it; a device's message goes through the service to a Postfix
 * smtp-sink, then reload and stop; everything installed is removed again. It changes the system, so it runs as root in CI (or with
 * {@code SMTP_DOCTOR_SYSTEMD_TEST=1}), and fails there when something it needs is missing.
 */
class RelayServiceUnderSystemdTest {

    private static final Path UNIT = Path.of("/etc/systemd/system", RelayInstallServiceCommand.UNIT);
    private static final Path LIB = Path.of(RelayInstallServiceCommand.DEFAULT_JAR).getParent();
    private static final Path ETC = Path.of(RelayInstallServiceCommand.ENV_FILE).getParent();
    private static final Path STATE = Path.of("/var/lib/smtp-doctor");

    @TempDir
    Path dir;

    private Process unshare;
    private long systemd;
    private Process sink;
    private boolean createdEtc;
    private boolean createdUser;
    private boolean createdEnv;

    @Test
    void install_service_enables_and_starts_the_relay_which_delivers_reloads_and_stops() throws Exception {
        requireSystemdHost();
        int sinkPort = Ports.free();
        int devicePort = Ports.free();
        Path received = Files.createDirectories(dir.resolve("sink"));
        sink = new ProcessBuilder(Peers.findExecutable("smtp-sink").toString(), "-u", "root", "-d", received + "/%M.%F",
                "127.0.0.1:" + sinkPort, "10").redirectErrorStream(true).redirectOutput(dir.resolve("sink.log").toFile()).start();
        bootSystemd();

        createdEtc = !Files.exists(ETC);
        createdUser = run("getent", "passwd", RelayInstallServiceCommand.DEFAULT_USER).exit() != 0;
        createdEnv = !Files.exists(Path.of(RelayInstallServiceCommand.ENV_FILE));
        Path config = Files.createDirectories(ETC).resolve("relay-systemd-test.yaml");
        Files.writeString(config, String.join("\n",
                "host-name: relay.test.local",
                "listeners:",
                "  - {address: 127.0.0.1, port: " + devicePort + ", mode: plain}",
                "devices:",
                "  - {name: scanner, networks: [127.0.0.1], senders: [\"@test.local\"]}",
                "recipient-domains: [test.local]",
                "upstream: [\"smtp://127.0.0.1:" + sinkPort + "\"]",
                "spool: /var/lib/smtp-doctor/spool", ""));
        Path jar = installableJar();

        Result install = inSystemd(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "relay", "install-service", "--config", config.toString(), "--jar", jar.toString());
        assertThat(install.exit()).as(install.out()).isZero();
        assertThat(install.out()).contains("checked     " + config + ": OK", "started     smtp-doctor-relay");
        assertThat(inSystemd("systemctl", "is-enabled", "smtp-doctor-relay").out().strip()).isEqualTo("enabled");
        // Type=notify: 'active' only once the relay said READY=1, i.e. its listener is up.
        assertThat(inSystemd("systemctl", "is-active", "smtp-doctor-relay").out().strip()).isEqualTo("active");
        String user = inSystemd("systemctl", "show", "-p", "User", "--value", "smtp-doctor-relay").out().strip();
        assertThat(user).isEqualTo(RelayInstallServiceCommand.DEFAULT_USER);

        try (DeviceClient device = new DeviceClient(devicePort)) {
            assertThat(device.reply()).startsWith("220 ");
            device.send("EHLO scanner");
            assertThat(device.send("MAIL FROM:<scan@test.local>")).startsWith("250");
            assertThat(device.send("RCPT TO:<boss@test.local>")).startsWith("250");
            assertThat(device.send("DATA")).startsWith("354");
            assertThat(device.send("Subject: through systemd\r\n\r\nPage 1\r\n.")).startsWith("250 2.0.0");
            device.send("QUIT");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> listing(received).size() == 1);
        assertThat(Files.readString(listing(received).get(0))).contains("Subject: through systemd", "Page 1");

        assertThat(inSystemd("systemctl", "reload", "smtp-doctor-relay").exit()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> journal().contains("event=config.reloaded"));
        assertThat(inSystemd("systemctl", "stop", "smtp-doctor-relay").exit()).isZero();
        assertThat(journal()).contains("event=relay.stopped reason=SIGTERM");
        assertThat(inSystemd("systemctl", "is-active", "smtp-doctor-relay").out().strip()).isEqualTo("inactive");
        assertThat(inSystemd("systemctl", "is-failed", "smtp-doctor-relay").exit()).as("a clean stop is no failure").isNotZero();
    }

    private static void requireSystemdHost() {
        boolean wanted = Peers.isCi() || "1".equals(System.getenv("SMTP_DOCTOR_SYSTEMD_TEST"));
        Assumptions.assumeTrue(wanted, "installs a service into this machine: runs in CI or with SMTP_DOCTOR_SYSTEMD_TEST=1");
        Peers.require("unshare", "nsenter", "smtp-sink", "systemctl", "getent");
        if (!Files.isExecutable(Path.of("/lib/systemd/systemd"))) {
            Assertions.fail("systemd is not installed (/lib/systemd/systemd): apt-get install systemd");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            Assertions.fail("installing a service needs root (CI runs .ci/run as root)");
        }
        if (Files.exists(UNIT) || Files.exists(LIB)) {
            Assertions.fail(UNIT + " or " + LIB + " exists already: this machine has the relay installed; not touching it");
        }
    }

    /**
     * systemd as PID 1 of a new PID and mount namespace, up when systemctl says so. Inside, the
     * host is shielded: /etc/systemd/system is a directory of this test (none of the host's
     * enabled services start, and the unit is written there), sysinit's and timers' wants are
     * emptied (no tmpfiles clean-up, sysctl, udev trigger or module loading on the host), /tmp
     * and /var/tmp are private, /sys is read-only; it boots a target that starts only the journal.
     */
    private void bootSystemd() throws Exception {
        Path units = Files.createDirectories(dir.resolve("etc-systemd-system"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        // The journal, which the test reads, and nothing else: with sysinit's wants emptied, nothing
        // else would start journald, and a unit's output would be lost (seen on a Debian 12 host).
        Files.writeString(units.resolve("smtp-doctor-test.target"),
                "[Unit]\nDescription=smtp-doctor test boot: the journal and what the test starts\nDefaultDependencies=no\n"
                        + "Wants=systemd-journald.socket systemd-journald.service\n");
        String shield = String.join(" && ",
                "mount --bind " + units + " /etc/systemd/system",
                "mount --bind " + empty + " /lib/systemd/system/sysinit.target.wants",
                "mount --bind " + empty + " /lib/systemd/system/timers.target.wants",
                "mount -t tmpfs tmpfs /tmp", "mount -t tmpfs tmpfs /var/tmp",
                "mount --bind /sys /sys", "mount -o remount,bind,ro /sys",
                "exec env container=smtp-doctor-test /lib/systemd/systemd --system --unit=smtp-doctor-test.target --log-target=null");
        unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "--mount", "--propagation", "private",
                "--mount-proc", "sh", "-ec", shield).redirectErrorStream(true).redirectOutput(dir.resolve("systemd.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> unshare.toHandle().children().findFirst()
                .flatMap(c -> c.info().command()).filter(c -> c.endsWith("systemd")).isPresent() || !unshare.isAlive());
        assertThat(unshare.isAlive()).as(() -> read(dir.resolve("systemd.log"))).isTrue();
        systemd = unshare.toHandle().children().findFirst().orElseThrow().pid();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String state = inSystemd("systemctl", "is-system-running").out().strip();
            return state.equals("running") || state.equals("degraded");
        });
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * A jar install-service can copy: only a manifest whose class path points at a copy of this
     * test's class path under /usr/local/lib/smtp-doctor/lib (the unit's ProtectHome hides /root).
     */
    private Path installableJar() throws IOException {
        Path lib = Files.createDirectories(LIB.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from) || entry.contains("test-classes")) {
                continue;
            }
            Path to = lib.resolve(i++ + "-" + from.getFileName());
            copyTree(from, to);
            classPath.add("lib/" + to.getFileName() + (Files.isDirectory(to) ? "/" : ""));
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.smtpdoctor.Main");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        Path jar = LIB.resolve("smtp-doctor.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private String journal() {
        return inSystemd("journalctl", "-u", "smtp-doctor-relay", "--no-pager").out();
    }

    private static List<Path> listing(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private Result inSystemd(String... command) {
        List<String> all = new ArrayList<>(List.of("nsenter", "-t", Long.toString(systemd), "-m", "-p"));
        all.addAll(List.of(command));
        return run(all.toArray(String[]::new));
    }

    private record Result(int exit, String out) {}

    private static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    @AfterEach
    void removeEverythingInstalled() throws Exception {
        if (systemd != 0) {
            inSystemd("systemctl", "disable", "--now", "smtp-doctor-relay");
        }
        if (unshare != null) {
            // SIGKILL to systemd, PID 1 of the namespace, kills everything in it; unshare ignores SIGTERM.
            ProcessHandle.of(systemd).ifPresent(ProcessHandle::destroyForcibly);
            unshare.destroyForcibly();
            unshare.waitFor(20, TimeUnit.SECONDS);
        }
        if (sink != null) {
            sink.destroyForcibly();
        }
        if (systemd == 0) {
            return;
        }
        deleteTree(LIB);
        deleteTree(STATE);
        if (createdEtc) {
            deleteTree(ETC);
        } else {
            Files.deleteIfExists(ETC.resolve("relay-systemd-test.yaml"));
            if (createdEnv) {
                Files.deleteIfExists(Path.of(RelayInstallServiceCommand.ENV_FILE));
            }
        }
        if (createdUser) {
            run("userdel", RelayInstallServiceCommand.DEFAULT_USER);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
