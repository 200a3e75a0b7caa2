package org.smtpdoctor.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.smtpdoctor.relay.RelayEvents;

/**
 * Tells systemd (a {@code Type=notify} unit) that the relay is ready, and when it stops.
 * <p>
 * The protocol is a datagram to the Unix socket in {@code $NOTIFY_SOCKET}; Java 17 has Unix
 * stream sockets only, so the relay runs {@code systemd-notify --ready} instead, which sends
 * from its own pid: the unit needs {@code NotifyAccess=all}. Since systemd 246,
 * {@code systemd-notify} waits until PID 1 has processed the message (a barrier), so it is
 * attributed to the unit although the sender exits at once; with an older systemd the
 * message can be dropped and the start times out: use the {@code Type=exec} unit there
 * (packaging/systemd/README.md). Without {@code $NOTIFY_SOCKET} (not under systemd) nothing
 * happens. Failures are logged, never fatal: the relay works, only systemd waits.
 */
final class ServiceNotifier {

    private ServiceNotifier() {
    }

    /** READY=1 with a status line, once the listeners (and the console) are up. */
    static void ready(String status) {
        send("--ready", "--status=" + status);
    }

    /** STOPPING=1: the relay drains and stops (SIGTERM). */
    static void stopping() {
        send("STOPPING=1", "STATUS=stopping: draining device sessions and deliveries");
    }

    private static void send(String... args) {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return;
        }
        Optional<Path> tool = onPath("systemd-notify");
        if (tool.isEmpty()) {
            RelayEvents.warn("systemd.notify-failed", "reason", "NOTIFY_SOCKET is set but systemd-notify is not on PATH");
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(tool.get().toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                RelayEvents.warn("systemd.notify-failed", "reason", "systemd-notify did not finish within 10 s", "args", List.of(args));
            } else if (p.exitValue() != 0) {
                RelayEvents.warn("systemd.notify-failed", "reason", "systemd-notify exited with " + p.exitValue()
                        + " (is NotifyAccess=all set in the unit?)", "args", List.of(args));
            } else {
                RelayEvents.info("systemd.notified", "args", List.of(args));
            }
        } catch (IOException e) {
            RelayEvents.warn("systemd.notify-failed", "reason", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
