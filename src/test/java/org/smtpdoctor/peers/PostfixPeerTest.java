package org.smtpdoctor.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Smoke test of the real-peer harness: a private Postfix + Dovecot, driven by the real swaks. */
class PostfixPeerTest {

    private static final Duration SWAKS_TIMEOUT = Duration.ofSeconds(30);
    private static PostfixPeer peer;

    @BeforeAll
    static void startPeer() {
        Peers.require("postfix", "dovecot", "swaks", "openssl");
        peer = PostfixPeer.start();
        System.out.println("PostfixPeer started in " + peer.startupTime().toMillis() + " ms: " + peer);
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) {
            long t0 = System.nanoTime();
            peer.close();
            System.out.println("PostfixPeer closed in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    private static List<String> args(String... more) {
        List<String> a = new ArrayList<>(Swaks.server(peer));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void authAfterStarttlsThenRelayIsAccepted() {
        Swaks.Result r = Swaks.run(args("--tls", "--auth", "LOGIN",
                "--auth-user", peer.user(), "--auth-password", peer.password(),
                "--from", "scanner@lab.test", "--to", "someone@example.org",
                "--quit-after", "RCPT"), SWAKS_TIMEOUT);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("<-  220 lab.test ESMTP", "235 2.7.0", "250 2.1.5");
    }

    @Test
    void wrongPasswordIs535() {
        Swaks.Result r = Swaks.run(args("--tls", "--auth", "LOGIN",
                "--auth-user", peer.user(), "--auth-password", "not-the-password",
                "--from", "scanner@lab.test", "--to", "someone@example.org",
                "--quit-after", "RCPT"), SWAKS_TIMEOUT);

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.output()).contains("535");
    }

    @Test
    void authIsHiddenUntilStarttls() {
        Swaks.Result plain = Swaks.run(args("--quit-after", "EHLO"), SWAKS_TIMEOUT);
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        assertThat(plain.lastEhloKeywords()).as(plain.toString())
                .contains("STARTTLS")
                .noneMatch(k -> k.startsWith("AUTH"));

        Swaks.Result tls = Swaks.run(args("--tls", "--quit-after", "EHLO"), SWAKS_TIMEOUT);
        assertThat(tls.exitCode()).as(tls.toString()).isZero();
        // Captured for later capability comparisons (smtp-doctor's own EHLO parsing vs swaks').
        System.out.println("EHLO after STARTTLS: " + tls.lastEhloKeywords());
        assertThat(tls.lastEhloKeywords()).as(tls.toString())
                .contains("AUTH PLAIN LOGIN")
                .doesNotContain("STARTTLS");
    }

    @Test
    void noRelayWithoutAuth() {
        Swaks.Result r = Swaks.run(args("--tls", "--from", "anyone@example.net", "--to", "someone@example.org",
                "--quit-after", "RCPT"), SWAKS_TIMEOUT);

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.output()).contains("554 5.7.1", "Relay access denied");
    }

    @Test
    void acceptedMailIsDiscardedNeverSent() {
        Swaks.Result r = Swaks.run(args("--tls", "--auth", "PLAIN",
                "--auth-user", peer.user(), "--auth-password", peer.password(),
                "--from", "scanner@lab.test", "--to", "someone@example.org",
                "--header", "Subject: peer smoke test"), SWAKS_TIMEOUT);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("250 2.0.0 Ok: queued as");
        String queueId = r.output().replaceAll("(?s).*queued as ([0-9A-Za-z]+).*", "$1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(peer.maillogTail(200))
                        .contains(queueId + ": to=<someone@example.org>, relay=none")
                        .contains(queueId + ": removed"));
        assertThat(peer.maillogTail(200))
                .contains("postfix/discard")
                .doesNotContain(peer.password());
    }

    @Test
    void certificateIsForLocalhostAnd127001() throws CertificateParsingException {
        assertThat(peer.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(peer.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        List<String> sans = peer.certificate().getSubjectAlternativeNames().stream()
                .map(san -> san.get(0) + ":" + san.get(1))
                .toList();
        assertThat(sans).contains("2:localhost", "7:127.0.0.1"); // dNSName, iPAddress
    }

    @Test
    void closeStopsBothDaemonsFreesThePortAndDeletesTheDir() throws Exception {
        PostfixPeer other = PostfixPeer.start();
        Path dir = other.baseDir();
        int port = other.port();
        long master = other.postfixMasterPid();
        assertThat(port).isNotEqualTo(peer.port());
        assertThat(Files.readString(other.configDir().resolve("main.cf"))).contains("default_transport = discard:");
        List<ProcessHandle> processes = new ArrayList<>();
        ProcessHandle.of(master).ifPresent(h -> {
            processes.add(h);
            h.descendants().forEach(processes::add);
        });
        Path dovecotPid = dir.resolve("dovecot/run/master.pid");
        long dovecot = Long.parseLong(Files.readString(dovecotPid).trim());
        ProcessHandle.of(dovecot).ifPresent(h -> {
            processes.add(h);
            h.descendants().forEach(processes::add);
        });
        assertThat(processes).hasSizeGreaterThanOrEqualTo(2);

        long t0 = System.nanoTime();
        other.close();
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("second peer: start " + other.startupTime().toMillis() + " ms, close " + closeMs + " ms");

        assertThat(processes).noneMatch(PostfixPeer::running);
        assertThat(dir).doesNotExist();
        assertThat(PostfixPeer.foreignListeners(port, master)).containsExactly(-1L); // nobody listens
        other.close(); // idempotent
    }

    @Test
    void plainPeerWithoutTlsOrSasl() {
        try (PostfixPeer bare = PostfixPeer.start(PostfixPeer.Options.defaults().withStarttls(false).withSasl(false))) {
            Swaks.Result ehlo = Swaks.run(List.of("--server", bare.host() + ":" + bare.port(),
                    "--quit-after", "EHLO"), SWAKS_TIMEOUT);
            assertThat(ehlo.exitCode()).as(ehlo.toString()).isZero();
            assertThat(ehlo.lastEhloKeywords()).as(ehlo.toString())
                    .isNotEmpty()
                    .doesNotContain("STARTTLS")
                    .noneMatch(k -> k.startsWith("AUTH"));

            Swaks.Result rcpt = Swaks.run(List.of("--server", bare.host() + ":" + bare.port(),
                    "--from", "a@example.net", "--to", "b@example.org", "--quit-after", "RCPT"), SWAKS_TIMEOUT);
            assertThat(rcpt.output()).as(rcpt.toString()).contains("Relay access denied");
        }
    }

    @Test
    void startFailureExplainsItselfWithTheLogTail() throws Exception {
        PostfixPeer.Options broken = PostfixPeer.Options.defaults().withSasl(false).withStarttls(false)
                .withMainCf("inet_protocols", "bogus");

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> PostfixPeer.start(broken));

        assertThat(thrown).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("postfix -c ")
                .hasMessageContaining("maillog")
                .hasMessageContaining("unknown inet_protocols value \"bogus\"");
        String kept = thrown.getMessage().replaceAll("(?s).*kept for inspection \\(daemons stopped\\): (\\S+).*", "$1");
        Path keptDir = Path.of(kept);
        assertThat(keptDir.resolve("etc/main.cf")).exists();
        System.out.println("start failure message:\n" + thrown.getMessage());
        try (var walk = Files.walk(keptDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
