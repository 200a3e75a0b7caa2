package org.smtpdoctor.peers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Presence checks for the real peers (Postfix, Dovecot, swaks, openssl, ...) used by tests.
 *
 * <p>DESIGN.md: a test that needs a peer must <em>fail</em>, not skip, when {@code CI=true};
 * on a developer machine without the peer it is skipped (aborted) instead.
 */
public final class Peers {

    /** Extra directories searched after PATH: Debian puts Postfix tools (smtp-sink, ...) here. */
    private static final List<Path> EXTRA_DIRS = List.of(
            Path.of("/usr/sbin"),
            Path.of("/sbin"),
            Path.of("/usr/lib/postfix/sbin"),
            Path.of("/usr/local/sbin"));

    private Peers() {
    }

    /** True when running in CI ({@code CI=true}): missing peers fail instead of skipping. */
    public static boolean isCi() {
        String ci = System.getenv("CI");
        return ci != null && (ci.equalsIgnoreCase("true") || ci.equals("1"));
    }

    /**
     * Checks that every command can be found (see {@link #findExecutable(String)}). If some are
     * missing: fails the test when {@code CI=true}, otherwise aborts (skips) it.
     */
    public static void require(String... commands) {
        List<String> missing = new ArrayList<>();
        for (String c : commands) {
            if (find(c).isEmpty()) {
                missing.add(c);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String msg = "real peer(s) not installed: " + String.join(", ", missing)
                + " (searched PATH and " + EXTRA_DIRS + "). Install with .ci/run or: "
                + "apt-get install -y postfix dovecot-core swaks openssl";
        if (isCi()) {
            Assertions.fail("CI=true: " + msg);
        }
        Assumptions.abort(msg + " -- skipping (would fail with CI=true)");
    }

    /** Like {@link #require(String...)}, but true/false instead of failing or skipping. */
    public static boolean available(String... commands) {
        for (String c : commands) {
            if (find(c).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The absolute path of an executable, searched on PATH, then in /usr/sbin, /sbin,
     * /usr/lib/postfix/sbin and /usr/local/sbin.
     *
     * @throws IllegalStateException if it cannot be found (call {@link #require} first)
     */
    public static Path findExecutable(String command) {
        return find(command).orElseThrow(() -> new IllegalStateException(
                "executable not found: " + command + " (use Peers.require first)"));
    }

    /** Optional variant of {@link #findExecutable(String)}. */
    public static Optional<Path> find(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(EXTRA_DIRS);
        for (Path d : dirs) {
            Path p = d.resolve(command);
            if (isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
