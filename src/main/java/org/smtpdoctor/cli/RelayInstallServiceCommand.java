package org.smtpdoctor.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.RelayConfigExample;
import org.smtpdoctor.relay.config.RelayConfigReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smtp-doctor relay install-service}: the relay as a systemd service in one command, as
 * root. Copies the running jar to {@code /usr/local/lib/smtp-doctor/}, creates the system user
 * {@code smtp-doctor} (useradd), writes the unit (the template {@code smtp-doctor-relay.service}
 * beside this class, also in packaging/systemd/), {@code /etc/smtp-doctor/relay.env} for
 * secrets (root only) and, when there is none, a configuration to edit; checks the
 * configuration; then {@code systemctl daemon-reload} and {@code enable --now}. {@code --print}
 * shows the unit and changes nothing; {@code --root DIR} writes under DIR and runs nothing
 * (packaging and tests).
 */
@Command(name = "install-service", header = "Install the relay as a systemd service (Linux, as root).",
        mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
            "Copies this smtp-doctor to /usr/local/lib/smtp-doctor/, creates the system user smtp-doctor, writes",
            "/etc/systemd/system/smtp-doctor-relay.service (hardened: its own user, ProtectSystem=strict,",
            "NoNewPrivileges, only CAP_NET_BIND_SERVICE for port 25, the spool in /var/lib/smtp-doctor,",
            "restart on failure, ready when the listeners are up), then enables and starts it.",
            "Without a configuration file yet, writes the commented example there and starts nothing.",
            "",
            "Examples:",
            "  sudo ./smtp-doctor relay install-service --config /etc/smtp-doctor/relay.yaml",
            "  ./smtp-doctor relay install-service --print",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:installed (and started, unless it had to write the configuration first)",
            "1:installed, but starting it failed (see systemctl status smtp-doctor-relay)",
            "2:usage error, not root, or the configuration is wrong: nothing was started"})
public final class RelayInstallServiceCommand implements Callable<Integer> {

