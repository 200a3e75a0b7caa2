package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;

class DeliverPacingTest {

    @TempDir
    Path dir;

    @Test
    void beyondTheMessagesPerMinuteTheRestWaitPendingNotFailed() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null);
             Spool spool = Fixtures.spool(dir)) {
            for (int i = 0; i < 5; i++) {
                Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("paced " + i));
            }
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(DeliverRetryTest.upstream(up)),
                    Fixtures.options().withPacing(new Pacing(2, 10_000, 2)))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> up.messages.size() == 2);
                Thread.sleep(1000);
                assertThat(up.messages).hasSize(2);
                assertThat(spool.list()).hasSize(3).allSatisfy(m ->
                        assertThat(m.recipients().get(0).status()).isEqualTo(RecipientState.Status.PENDING));
                RelayStatus.UpstreamStatus s = w.status().upstreams().get(0);
                assertThat(s.messagesLeft()).isZero();
                assertThat(s.recipientsLeft()).isEqualTo(10_000 - 2);
                assertThat(s.connections()).isEqualTo(2);
            }
        }
    }

    @Test
    void beyondTheRecipientsPerDayAMessageIsDeferredUntilTheBudgetFreesNeverFailed() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("a@contoso.com", "b@contoso.com"), Fixtures.message("first"));
            String second = Fixtures.accept(spool, "scanner@contoso.com", List.of("c@contoso.com", "d@contoso.com"),
                    Fixtures.message("second"));
            Instant before = Instant.now();
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(DeliverRetryTest.upstream(up)),
                    Fixtures.options().withPacing(new Pacing(100, 3, 1)))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> log.events("paced").size() == 1);
            }
            assertThat(up.messages).hasSize(1);
            QueuedMessage held = spool.get(second).orElseThrow();
            assertThat(held.recipients()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(RecipientState.Status.DEFERRED);
                assertThat(r.lastReply()).get().asString().contains("pacing", "3 recipients per day");
                assertThat(r.nextAttempt().orElseThrow()).isBetween(before.plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofDays(1)));
            });
            assertThat(log.events("paced").get(0)).contains("id=" + second, "rcpt=c@contoso.com,d@contoso.com");
        }
    }

    @Test
    void a_clock_that_went_back_does_not_keep_the_budget_spent_until_it_catches_up() {
        Pacer pacer = new Pacer(new Pacing(2, 5, 1));
        Instant t = Instant.parse("2026-12-06T10:00:00Z");
        assertThat(pacer.tryAcquire(t, 2)).isEmpty();
        assertThat(pacer.tryAcquire(t, 3)).isEmpty();
        assertThat(pacer.tryAcquire(t, 1)).as("minute and day both full").isPresent();
        Instant back = t.minus(Duration.ofHours(1));
        assertThat(pacer.budget(back)).isEqualTo(new Pacer.Budget(2, 5));
        assertThat(pacer.tryAcquire(back, 5)).isEmpty();
    }
}
