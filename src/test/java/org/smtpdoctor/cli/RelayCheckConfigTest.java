package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.relay.deliver.RelayStatus;

/**
 * {@code relay --check-config} fails whatever the start would fail, one line each, exit 2; and a
 * start that fails leaves nothing behind (no spool directory, no status file).
 */
class RelayCheckConfigTest {

    @TempDir
    Path dir;

    private Cli.Run check(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("relay", "--allow", "192.168.1.0/24", "--listen", "127.0.0.1:0",
                "--spool", dir.resolve("spool").toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void assertOneLineEach(Cli.Run r, String... lines) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err().lines().toList()).hasSize(lines.length);
        for (int i = 0; i < lines.length; i++) {
            assertThat(r.err().lines().toList().get(i)).startsWith("smtp-doctor: ").contains(lines[i]);
        }
        assertThat(r.out()).doesNotContain("Configuration OK.");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void anUnsetPasswordVariableAMissingPasswordFileAndAnOauthUrlWithoutCredentialEachFailTheCheck() {
        String unset = "SMTP_DOCTOR_TEST_UNSET_" + ProcessHandle.current().pid();
        Cli.Run r = check("--check-config",
                "--upstream", "smtp+starttls://relay@smarthost.example.com:587?password-env=" + unset,
                "--upstream", "smtps://relay@smarthost.example.com?password-file=" + dir.resolve("no-such-file"),
                "--upstream", "m365-oauth://relay@contoso.com?tenant=t&client-id=c");
        assertOneLineEach(r, "the upstream password should be in the environment variable " + unset + ", which is not set",
                "cannot read the upstream password from " + dir.resolve("no-such-file") + ": no such file",
                "the relay needs an app-only token: add client-secret-env=VAR, client-secret-file=PATH or certificate=PATH");
        assertThat(dir.resolve("spool")).as("a check creates nothing").doesNotExist();
    }

    @Test
    void theCheckPassesWhenTheVariableIsSetAndNeverShowsItsValue() throws Exception {
        ProcessTest.Result r = ProcessTest.run(Map.of("HVE_PASSWORD", "Canary-9d1e-secret"), "relay", "--allow", "192.168.1.0/24",
                "--listen", "127.0.0.1:0", "--spool", dir.resolve("spool").toString(), "--check-config",
                "--upstream", "smtp+starttls://relay@smarthost.example.com:587?password-env=HVE_PASSWORD");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Configuration OK.").doesNotContain("Canary-9d1e-secret");
        assertThat(r.err()).doesNotContain("Canary-9d1e-secret");
    }

    @Test
    void aPortInUseFailsTheCheckAndTheStartWhichThenLeavesNothingBehind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            Cli.Run r = Cli.run("relay", "--allow", "192.168.1.0/24", "--listen", listen, "--upstream", "smtp://smarthost.example.com",
                    "--spool", dir.resolve("a/b/spool").toString(), "--check-config");
            assertOneLineEach(r, "cannot listen on " + listen + " (address in use: another program listens there)");
            Cli.Run start = Cli.run("relay", "--allow", "192.168.1.0/24", "--listen", listen, "--upstream", "smtp://smarthost.example.com",
                    "--spool", dir.resolve("a/b/spool").toString());
            assertOneLineEach(start, "cannot listen on " + listen + " (address in use: another program listens there)");
            assertThat(dir.resolve("a")).as("no spool, and none of its parents").doesNotExist();
        }
    }

    @Test
    void aFailedStartLeavesAnExistingSpoolAndItsLastStatusAsTheyWere() throws Exception {
        Path spool = dir.resolve("spool");
        org.smtpdoctor.relay.spool.Spool.open(spool).close();
        java.time.Instant stoppedAt = java.time.Instant.parse("2026-11-28T12:00:00Z");
        new RelayStatus(stoppedAt, "relay.test", false, RelayStatus.Queue.of(List.of()), List.of()).write(spool);
        String before = Files.readString(spool.resolve(RelayStatus.FILE));
        Cli.Run start = Cli.run("relay", "--allow", "192.168.1.0/24", "--listen", "127.0.0.1:0",
                "--upstream", "smtp://u@smarthost.example.com?password-env=SMTP_DOCTOR_TEST_UNSET_X", "--spool", spool.toString());
        assertOneLineEach(start, "which is not set");
        assertThat(Files.readString(spool.resolve(RelayStatus.FILE))).as("no new 'stopped at'").isEqualTo(before);
        try (var files = Files.list(spool)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("FORMAT", "audit", "corrupt", "lock", "msg", "relay-status.json", "requests", "tmp");
        }
    }

    @Test
    void aSpoolTheRelayCannotWriteFailsTheCheckAndTheStart() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        boolean mounted = false;
        if (isRoot()) {
            // root writes anywhere a permission would stop a service user; a read-only volume stops root too.
            Exec.Result m = Exec.run(List.of("mount", "-t", "tmpfs", "-o", "ro,size=100m", "tmpfs", ro.toString()), Duration.ofSeconds(30));
            if (!m.ok()) {
                String msg = "cannot mount a read-only tmpfs (needs root): " + m;
                if (Peers.isCi()) {
                    Assertions.fail("CI=true: " + msg);
                }
                Assumptions.abort(msg);
            }
            mounted = true;
        } else {
            ro.toFile().setWritable(false, false);
        }
        try {
            Cli.Run missing = Cli.run("relay", "--allow", "192.168.1.0/24", "--listen", "127.0.0.1:0", "--upstream", "smtp://smarthost.example.com",
                    "--spool", ro.resolve("spool").toString(), "--check-config");
            assertOneLineEach(missing, "cannot create the spool " + ro.resolve("spool") + ": " + ro + " is not writable for ");
            Cli.Run start = Cli.run("relay", "--allow", "192.168.1.0/24", "--listen", "127.0.0.1:0", "--upstream", "smtp://smarthost.example.com",
                    "--spool", ro.resolve("spool").toString());
            assertOneLineEach(start, "cannot create the spool " + ro.resolve("spool"));
        } finally {
            if (mounted) {
                Exec.run(List.of("umount", ro.toString()), Duration.ofSeconds(30));
            } else {
                ro.toFile().setWritable(true, false);
            }
        }
    }

    @Test
    void aReserveLargerThanTheVolumeFailsAndOneAboveTheFreeSpaceIsANote() throws Exception {
        Path spool = dir.resolve("spool");
        Cli.Run never = check("--upstream", "smtp://smarthost.example.com", "--spool-reserve", "99%", "--check-config");
        assertThat(never.exit()).as(never.err()).isZero(); // 99% of a volume is still less than all of it
        long total = Files.getFileStore(dir).getTotalSpace();
        Cli.Run tooBig = check("--upstream", "smtp://smarthost.example.com", "--spool-reserve", (total / (1L << 30) + 2) + "GB",
                "--check-config");
        assertOneLineEach(tooBig, "is not larger than its reserve");
        assertThat(tooBig.err()).contains("the relay could never take a message; lower spool-reserve or move the spool");
        Cli.Run bad = check("--upstream", "smtp://smarthost.example.com", "--spool-reserve", "lots", "--check-config");
        assertThat(bad.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err().strip()).isEqualTo("smtp-doctor: --spool-reserve: expected a size like 64MB or 1GB, or a share of the volume"
                + " like 5% (0-99%), got 'lots'");
        long free = Files.getFileStore(dir).getUsableSpace();
        // Between what is free and the whole volume: the start would be degraded (refusing mail), not refused.
        Cli.Run low = check("--upstream", "smtp://smarthost.example.com", "--spool-reserve", String.valueOf(free + (total - free) / 2),
                "--check-config");
        assertThat(low.exit()).as(low.err()).isZero();
        assertThat(low.out()).contains("  note        only ", "below its reserve of ", "refuses new mail (452 4.3.1)", "Configuration OK.");
        assertThat(spool).doesNotExist();
    }

    @Test
    void besideARelayRunningOnTheSameSpoolItsPortInUseIsANoteNotAProblem() throws Exception {
        Path spool = dir.resolve("spool");
        try (org.smtpdoctor.relay.spool.Spool running = org.smtpdoctor.relay.spool.Spool.open(spool);
             ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + listening.getLocalPort();
            Cli.Run r = Cli.run("relay", "--allow", "192.168.1.0/24", "--listen", listen, "--upstream", "smtp://smarthost.example.com",
                    "--spool", spool.toString(), "--check-config");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("  note        a relay (process " + ProcessHandle.current().pid() + ") runs on the spool " + spool
                    + " now; ports it holds are checked again at the start", "Configuration OK.");
        }
    }

    @Test
    void aListenerCertificateThatCannotBeReadFailsTheCheck() throws Exception {
        Path yaml = Files.writeString(dir.resolve("relay.yaml"), String.join("\n",
                "listeners:",
                "  - port: 0",
                "    mode: tls",
                "    certificate:",
                "      pem-certificate: " + dir.resolve("relay.crt"),
                "      pem-key: " + dir.resolve("relay.key"),
                "devices:",
                "  - name: lan",
                "    networks: [192.168.1.0/24]",
                "upstream: [\"smtp://smarthost.example.com\"]",
                "spool: " + dir.resolve("spool"),
                ""));
        Cli.Run r = Cli.run("relay", "--config", yaml.toString(), "--check-config");
        assertOneLineEach(r, "listener 127.0.0.1:0: " + dir.resolve("relay.crt") + ": no such certificate file");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
