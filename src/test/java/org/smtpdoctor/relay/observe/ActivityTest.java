package org.smtpdoctor.relay.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.spool.Envelope;

/** The overview's counts: per minute over the last day, kept across restarts; each message's attempts. */
class ActivityTest {

    @TempDir
    Path dir;

    private final StuckMailTest.MovingClock clock = new StuckMailTest.MovingClock(Instant.parse("2026-11-28T10:00:00Z"));
    private static final Envelope ENVELOPE = new Envelope("printers", "192.0.2.7", "scanner", Optional.empty(), "a@lan.test",
            List.of("b@contoso.test"), Instant.parse("2026-11-28T10:00:00Z"));

    private static RelayObserver.Delivery delivery(RelayObserver.Outcome o, Instant at) {
        return new RelayObserver.Delivery(o, "1m8gym7018wm5gss", ENVELOPE, List.of("b@contoso.test"), "smtp://up", "up", "451 4.3.0 busy",
                o == RelayObserver.Outcome.DELIVERED ? Optional.empty() : Optional.of("service_unavailable_transient"), Optional.empty(), 1, at);
    }

    @Test
    void counts_cover_the_last_hour_and_day_and_survive_a_restart() throws Exception {
        Activity a = Activity.open(dir, clock);
        RelayObserver.Peer peer = new RelayObserver.Peer("0.0.0.0:25", "s", "192.0.2.7");
        a.queued(peer, "1m8gym7018wm5gss", ENVELOPE, 10);
        a.delivery(delivery(RelayObserver.Outcome.DEFERRED, clock.instant()));
        clock.advance(Duration.ofHours(2));
        a.queued(peer, "1m8gym7018wm5gst", ENVELOPE, 10);
        a.delivery(delivery(RelayObserver.Outcome.DELIVERED, clock.instant()));
        assertThat(a.last(Duration.ofHours(1))).isEqualTo(new Activity.Counts(1, 1, 0, 0));
        assertThat(a.last(Duration.ofDays(1))).isEqualTo(new Activity.Counts(2, 1, 1, 0));
        assertThat(a.attempts("1m8gym7018wm5gss")).extracting(Activity.Attempt::outcome)
                .containsExactly(RelayObserver.Outcome.DEFERRED, RelayObserver.Outcome.DELIVERED);
        assertThat(a.last("smtp://up")).map(RelayObserver.Delivery::outcome).contains(RelayObserver.Outcome.DELIVERED);
        assertThat(a.lastFailure("smtp://up")).map(RelayObserver.Delivery::cause).contains(Optional.of("service_unavailable_transient"));
        a.save();

        clock.advance(Duration.ofMinutes(5));
        Activity again = Activity.open(dir, clock);
        assertThat(again.since()).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
        assertThat(again.last(Duration.ofDays(1))).isEqualTo(new Activity.Counts(2, 1, 1, 0));
        clock.advance(Duration.ofHours(23));
        assertThat(Activity.open(dir, clock).last(Duration.ofDays(1))).as("what is older than a day is gone")
                .isEqualTo(new Activity.Counts(1, 1, 0, 0));
    }

    @Test
    void an_unreadable_file_starts_the_counts_afresh() throws Exception {
        Files.writeString(dir.resolve(Activity.FILE), "{ nope");
        Activity a = Activity.open(dir, clock);
        assertThat(a.since()).isEqualTo(clock.instant());
        assertThat(a.last(Duration.ofDays(1))).isEqualTo(new Activity.Counts(0, 0, 0, 0));
    }
}
