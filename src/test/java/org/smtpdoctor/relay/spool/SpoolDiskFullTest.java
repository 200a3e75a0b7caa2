package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.smtpdoctor.relay.spool.TestMessages.envelope;
import static org.smtpdoctor.relay.spool.TestMessages.read;
import static org.smtpdoctor.relay.spool.TestMessages.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;

/**
 * The spool on a real full disk: a 1 MB tmpfs mounted by the test (it runs as root). With
 * CI=true a failed mount fails the test; elsewhere it skips.
 */
class SpoolDiskFullTest {

    @TempDir
    Path tmp;
    Path mount;
    boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws IOException {
        mount = Files.createDirectories(tmp.resolve("mnt"));
        Exec.Result r = Exec.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mount.toString()), Duration.ofSeconds(20));
        if (!r.ok()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("cannot mount a tmpfs for the disk-full test (CI=true, so this fails): " + r);
            }
            assumeTrue(false, "cannot mount a tmpfs (not root?): " + r.output());
        }
        mounted = true;
    }

    @AfterEach
    void unmount() {
        if (mounted) {
            // lazily (-l) if a failed assertion left a file open: never a mount left behind
            Exec.Result r = Exec.run(List.of("umount", mount.toString()), Duration.ofSeconds(20));
            if (!r.ok()) {
                Exec.run(List.of("umount", "-l", mount.toString()), Duration.ofSeconds(20));
            }
            assertThat(r.ok()).as("umount " + mount + ": " + r).isTrue();
        }
    }

    private static String tenKilobytes(int n) {
        return TestMessages.content("full-" + n) + ("x".repeat(98) + "\r\n").repeat(100);
    }

    @Test
    void aFullDiskIsSpoolFullAndEverythingAcceptedBeforeStaysWhole() throws Exception {
        Path dir = mount.resolve("spool");
        Map<String, Integer> accepted = new LinkedHashMap<>();
        String anyId;
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            SpoolFullException full = null;
            for (int n = 0; n < 500 && full == null; n++) {
                try {
                    accepted.put(spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(tenKilobytes(n))), n);
                } catch (SpoolFullException e) {
                    full = e;
                }
            }
            assertThat(full).as("the 1 MB disk fills up").isNotNull().hasMessage("the spool's disk is full");
            assertThat(full.getCause()).hasMessageContaining("No space left on device");
            assertThat(accepted).hasSizeGreaterThan(20);
            assertThat(dir.resolve("tmp")).as("the failed write left nothing behind").isEmptyDirectory();
            try (var files = Files.list(dir.resolve("msg"))) {
                assertThat(files.count()).as("one file per message").isEqualTo(accepted.size());
            }

            // Fill the last pages too: a state update then has no room either, and says so.
            anyId = accepted.keySet().iterator().next();
            try (OutputStream filler = Files.newOutputStream(mount.resolve("filler"))) {
                byte[] page = new byte[4096];
                for (int i = 0; i < 1000; i++) {
                    filler.write(page);
                    filler.flush();
                }
                fail("the filler never hit the end of the disk");
            } catch (IOException e) {
                assertThat(e).hasMessageContaining("No space left on device");
            }
            assertThatThrownBy(() -> spool.markDeferred(anyId, "a@contoso.test", "451 4.4.1 timeout", Instant.now()))
                    .isInstanceOf(SpoolFullException.class);
            assertThat(spool.get(anyId).orElseThrow().recipients().get(0).status()).isEqualTo(RecipientState.Status.PENDING);
            assertThat(dir.resolve("tmp")).isEmptyDirectory();

            // Room again: accepting works again.
            Files.delete(mount.resolve("filler"));
            spool.markDeferred(anyId, "a@contoso.test", "451 4.4.1 timeout", Instant.now());
            assertThat(spool.delete(accepted.keySet().stream().skip(1).findFirst().orElseThrow())).isPresent();
            accepted.remove(accepted.keySet().stream().skip(1).findFirst().orElseThrow());
            accepted.put(spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(tenKilobytes(1000))), 1000);
        }
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0))) {
            assertThat(spool.recovery().quarantined()).isEmpty();
            assertThat(spool.list()).extracting(QueuedMessage::id).containsExactlyElementsOf(accepted.keySet());
            for (Map.Entry<String, Integer> a : accepted.entrySet()) {
                assertThat(read(spool.content(a.getKey()))).isEqualTo(tenKilobytes(a.getValue()));
            }
            assertThat(spool.get(anyId).orElseThrow().recipients().get(0).status()).isEqualTo(RecipientState.Status.DEFERRED);
        }
    }

    @Test
    void theMinimumFreeSpaceRefusesBeforeTheDiskIsFull() throws Exception {
        Path dir = mount.resolve("spool");
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(600 << 10))) {
            int accepted = 0;
            SpoolFullException refused = null;
            for (int n = 0; n < 200 && refused == null; n++) {
                try {
                    spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(tenKilobytes(n)));
                    accepted++;
                } catch (SpoolFullException e) {
                    refused = e;
                }
            }
            assertThat(refused).isNotNull().hasMessageContaining("free on the spool's disk; the spool keeps 600 KB free");
            assertThat(accepted).isGreaterThan(10);
            assertThat(Files.getFileStore(dir).getUsableSpace()).as("refused with room to spare").isGreaterThan(500 << 10);
            assertThat(spool.list()).hasSize(accepted);
        }
    }
}
