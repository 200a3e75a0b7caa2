package org.smtpdoctor.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A tmpfs of a given size that a test mounts, for a volume that fills up on purpose (the spool's
 * reserve reached). Needs root: with CI=true a failed mount fails the test, elsewhere it is
 * skipped. {@link #close} unmounts it (lazily when busy, and then fails).
 */
public final class Tmpfs implements AutoCloseable {

    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code size} ({@code 70m}) on {@code dir}, created if missing. */
    public static Tmpfs mount(Path dir, String size) throws IOException {
        Peers.require("mount", "umount");
        Files.createDirectories(dir);
        Exec.Result r = Exec.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()),
                Duration.ofSeconds(30));
        if (!r.ok()) {
            String msg = "cannot mount a tmpfs (needs root): " + r;
            if (Peers.isCi()) {
                Assertions.fail("CI=true: " + msg);
            }
            Assumptions.abort(msg + " -- skipping (would fail with CI=true)");
        }
        return new Tmpfs(dir);
    }

    public Path path() {
        return mountPoint;
    }

    @Override
    public void close() {
        Exec.Result r = Exec.run(List.of("umount", mountPoint.toString()), Duration.ofSeconds(30));
        if (!r.ok()) {
            Exec.Result lazy = Exec.run(List.of("umount", "-l", mountPoint.toString()), Duration.ofSeconds(30));
            throw new AssertionError("umount " + mountPoint + " failed: " + r + "; lazy umount: " + lazy);
        }
    }
}
