package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.testing.Ports;

/**
 * The {@code ./smtp-doctor} launcher, run by bash as a user runs it: through a chain of
 * symlinks on PATH, from another directory. It runs from a copy of the project's launcher in
 * a temporary installation whose jar is up to date (a manifest that points at the test
 * class path), so that no Maven build starts inside the test.
 */
class LauncherTest {

    @Test
    void theLauncherWorksThroughSymlinksOnPathFromAnyDirectory(@TempDir Path dir) throws Exception {
        Path app = Files.createDirectories(dir.resolve("opt/smtp-doctor"));
        Path launcher = Files.copy(Path.of("smtp-doctor"), app.resolve("smtp-doctor"), StandardCopyOption.COPY_ATTRIBUTES);
        assertThat(launcher.toFile().canExecute()).isTrue();
        writeLauncherJar(Files.createDirectories(app.resolve("target")).resolve("smtp-doctor.jar"));
        // bin/smtp-doctor -> ../links/sd (relative) -> /…/opt/smtp-doctor/smtp-doctor (absolute)
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("sd"), launcher.toAbsolutePath());
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("smtp-doctor"), Path.of("../links/sd"));
        Path elsewhere = Files.createDirectories(dir.resolve("home"));

        Result version = bash(bin, elsewhere, "smtp-doctor --version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("smtp-doctor ");
        assertThat(version.err()).doesNotContain("building");

        Result usage = bash(bin, elsewhere, "smtp-doctor check --frobnicate");
        assertThat(usage.exit()).as("the exit code passes through").isEqualTo(ExitCode.USAGE);
        assertThat(usage.err()).contains("unknown option '--frobnicate'");
    }

    @Test
    void aRelayStartedWithNohupThroughTheLauncherStillReloadsOnSighup(@TempDir Path dir) throws Exception {
        Path app = Files.createDirectories(dir.resolve("opt/smtp-doctor"));
        Files.copy(Path.of("smtp-doctor"), app.resolve("smtp-doctor"), StandardCopyOption.COPY_ATTRIBUTES);
        writeLauncherJar(Files.createDirectories(app.resolve("target")).resolve("smtp-doctor.jar"));
        int port = Ports.free();
        Path config = Files.writeString(dir.resolve("relay.yaml"), String.join("\n",
                "listeners:", "  - address: 127.0.0.1", "    port: " + port, "    mode: plain",
                "devices:", "  - name: lan", "    networks: [127.0.0.1/32]",
                "upstream:", "  - \"smtp://127.0.0.1:9\"", "spool: " + dir.resolve("spool"), ""));
        Path log = dir.resolve("relay.log");
        ProcessBuilder pb = new ProcessBuilder("nohup", app.resolve("smtp-doctor").toString(), "relay", "--config", config.toString())
                .redirectOutput(dir.resolve("relay.out").toFile()).redirectError(log.toFile());
        pb.environment().put("SMTP_DOCTOR_NO_CDS", "1");
        Process relay = pb.start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> Files.readString(log, StandardCharsets.UTF_8).contains("event=relay.started"));
            Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(relay.pid())).start();
            assertThat(kill.waitFor()).isZero();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> Files.readString(log, StandardCharsets.UTF_8).contains("event=config.reload"));
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain("signals.hup_ignored");
            assertThat(Files.readString(dir.resolve("relay.out"), StandardCharsets.UTF_8)).contains("SIGHUP re-reads " + config);
        } finally {
            relay.destroy();
            assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** A jar with only a manifest: Main-Class, and the test class path as absolute file URLs. */
    private static void writeLauncherJar(Path jar) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.smtpdoctor.Main");
        List<String> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
    }

    private record Result(int exit, String out, String err) {}

    private static Result bash(Path bin, Path cwd, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(cwd.toFile());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("SMTP_DOCTOR_NO_CDS", "1");
        Path out = Files.createTempFile(cwd, "out", ".txt");
        Path err = Files.createTempFile(cwd, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish within 60 s: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
