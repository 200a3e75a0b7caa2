package org.smtpdoctor.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PeersTest {

    @Test
    void missingPeerFailsInCiAndSkipsElsewhere() {
        Class<? extends Throwable> expected = Peers.isCi() ? AssertionError.class : TestAbortedException.class;
        assertThatThrownBy(() -> Peers.require("sh", "no-such-peer-smtpdoctor"))
                .isInstanceOf(expected)
                .hasMessageContaining("no-such-peer-smtpdoctor")
                .message().doesNotContain("sh,");
    }

    @Test
    void findsPostfixToolsOutsidePath() {
        Peers.require("postfix");
        assertThat(Peers.find("smtp-sink")).isPresent();
        assertThat(Peers.findExecutable("postfix")).isAbsolute();
        assertThat(Peers.find("no-such-peer-smtpdoctor")).isEmpty();
    }

    @Test
    void execKillsOnTimeout() {
        Exec.Result r = Exec.run(List.of("sh", "-c", "echo started; sleep 30"), Duration.ofMillis(300));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.output()).contains("started");
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void listenerOwnershipIsReadFromProc() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = s.getLocalPort();
            assertThat(PostfixPeer.foreignListeners(port, ProcessHandle.current().pid())).isEmpty();
            Process other = new ProcessBuilder("sleep", "10").start();
            try {
                assertThat(PostfixPeer.foreignListeners(port, other.pid())).isNotEmpty();
            } finally {
                other.destroyForcibly();
            }
        }
    }
}
