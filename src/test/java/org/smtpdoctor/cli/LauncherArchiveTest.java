package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which class-data archive the {@code ./smtp-doctor} launcher asks the JVM for: on JDK 17-23 an
 * AppCDS archive (target/smtp-doctor.jsa), on JDK 24+ the JDK's AOT cache
 * (target/smtp-doctor.aot), each made by a {@code check} run and made again when the jar is
 * newer. The JDK here is a stand-in: a {@code bin/java} script beside a {@code release} file
 * naming the version, reached through a symlink on PATH as Debian's alternatives do; it writes
 * the options it was given to a log and, like the real JVM, creates the files that the record
 * and create steps name. Whether a real JDK accepts these options is measured in bench/RESULTS.md.
 */
class LauncherArchiveTest {

    @TempDir
    Path dir;
    Path app;
    Path target;
    Path jar;
    Path log;

    @BeforeEach
    void install() throws Exception {
        app = Files.createDirectories(dir.resolve("opt/smtp-doctor"));
        Files.copy(Path.of("smtp-doctor"), app.resolve("smtp-doctor"), StandardCopyOption.COPY_ATTRIBUTES);
        target = Files.createDirectories(app.resolve("target"));
        jar = Files.writeString(target.resolve("smtp-doctor.jar"), "not run: the stand-in java only logs");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        log = dir.resolve("java.log");
    }

