package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.spool.Spool;

class RelayStatusTest {

    @TempDir
    Path dir;

    @Test
    void theRunningWorkerKeepsAStatusFileInTheSpoolThatAnotherProcessCanRead() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.equals("RCPT TO:<later@contoso.com>") ? "451 4.3.0 try again later" : null);
             Spool spool = Fixtures.spool(dir)) {
            Path spoolDir = dir.resolve("spool");
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("ok"));
            Fixtures.accept(spool, "scanner@contoso.com", List.of("later@contoso.com"), Fixtures.message("later"));
            RetryPolicy slow = new RetryPolicy(Duration.ofMinutes(5), Duration.ofMinutes(10), 0.2, Duration.ofDays(1),
                    Duration.ofMillis(100), Duration.ofMillis(200));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.of(spoolDir), List.of(DeliverRetryTest.upstream(up)),
                    Fixtures.options().withRetry(slow).withStatusInterval(Duration.ofMillis(100)))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> RelayStatus.read(spoolDir)
                        .map(s -> s.queue().messages() == 1 && s.queue().deferred() == 1).orElse(false));
                RelayStatus s = RelayStatus.read(spoolDir).orElseThrow();
                assertThat(s.running()).isTrue();
                assertThat(s.hostName()).isEqualTo("relay.test");
                assertThat(s.queue().oldest()).isPresent();
                RelayStatus.UpstreamStatus u = s.upstreams().get(0);
                assertThat(u.name()).isEqualTo("smtp://127.0.0.1:" + up.port());
                assertThat(u.lastEvent()).contains("deferred");
                assertThat(u.lastReply()).contains("451 4.3.0 try again later");
                assertThat(u.lastCause()).isPresent();
                assertThat(u.delivered()).isEqualTo(1);
                assertThat(u.deferred()).isEqualTo(1);
                assertThat(u.messagesLeft()).isEqualTo(1000 - 2);
                String text = s.text(s.at());
                assertThat(text).contains("relay relay.test, running", "queue: 1 message; recipients 0 pending, 1 deferred",
                        "upstream smtp://127.0.0.1:" + up.port(), "since start: 1 delivered, 1 deferred, 0 failed",
                        "998/1000 messages left this minute");
                // The age is the status's time minus the deferral's: 0 s unless a loaded machine wrote the status late.
                assertThat(text).containsPattern("last: deferred \\d+ s ago: 451 4\\.3\\.0 try again later \\(cause ");
                assertThat(RelayStatus.fromJson(s.json())).isEqualTo(s);
            }
            RelayStatus last = RelayStatus.read(spoolDir).orElseThrow();
            assertThat(last.running()).as("the last status says the relay stopped").isFalse();
            try (var files = Files.list(spoolDir)) {
                assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("." + RelayStatus.FILE + ".tmp");
            }
        }
    }

    @Test
    void agesReadLikeAPersonWouldSayThem() {
        assertThat(RelayStatus.age(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(RelayStatus.age(Duration.ofMinutes(17))).isEqualTo("17 min");
        assertThat(RelayStatus.age(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
        assertThat(RelayStatus.age(Duration.ofHours(75))).isEqualTo("3 days 3 h");
        assertThat(RelayStatus.Queue.of(List.of()).oldestAge(Instant.now())).isEmpty();
    }
}
