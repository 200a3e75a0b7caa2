package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Tmpfs;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.NetworkGuard;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.device.RelayServer;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.testing.SettableClock;

/**
 * Overload (issue 14, item 4): for an hour of simulated time, devices send three times faster
 * than the upstream's budget lets the relay deliver. The spool, on a 70 MB tmpfs with the
 * default 64 MB reserve (about 6 MB for mail), absorbs the backlog until the reserve; from then
 * on devices get {@code 452 4.3.1} at MAIL FROM and the spool stays above its reserve. After the
 * hour the backlog drains: every message that got 250 arrives upstream exactly once, and none
 * that got 452 ever does.
 * <p>
 * Time: the worker's pacing and the spool's retry times follow a {@link SettableClock} moved a
 * minute (and a second: the pacing window slides) per step; each step waits for that minute's
 * deliveries. Needs root for the tmpfs (see {@link Tmpfs}).
 */
class DeliverOverloadTest {

    private static final int PER_MINUTE_UPSTREAM = 4;
    private static final int PER_MINUTE_DEVICES = 12;
    private static final int MINUTES = 60;
    private static final Duration STEP = Duration.ofSeconds(61);
    private static final String BODY = "scanned page line .........................................................\r\n".repeat(250);

    /** Fixtures' quick backoff, but messages may wait days (the simulated hours must not age them out). */
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(400), 0.2, Duration.ofDays(5),
            Duration.ofMillis(100), Duration.ofMillis(400));

    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private static RelayConfig config(int upstreamPort, Path spool) {
        ListenerConfig listener = new ListenerConfig("127.0.0.1", 0, ListenerMode.PLAIN, ListenerConfig.DEFAULT_TLS_VERSIONS,
                new CertificateSource.SelfSigned(), 1024 * 1024, 20, 20, Duration.ofSeconds(10), false);
        return new RelayConfig("relay.test", List.of(listener), List.of(DeviceRule.network(Cidr.parse("127.0.0.0/8"))), List.of(),
                List.of(UpstreamUrl.parse("smtp://127.0.0.1:" + upstreamPort)), spool, Pacing.M365_DEFAULTS,
                RelayConfig.DEFAULT_RETRY_MAX_AGE, Optional.empty(), NetworkGuard.DEFAULT);
    }

    private DeliveryOptions options() {
        return new DeliveryOptions("relay.test", 1, new Pacing(PER_MINUTE_UPSTREAM, 100_000, 1), RETRY, Optional.empty(),
                true, Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofMinutes(1), 100, Duration.ZERO, Duration.ofSeconds(5),
                clock);
    }

    /** One device session; returns the reply that decided the message (MAIL's when refused there, else the final "."'s). */
    private static String send(int port, String messageId) throws Exception {
        try (DeviceClient c = new DeviceClient(port)) {
            assertThat(c.reply()).startsWith("220 ");
            c.send("EHLO scanner");
            String mail = c.send("MAIL FROM:<scan@contoso.com>");
            if (!mail.startsWith("250")) {
                return mail;
            }
            assertThat(c.send("RCPT TO:<boss@contoso.com>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("354");
            return c.send("From: scan@contoso.com\r\nSubject: overload\r\nMessage-ID: " + messageId + "\r\n\r\n" + BODY + ".");
        }
    }

    private static List<String> delivered(ScriptedSmtp up) {
        return up.messages.stream().flatMap(m -> m.lines().stream()).filter(l -> l.startsWith("Message-ID: "))
                .map(l -> l.substring("Message-ID: ".length())).toList();
    }

    @Test
    void an_hour_of_devices_faster_than_the_upstream_fills_the_spool_to_its_reserve_then_452_and_loses_nothing() throws Exception {
        try (Tmpfs volume = Tmpfs.mount(dir.resolve("volume"), "70m");
             ScriptedSmtp up = new ScriptedSmtp((line, n) -> null);
             Spool spool = Spool.open(volume.path().resolve("spool"), Spool.Options.defaults().withClock(clock));
             DeliveryWorker worker = DeliveryWorker.start(spool, Optional.empty(),
                     List.of(Fixtures.upstream("smtp://127.0.0.1:" + up.port())), options());
             RelayServer relay = RelayServer.start(config(up.port(), volume.path().resolve("spool")), worker.sink())) {
            int port = relay.ports().get(0);
            List<String> accepted = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            int backlogAtFirstRefusal = -1;
            int peakBacklog = 0;
            for (int minute = 0; minute < MINUTES; minute++) {
                for (int i = 0; i < PER_MINUTE_DEVICES; i++) {
                    String id = "<m" + minute + "-" + i + "@scanner.lan>";
                    String reply = send(port, id);
                    if (reply.startsWith("250 ")) {
                        accepted.add(id);
                    } else {
                        assertThat(reply).as("a full spool's answer").startsWith("452 4.3.1");
                        if (refused.isEmpty()) {
                            backlogAtFirstRefusal = spool.list().size();
                        }
                        refused.add(id);
                    }
                    Spool.Space space = spool.space();
                    assertThat(space.freeBytes()).as("the spool keeps its reserve (less one message taken at the edge)")
                            .isGreaterThan(space.reserveBytes() - BODY.length() - 64 * 1024);
                }
                peakBacklog = Math.max(peakBacklog, spool.list().size());
                int due = Math.min(accepted.size(), PER_MINUTE_UPSTREAM * (minute + 1));
                await().atMost(Duration.ofSeconds(20)).until(() -> up.messages.size() >= due);
                clock.advance(STEP);
            }
            assertThat(refused).as("the spool filled within the hour").isNotEmpty();
            assertThat(backlogAtFirstRefusal).as("it absorbed a backlog first").isGreaterThan(100);
            assertThat(peakBacklog).isGreaterThanOrEqualTo(backlogAtFirstRefusal);

            // The devices stop; the upstream drains the backlog at its pace.
            for (int minute = 0; !spool.list().isEmpty(); minute++) {
                assertThat(minute).as("drained within the upstream's budget").isLessThan(accepted.size() / PER_MINUTE_UPSTREAM + 5);
                // The whole minute's budget, not just one message: on a busy machine the clock would otherwise move on
                // with part of the minute unused, and the drain take more simulated minutes than the budget allows.
                int due = Math.min(up.messages.size() + PER_MINUTE_UPSTREAM, accepted.size());
                await().atMost(Duration.ofSeconds(20)).until(() -> up.messages.size() >= due || spool.list().isEmpty());
                clock.advance(STEP);
            }
            assertThat(delivered(up)).as("every 250'd message exactly once").containsExactlyInAnyOrderElementsOf(accepted)
                    .doesNotContainAnyElementsOf(refused);
        }
    }
}
