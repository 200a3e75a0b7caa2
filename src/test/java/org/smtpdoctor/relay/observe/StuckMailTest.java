package org.smtpdoctor.relay.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.AlertsConfig;
import org.smtpdoctor.relay.deliver.DeliveryWorker;
import org.smtpdoctor.relay.device.LogCapture;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.Spool;

/** The stuck-mail alert: the event, the count for the metric, and one summary mail per interval. */
class StuckMailTest {

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        final AtomicReference<Instant> now;

        MovingClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static String accept(Spool spool, Instant at, String device) throws Exception {
        return spool.accept(new Envelope(device, "192.0.2.7", "scanner", Optional.empty(), "scanner@lan.test",
                List.of("bob@contoso.test"), at), new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void stuck_mail_raises_an_event_counts_for_the_metric_and_mails_one_summary_per_interval() throws Exception {
        Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
        MovingClock clock = new MovingClock(t0);
        AlertsConfig alerts = new AlertsConfig(Duration.ofHours(1), Optional.of("it@contoso.test"), Duration.ofHours(1));
        try (Spool spool = Spool.open(dir.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0));
             LogCapture log = new LogCapture()) {
            StuckMail stuck = new StuckMail(alerts, spool, spool, "relay.test", "relay@contoso.test",
                    () -> Optional.of("http://127.0.0.1:8025"), clock);
            String old = accept(spool, t0, "printers");
            clock.advance(Duration.ofMinutes(30));
            assertThat(stuck.check().count()).isZero();
            assertThat(log.events("queue.stuck")).isEmpty();

            clock.advance(Duration.ofMinutes(31));
            StuckMail.Stuck found = stuck.check();
            assertThat(found.count()).isEqualTo(1);
            assertThat(stuck.stuck()).isEqualTo(1);
            assertThat(found.oldest().map(QueuedMessage::id)).contains(old);
            assertThat(log.events("queue.stuck")).singleElement().asString()
                    .contains("messages=1", "oldest=" + old, "ids=" + old, "mail_to=it@contoso.test");
            List<QueuedMessage> alertsQueued = spool.list().stream().filter(m -> m.envelope().device().equals(DeliveryWorker.SELF)).toList();
            assertThat(alertsQueued).singleElement().satisfies(m -> {
                assertThat(m.envelope().recipients()).containsExactly("it@contoso.test");
                assertThat(m.envelope().sender()).isEqualTo("relay@contoso.test");
            });
            String mail;
            try (InputStream in = spool.content(alertsQueued.get(0).id())) {
                mail = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(mail).contains("Subject: [smtp-doctor] 1 message stuck in the relay on relay.test", "Auto-Submitted: auto-generated",
                    old, "to <bob@contoso.test>: pending", "http://127.0.0.1:8025/queue/" + old);

            // Within the interval: no second event line, no second mail; the relay's own mail is not stuck mail.
            clock.advance(Duration.ofMinutes(30));
            assertThat(stuck.check().count()).isEqualTo(1);
            assertThat(log.events("queue.stuck")).hasSize(1);
            assertThat(spool.list()).hasSize(2);

            // An interval later: the event again; no new mail while the first summary still waits in the queue.
            clock.advance(Duration.ofMinutes(31));
            stuck.check();
            assertThat(log.events("queue.stuck")).hasSize(2);
            assertThat(spool.list()).hasSize(2);
            spool.delete(alertsQueued.get(0).id());
            clock.advance(Duration.ofMinutes(61));
            stuck.check();
            assertThat(spool.list().stream().filter(m -> m.envelope().device().equals(DeliveryWorker.SELF))).hasSize(1);

            spool.delete(old);
            assertThat(stuck.check().count()).isZero();
            assertThat(log.events("queue.unstuck")).hasSize(1);
        }
    }

    @Test
    void without_mail_to_only_the_event_and_the_metric() throws Exception {
        Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
        MovingClock clock = new MovingClock(t0);
        try (Spool spool = Spool.open(dir.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0))) {
            StuckMail stuck = new StuckMail(AlertsConfig.DEFAULTS, spool, spool, "relay.test", "relay@contoso.test", Optional::empty, clock);
            accept(spool, t0, "printers");
            clock.advance(Duration.ofHours(2));
            assertThat(stuck.check().count()).isEqualTo(1);
            assertThat(spool.list()).hasSize(1);
        }
    }
}