    static final String UNIT = "smtp-doctor-relay.service";
    static final String DEFAULT_JAR = "/usr/local/lib/smtp-doctor/smtp-doctor.jar";
    static final String DEFAULT_CONFIG = "/etc/smtp-doctor/relay.yaml";
    static final String DEFAULT_USER = "smtp-doctor";
    static final String ENV_FILE = "/etc/smtp-doctor/relay.env";
    /**
     * The JVM options of a long-running relay, the same in every way it is started (the launchers
     * for {@code relay}, this unit, packaging/Dockerfile, packaging/windows; PackagingTest holds them
     * to it). Measured in bench/RESULTS.md: C1 only (C2's compiler threads and code cost the relay
     * ~30 MB of RSS and, on 2 shared cores, more CPU than they save); Serial GC (no GC threads, the
     * smallest footprint); a young generation of 8 MB, which all of is touched between two
     * collections (the default, a third of the heap, made ~35 MB of RSS); a heap of at most 128 MB
     * (5,000 idle devices need ~70 MB on Java 25) that starts at 8 MB, so its old generation can give
     * memory back after a full collection; and an exit on running out, for the service manager to
     * restart the relay (its spool keeps every accepted message).
     */
    static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmx128m -Xmn24m -XX:SurvivorRatio=4 -XX:+ExitOnOutOfMemoryError";

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT_CONFIG,
            description = "The relay's configuration (default ${DEFAULT-VALUE}); written from the example when missing.")
    String config;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = DEFAULT_USER, description = "The system user the relay runs as (default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--java", paramLabel = "PATH", description = "The java to run (default: the one running this command).")
    String java;

    @Option(names = "--jar", paramLabel = "PATH", description = "The smtp-doctor jar to install (default: the one running this command).")
    Path jar;

    @Option(names = "--print", description = "Print the unit file and change nothing.")
    boolean print;

    @Option(names = "--root", paramLabel = "DIR", description = "Write every file under DIR and run nothing (no useradd, no systemctl).")
    Path root;

    @Option(names = "--no-start", description = "Install and enable, but do not start now.")
    boolean noStart;

    /** The unit for these settings. */
    static String unit(String java, String jar, String config, String user) {
        try (InputStream in = RelayInstallServiceCommand.class.getResourceAsStream(UNIT)) {
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return template.replace("@JAVA@", java).replace("@JVM_OPTIONS@", JVM_OPTIONS).replace("@JAR@", jar).replace("@CONFIG@", config).replace("@USER@", user);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException(UNIT + " is missing from the build", e);
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (!user.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new UsageException("--user " + user + ": a system user name (lowercase letters, digits, _ and -)");
        }
        if (!config.startsWith("/")) {
            throw new UsageException("--config " + config + ": an absolute path (the service does not run where you are)");
        }
        String javaPath = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String unit = unit(javaPath, DEFAULT_JAR, config, user);
        if (print) {
            out.print(unit);
            out.flush();
            return ExitCode.OK;
        }
        boolean live = root == null;
        if (live && !System.getProperty("os.name").startsWith("Linux")) {
            throw new UsageException("install-service is for Linux with systemd; on Windows see packaging/windows/README.md");
        }
        if (live && !isRoot()) {
            throw new UsageException("install-service must run as root (sudo): it writes /etc and /usr/local and creates a user");
        }
        Path source = jar != null ? jar : runningJar();
        Path base = live ? Path.of("/") : root;
        Path jarTarget = under(base, DEFAULT_JAR);
        Path configFile = under(base, config);
        Path envFile = under(base, ENV_FILE);
        Path unitFile = under(base, "/etc/systemd/system/" + UNIT);

        Files.createDirectories(jarTarget.getParent());
        Files.copy(source, jarTarget, StandardCopyOption.REPLACE_EXISTING);
        setMode(jarTarget, "rw-r--r--");
        out.println("installed   " + jarTarget);

        if (live) {
            ensureUser(out);
        } else {
            out.println("user        " + user + " (not created: --root)");
        }

        Files.createDirectories(configFile.getParent());
        boolean configWritten = false;
        if (!Files.exists(configFile)) {
            Files.writeString(configFile, RelayConfigExample.text().replace("spool: /var/spool/smtp-doctor",
                    "spool: /var/lib/smtp-doctor/spool    # the service's StateDirectory (the unit passes --spool too)"), StandardCharsets.UTF_8);
            configWritten = true;
            out.println("wrote       " + configFile + " (the commented example: edit it)");
        }
        setMode(configFile, "rw-r-----");
        if (live) {
            setGroup(configFile, user);
        }
        if (!Files.exists(envFile)) {
            Files.createDirectories(envFile.getParent());
            Files.writeString(envFile, String.join("\n",
                    "# Secrets for smtp-doctor relay, read by systemd (root only) and handed to the relay as",
                    "# environment variables: name them in relay.yaml with client-secret-env= / password-env=.",
                    "# RELAY_CLIENT_SECRET=...",
                    ""), StandardCharsets.UTF_8);
            out.println("wrote       " + envFile + " (root only; put secrets here as NAME=value)");
        }
        setMode(envFile, "rw-------");

        Files.createDirectories(unitFile.getParent());
        Files.writeString(unitFile, unit, StandardCharsets.UTF_8);
        setMode(unitFile, "rw-r--r--");
        out.println("wrote       " + unitFile);

        if (!configWritten) {
            try {
                RelayConfigReader.read(configFile);
                out.println("checked     " + configFile + ": OK");
            } catch (ConfigException e) {
                out.flush();
                throw new UsageException(e.getMessage() + " (fix it, then: systemctl enable --now smtp-doctor-relay)");
            }
        }
        if (!live) {
            out.println("Not started (--root). On the target: systemctl daemon-reload && systemctl enable --now smtp-doctor-relay");
            out.flush();
            return ExitCode.OK;
        }
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            out.println("systemd is not running here (a container?): start it with  " + javaPath + " -jar " + DEFAULT_JAR
                    + " relay --config " + config);
            out.flush();
            return ExitCode.OK;
        }
        run(out, "systemctl", "daemon-reload");
        if (configWritten) {
            run(out, "systemctl", "enable", "smtp-doctor-relay");
            out.println("Edit " + config + " (and " + ENV_FILE + " for secrets), then: systemctl start smtp-doctor-relay");
            out.flush();
            return ExitCode.OK;
        }
        int rc = run(out, "systemctl", "enable", noStart ? "smtp-doctor-relay" : "--now", "smtp-doctor-relay");
        if (!noStart) {
            rc = rc == 0 ? run(out, "systemctl", "is-active", "--quiet", "smtp-doctor-relay") : rc;
            out.println(rc == 0 ? "started     smtp-doctor-relay (systemctl status smtp-doctor-relay; journalctl -u smtp-doctor-relay -f)"
                    : "smtp-doctor-relay did not start: systemctl status smtp-doctor-relay; journalctl -u smtp-doctor-relay");
        }
        out.flush();
        return rc == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    private void ensureUser(PrintWriter out) throws IOException, InterruptedException {
        if (run(null, "getent", "passwd", user) == 0) {
            out.println("user        " + user + " (exists)");
            return;
        }
        String nologin = Files.exists(Path.of("/usr/sbin/nologin")) ? "/usr/sbin/nologin" : "/sbin/nologin";
        if (run(out, "useradd", "--system", "--user-group", "--home-dir", "/var/lib/smtp-doctor", "--no-create-home",
                "--shell", nologin, "--comment", "smtp-doctor relay", user) != 0) {
            throw new UsageException("could not create the user " + user + " (useradd failed)");
        }
        out.println("user        " + user + " (created)");
    }

    private static int run(PrintWriter out, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return 124;
        }
        if (out != null && !text.isBlank()) {
            text.lines().forEach(l -> out.println("  " + l));
        }
        return p.exitValue();
    }

    private static Path under(Path base, String absolute) {
        return base.resolve(absolute.substring(1));
    }

    private static Path runningJar() {
        try {
            Path p = Path.of(RelayInstallServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
                throw new UsageException("not running from a jar (" + p + "): build it (mvn package) or give --jar target/smtp-doctor.jar");
            }
            return p;
        } catch (URISyntaxException | SecurityException e) {
            throw new UsageException("cannot tell which jar is running: give --jar PATH");
        }
    }

    private static boolean isRoot() {
        try {
            return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void setMode(Path p, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    private static void setGroup(Path p, String group) throws IOException {
        GroupPrincipal g = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(g);
    }

}
