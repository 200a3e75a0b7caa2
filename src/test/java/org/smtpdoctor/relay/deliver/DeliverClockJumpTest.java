package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.SettableClock;

/**
 * The wall clock jumps (issue 14, item 4): NTP corrects a drifted clock, a VM resumes, an admin
 * sets the time. Forward, deferred mail becomes due and goes; back, neither new mail nor mail
 * deferred just before the jump may wait for the clock to catch up (an hour here), and nothing
 * is lost or sent twice. The spool and the worker share one {@link SettableClock}.
 */
class DeliverClockJumpTest {

    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(2), 0, Duration.ofDays(5),
            Duration.ofSeconds(30), Duration.ofMinutes(2));

    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private DeliveryWorker start(Spool spool, ScriptedSmtp up, int perMinute) {
        DeliveryOptions options = new DeliveryOptions("relay.test", 1, new Pacing(perMinute, 100_000, 1), RETRY, Optional.empty(), true,
                Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofMinutes(1), 100, Duration.ZERO, Duration.ofSeconds(5), clock);
        return DeliveryWorker.start(spool, Optional.empty(), List.of(Fixtures.upstream("smtp://127.0.0.1:" + up.port())), options);
    }

    private Spool spool() throws Exception {
        return Spool.open(dir.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0).withClock(clock));
    }

    private static String accept(Spool spool, String subject) throws Exception {
        return Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message(subject));
    }

    /** Queues a message the upstream defers once (451), and waits until it is deferred (due 30 s later by the clock). */
    private static void deferOnce(Spool spool, String subject) throws Exception {
        accept(spool, subject);
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().stream()
                .anyMatch(m -> m.recipients().get(0).status() == RecipientState.Status.DEFERRED));
    }

    @Test
    void forward_deferred_mail_becomes_due_and_goes_once() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") && n == 1 ? "451 4.3.0 try again later" : null);
             Spool spool = spool();
             DeliveryWorker w = start(spool, up, 100)) {
            deferOnce(spool, "deferred");
            Thread.sleep(300);
            assertThat(up.messages).as("not due yet by the clock").isEmpty();
            clock.advance(Duration.ofHours(1));
            accept(spool, "after the jump");
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            assertThat(up.messages).extracting(m -> m.text().contains("Subject: deferred")).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void back_an_hour_new_mail_goes_at_once_even_when_the_pacing_minute_before_the_jump_was_full() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null);
             Spool spool = spool();
             DeliveryWorker w = start(spool, up, 2)) {
            accept(spool, "one");
            accept(spool, "two");
            await().atMost(Duration.ofSeconds(10)).until(() -> up.messages.size() == 2);
            clock.advance(Duration.ofHours(-1));
            accept(spool, "after the jump back");
            // The minute's budget was spent an hour "from now": a pacer that trusts the clock waits an hour.
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            assertThat(up.messages).hasSize(3);
        }
    }

    @Test
    void back_an_hour_mail_deferred_just_before_is_retried_after_its_backoff_not_an_hour_later() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") && n == 1 ? "451 4.3.0 try again later" : null);
             Spool spool = spool();
             DeliveryWorker w = start(spool, up, 100)) {
            deferOnce(spool, "deferred before the jump");
            clock.advance(Duration.ofHours(-1));
            // The backoff (30 s) passes by the new clock: the retry is due, whatever the old clock said.
            clock.advance(Duration.ofSeconds(31));
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            assertThat(up.messages).singleElement().satisfies(m -> assertThat(m.text()).contains("Subject: deferred before the jump"));
        }
    }
}
