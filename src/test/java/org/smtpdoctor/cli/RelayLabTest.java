package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.testing.Ports;

/**
 * {@code relay --lab} as the README has a newcomer run it (a child JVM): the printed Python
 * one-liner sends as a device would; with oauth-no-mailbox-permission the message is deferred
 * and the cause and fix are shown; typing oauth-healthy switches the lab and the message
 * arrives in the lab's mailbox.
 */
class RelayLabTest {

    @TempDir
    Path dir;

    private Process relay;

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.destroy();
            if (!relay.waitFor(15, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
    }

    private String out() throws Exception {
        return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    }

    private String err() {
        try {
            return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void a_device_message_is_deferred_with_cause_and_fix_then_delivered_once_the_lab_is_healthy() throws Exception {
        Peers.require("python3", "swaks");
        int port = Ports.free();
        relay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main", "relay",
                "--lab", "oauth-no-mailbox-permission", "--listen", "127.0.0.1:" + port)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> out().contains("Stop with Ctrl-C") || !relay.isAlive());
        assertThat(relay.isAlive()).as(this::err).isTrue();
        String howTo = out();
        assertThat(howTo).contains("Lab: the embedded Microsoft 365 (oauth-no-mailbox-permission", "swaks --server 127.0.0.1:" + port,
                "As a TLS 1.0 device:", "Type a scenario name and Enter to switch the lab");
        Matcher python = Pattern.compile("(?m)^  (python3 -c .*)$").matcher(howTo);
        assertThat(python.find()).isTrue();
        Exec.Result sent = Exec.run(List.of("sh", "-c", python.group(1)), Duration.ofSeconds(30));
        assertThat(sent.ok()).as(sent.toString()).isTrue();

        // The printed TLS 1.0 line: an old scanner (the lab in this process must not have locked TLS 1.0 out).
        Matcher tls1 = Pattern.compile("(?m)^  (swaks .*--tls-protocol tlsv1.*)$").matcher(howTo);
        assertThat(tls1.find()).isTrue();
        Exec.Result old = Exec.run(List.of("sh", "-c", tls1.group(1)), Duration.ofSeconds(30));
        assertThat(old.output()).as(old.toString()).contains("TLS started with cipher TLSv1:", "250 2.0.0 OK queued as");

        // The cause and its fix lines are printed one after the other: wait for the fix.
        await().atMost(Duration.ofSeconds(30)).until(() -> out().contains("cause oauth_scope_or_permission")
                && out().contains("  fix 1: "));
        assertThat(out()).contains("relay: deferred", "535 5.7.3", "  fix 1: ").doesNotContain("message 1 arrived");

        OutputStream stdin = relay.getOutputStream();
        stdin.write("oauth-healthy\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> out().contains("lab mailbox scanner@contoso.com: message 2 arrived"));
        assertThat(out()).contains("(Subject: scan)", "lab: now oauth-healthy");
        assertThat(err()).contains("event=deferred", "event=delivered")
                .doesNotContain("lab-secret");
    }

    @Test
    void a_graph_scenario_makes_the_labs_graph_the_upstream_deferred_then_delivered() throws Exception {
        Peers.require("python3");
        int port = Ports.free();
        relay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.smtpdoctor.Main", "relay",
                "--lab", "graph-no-mail-send", "--listen", "127.0.0.1:" + port)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> out().contains("Stop with Ctrl-C") || !relay.isAlive());
        assertThat(relay.isAlive()).as(this::err).isTrue();
        assertThat(out()).contains("through its Microsoft Graph at http://127.0.0.1:", "upstream    m365-graph://scanner@contoso.com?");
        Matcher python = Pattern.compile("(?m)^  (python3 -c .*)$").matcher(out());
        assertThat(python.find()).isTrue();
        assertThat(Exec.run(List.of("sh", "-c", python.group(1)), Duration.ofSeconds(30)).ok()).isTrue();
        // The cause, its fix lines and the hint are printed one after the other: wait for the last.
        await().atMost(Duration.ofSeconds(30)).until(() -> out().contains("type graph-healthy"));
        assertThat(out()).contains("Graph HTTP 403 ErrorAccessDenied", "  fix 1: ", "type graph-healthy");
        OutputStream stdin = relay.getOutputStream();
        stdin.write("graph-healthy\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> out().contains("lab mailbox scanner@contoso.com: message 1 arrived (Subject: scan)"));
        assertThat(err()).doesNotContain("lab-secret").doesNotContainPattern("eyJ[\\w-]{10,}\\.");
    }

    @Test
    void the_lab_is_its_own_upstream_and_contradicting_flags_are_usage_errors() {
        Cli.Run withUpstream = Cli.run("relay", "--lab", "--upstream", "smtp://h", "--check-config");
        assertThat(withUpstream.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(withUpstream.err()).contains("--lab is its own upstream");
        Cli.Run unknown = Cli.run("relay", "--lab", "no-such-scenario", "--check-config");
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("unknown lab scenario 'no-such-scenario'");
        // Port 0: --check-config binds the listeners, and another program may hold the default 2525.
        Cli.Run check = Cli.run("relay", "--lab", "--listen", "127.0.0.1:0", "--check-config");
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.out()).contains("upstream    m365-oauth://scanner@contoso.com?tenant=", "&host=127.0.0.1&port=",
                "device      allow 127.0.0.0/8", "Configuration OK.");
        Cli.Run graph = Cli.run("relay", "--lab", "graph-mailbox-out-of-scope", "--check-config");
        assertThat(graph.exit()).as(graph.err()).isEqualTo(ExitCode.FAILED);
        assertThat(graph.out()).contains("upstream    m365-graph://scanner@contoso.com?", "[oauth_scope_or_permission, ");
    }
}