    /** A JDK of this version whose bin/java logs its arguments, one invocation a line. */
    private Path jdk(String version, int exitCode) throws Exception {
        Path home = Files.createDirectories(dir.resolve("jdk-" + version));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, String.join("\n",
                "#!/usr/bin/env bash",
                "echo \"$*\" >> '" + log + "'",
                "for a in \"$@\"; do",
                "  case \"$a\" in",
                "    -XX:AOTConfiguration=*) conf=\"${a#*=}\" ;;",
                "    -XX:AOTCache=*) cache=\"${a#*=}\" ;;",
                "  esac",
                "done",
                "case \" $* \" in",
                "  *' -XX:AOTMode=record '*) : > \"$conf\"; echo ' AOTConfiguration recorded: '\"$conf\" >&2; echo 'a real warning' >&2 ;;",
                "  *' -XX:AOTMode=create '*) : > \"$cache\" ;;",
                "esac",
                "exit " + exitCode, ""));
        assertThat(java.toFile().setExecutable(true)).isTrue();
        // on PATH through a link, as /usr/bin/java -> /etc/alternatives/java -> the JDK's bin/java
        Path alternatives = Files.createDirectories(dir.resolve("alternatives-" + version));
        Files.createSymbolicLink(alternatives.resolve("java"), java);
        Path bin = Files.createDirectories(dir.resolve("bin-" + version));
        Files.createSymbolicLink(bin.resolve("java"), Path.of("..", "alternatives-" + version, "java"));
        return bin;
    }

    private record Result(int exit, String err, List<String> javaRuns) {}

    private Result launch(Path javaBin, String args, String... env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "'" + app.resolve("smtp-doctor") + "' " + args).directory(dir.toFile());
        pb.environment().put("PATH", javaBin + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/bin");
        pb.environment().remove("SMTP_DOCTOR_NO_CDS");
        pb.environment().remove("JAVA_OPTS");
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Files.deleteIfExists(log);
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish within 60 s: " + args);
        }
        List<String> runs = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        return new Result(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8), runs);
    }

    @Test
    void on_jdk_17_a_check_run_dumps_the_cds_archive_and_later_runs_use_it() throws Exception {
        Path jdk17 = jdk("17.0.15", 0);
        Result first = launch(jdk17, "check --lab healthy");
        assertThat(first.javaRuns()).hasSize(1);
        assertThat(first.javaRuns().get(0)).contains("-XX:ArchiveClassesAtExit=" + target.resolve("smtp-doctor.jsa"), "-Xlog:cds*=off")
                .doesNotContain("AOT");

        Files.writeString(target.resolve("smtp-doctor.jsa"), "archive");
        Result later = launch(jdk17, "--version");
        assertThat(later.javaRuns().get(0)).contains("-XX:SharedArchiveFile=" + target.resolve("smtp-doctor.jsa"))
                .doesNotContain("ArchiveClassesAtExit");
    }

    @Test
    void on_jdk_17_help_and_version_never_dump_and_a_stale_archive_is_dumped_again_by_check() throws Exception {
        Path jdk17 = jdk("17.0.15", 0);
        assertThat(launch(jdk17, "--version").javaRuns().get(0)).doesNotContain("Archive", "SharedArchiveFile");
        assertThat(launch(jdk17, "check --help").javaRuns().get(0)).doesNotContain("Archive", "SharedArchiveFile");

        Path jsa = Files.writeString(target.resolve("smtp-doctor.jsa"), "archive of an older jar");
        Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().minusSeconds(7200)));
        assertThat(launch(jdk17, "--version").javaRuns().get(0)).doesNotContain("SharedArchiveFile");
        assertThat(launch(jdk17, "check --lab healthy").javaRuns().get(0)).contains("-XX:ArchiveClassesAtExit=");
    }

    @Test
    void on_jdk_25_a_check_run_records_then_the_aot_cache_is_assembled_and_later_runs_use_it() throws Exception {
        Path jdk25 = jdk("25.0.3", 0);
        Path aot = target.resolve("smtp-doctor.aot");
        Path conf = target.resolve("smtp-doctor.aotconf");
        Result first = launch(jdk25, "check --lab healthy");
        assertThat(first.exit()).isZero();
        assertThat(first.javaRuns()).hasSize(2);
        assertThat(first.javaRuns().get(0)).contains("-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf, "-Xlog:aot*=off,cds*=off",
                "-jar " + jar, "check --lab healthy").doesNotContain("jsa");
        assertThat(first.javaRuns().get(1)).contains("-XX:AOTMode=create", "-XX:AOTConfiguration=" + conf, "-XX:AOTCache=" + aot);
        assertThat(first.err()).as("the record step's note is dropped, other JVM output is kept")
                .doesNotContain("AOTConfiguration recorded").contains("a real warning");
        assertThat(aot).exists();
        assertThat(conf).doesNotExist();

        Result later = launch(jdk25, "check --lab healthy");
        assertThat(later.javaRuns()).hasSize(1);
        assertThat(later.javaRuns().get(0)).contains("-XX:AOTCache=" + aot).doesNotContain("AOTMode");
        assertThat(launch(jdk25, "--version").javaRuns().get(0)).contains("-XX:AOTCache=" + aot);
    }

    @Test
    void on_jdk_24_plus_a_cache_older_than_the_jar_is_made_again_and_version_alone_makes_none() throws Exception {
        Path jdk24 = jdk("24", 0);
        assertThat(launch(jdk24, "--version").javaRuns()).hasSize(1).first().asString().doesNotContain("AOT");
        Path aot = Files.writeString(target.resolve("smtp-doctor.aot"), "cache of an older jar");
        Files.setLastModifiedTime(aot, FileTime.from(Instant.now().minusSeconds(7200)));
        assertThat(launch(jdk24, "--version").javaRuns().get(0)).doesNotContain("AOTCache");
        Result check = launch(jdk24, "check --lab healthy");
        assertThat(check.javaRuns().get(0)).contains("-XX:AOTMode=record");
        assertThat(check.javaRuns().get(1)).contains("-XX:AOTMode=create");
    }

    @Test
    void the_exit_code_of_a_recording_run_passes_through_and_no_archive_is_asked_for_with_SMTP_DOCTOR_NO_CDS() throws Exception {
        Path failing25 = jdk("25", 3);
        Result failed = launch(failing25, "check --lab healthy");
        assertThat(failed.exit()).isEqualTo(3);
        assertThat(failed.javaRuns().get(0)).contains("-XX:AOTMode=record");

        Path jdk17 = jdk("17.0.15", 0);
        assertThat(launch(jdk17, "check --lab healthy", "SMTP_DOCTOR_NO_CDS", "1").javaRuns().get(0))
                .doesNotContain("Archive", "AOT").contains("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Files.writeString(target.resolve("smtp-doctor.aot"), "cache");
        assertThat(launch(failing25, "--version", "SMTP_DOCTOR_NO_CDS", "1").javaRuns().get(0)).doesNotContain("AOT");
    }

    @Test
    void a_relay_gets_the_relay_jvm_options_with_JAVA_OPTS_after_them_and_other_commands_do_not() throws Exception {
        Path jdk17 = jdk("17.0.15", 0);
        String relay = launch(jdk17, "relay --config relay.yaml", "JAVA_OPTS", "-Xmx200m").javaRuns().get(0);
        assertThat(relay).startsWith(RelayInstallServiceCommand.JVM_OPTIONS + " ").endsWith("-Xmx200m -jar " + jar + " relay --config relay.yaml");
        for (String other : List.of("check --lab healthy", "--version", "queue list --spool s", "explain --batch f")) {
            assertThat(launch(jdk17, other).javaRuns().get(0)).as(other).startsWith("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1 ")
                    .doesNotContain("-Xmx", "-Xmn", "-Xms", "ExitOnOutOfMemoryError");
        }
    }

    @Test
    void a_jdk_whose_version_cannot_be_read_gets_the_cds_archive() throws Exception {
        Path jdk = jdk("17.0.15", 0);
        Files.delete(dir.resolve("jdk-17.0.15/release"));
        assertThat(launch(jdk, "check --lab healthy").javaRuns().get(0)).contains("-XX:ArchiveClassesAtExit=").doesNotContain("AOT");
    }

    @Test
    void the_windows_launcher_makes_the_same_choices_with_the_same_options_and_files() throws Exception {
        String bash = Files.readString(Path.of("smtp-doctor"));
        String cmd = Files.readString(Path.of("smtp-doctor.cmd"));
        for (String same : List.of("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1", "-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=",
                "-XX:AOTCache=", "-XX:AOTMode=record", "-XX:AOTMode=create", "-XX:AOTConfiguration=", "-XX:+DisplayVMOutputToStderr",
                "-Xlog:cds*=off", "-Xlog:aot*=off,cds*=off", "SMTP_DOCTOR_NO_CDS", "smtp-doctor.jsa", "smtp-doctor.aot",
                "smtp-doctor.aotconf", "JAVA_VERSION=", "--help", "--version")) {
            assertThat(bash).as("bash launcher").contains(same);
            assertThat(cmd).as("Windows launcher").contains(same);
        }
        assertThat(bash).contains("-ge 24", "= relay ]", "opts=(" + RelayInstallServiceCommand.JVM_OPTIONS + ")");
        assertThat(cmd).contains("GEQ 24", "\"%~1\"==\"relay\" set \"OPTS=" + RelayInstallServiceCommand.JVM_OPTIONS + "\"");
    }
}
