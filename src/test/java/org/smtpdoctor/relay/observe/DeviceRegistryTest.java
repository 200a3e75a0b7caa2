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
import org.smtpdoctor.relay.RelayObserver.Peer;
import org.smtpdoctor.relay.RelayObserver.Tls;
import org.smtpdoctor.relay.spool.Envelope;

/** The device registry: what it remembers of each device, and that it keeps it across restarts. */
class DeviceRegistryTest {

    @TempDir
    Path dir;

    private final StuckMailTest.MovingClock clock = new StuckMailTest.MovingClock(Instant.parse("2026-11-28T10:00:00Z"));

    private static Envelope envelope(String address, String user) {
        return new Envelope("printers", address, "SCANNER", Optional.ofNullable(user), "scan@lan.test", List.of("bob@contoso.test"),
                Instant.parse("2026-11-28T10:00:00Z"));
    }

    /** A TLS 1.0 scanner that sends, a NAS that fails its login, a stranger refused, a probe that says nothing. */
    private static void traffic(DeviceRegistry r) {
        Peer scanner = new Peer("0.0.0.0:25", "s1", "192.168.1.50");
        r.connectionOpened(scanner, Optional.of("printers"));
        r.tlsStarted("0.0.0.0:25", "192.168.1.50", new Tls("TLSv1", "TLS_RSA_WITH_AES_128_CBC_SHA"));
        r.greeted(scanner, "SCANNER");
        r.queued(scanner, "1m8gym7018wm5gss", envelope("192.168.1.50", null), 1000);
        r.connectionClosed(scanner, Optional.of(new Tls("TLSv1", "TLS_RSA_WITH_AES_128_CBC_SHA")));
        r.delivery(new RelayObserver.Delivery(RelayObserver.Outcome.FAILED, "1m8gym7018wm5gss", envelope("192.168.1.50", null),
                List.of("bob@contoso.test"), "m365-oauth://relay@contoso.com", "smtp.office365.com", "550 5.1.10 RESOLVER.ADR.RecipientNotFound",
                Optional.of("recipient_invalid"), Optional.empty(), 1, Instant.parse("2026-11-28T10:00:05Z")));
        Peer nas = new Peer("0.0.0.0:587", "s2", "192.168.1.20");
        r.connectionOpened(nas, Optional.empty());
        r.greeted(nas, "nas");
        r.authFailed(nas, "nas01");
        r.authFailed(nas, "nas01");
        r.connectionClosed(nas, Optional.empty());
        Peer stranger = new Peer("0.0.0.0:25", "s3", "10.9.9.9");
        r.connectionOpened(stranger, Optional.empty());
        r.refused(stranger, Optional.empty(), "relay.denied", "not_a_device: bob@contoso.test");
        Peer probe = new Peer("0.0.0.0:25", "s4", "192.168.1.99");
        r.connectionOpened(probe, Optional.empty());
        r.connectionClosed(probe, Optional.empty());
    }

    @Test
    void each_device_is_remembered_with_its_tls_account_messages_and_failures() {
        DeviceRegistry r = DeviceRegistry.inMemory(clock);
        traffic(r);
        DeviceRegistry.Device scanner = r.device("192.168.1.50").orElseThrow();
        assertThat(scanner.rule()).contains("printers");
        assertThat(scanner.helo()).isEqualTo("SCANNER");
        assertThat(scanner.tls()).contains(new Tls("TLSv1", "TLS_RSA_WITH_AES_128_CBC_SHA"));
        assertThat(scanner.messages()).isEqualTo(1);
        assertThat(scanner.failed()).isEqualTo(1);
        assertThat(scanner.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("failed");
            assertThat(f.cause()).contains("recipient_invalid");
            assertThat(f.detail()).contains("RecipientNotFound");
        });
        DeviceRegistry.Device nas = r.device("192.168.1.20").orElseThrow();
        assertThat(nas.tls()).isEmpty();
        assertThat(nas.tlsKnown()).as("it talked without TLS").isTrue();
        assertThat(nas.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("auth.failed");
            assertThat(f.count()).isEqualTo(2);
            assertThat(f.detail()).contains("nas01");
        });
        assertThat(r.device("10.9.9.9").orElseThrow().failures()).extracting(DeviceRegistry.Failure::kind).containsExactly("relay.denied");
        assertThat(r.device("192.168.1.99").orElseThrow().tlsKnown()).as("a probe that said nothing tells nothing of TLS").isFalse();
        clock.advance(Duration.ofMinutes(1));
        r.connectionOpened(new Peer("0.0.0.0:25", "s5", "192.168.1.20"), Optional.empty());
        assertThat(r.devices().get(0).address()).as("most recently seen first").isEqualTo("192.168.1.20");
    }

    @Test
    void the_registry_survives_a_restart_and_an_unreadable_file_is_set_aside() throws Exception {
        DeviceRegistry first = DeviceRegistry.open(dir, clock).registry();
        traffic(first);
        first.save();
        assertThat(dir.resolve(DeviceRegistry.FILE)).exists();
        DeviceRegistry.Loaded again = DeviceRegistry.open(dir, clock);
        assertThat(again.problem()).isEmpty();
        assertThat(again.registry().devices()).isEqualTo(first.devices());

        Files.writeString(dir.resolve(DeviceRegistry.FILE), "{ not json");
        DeviceRegistry.Loaded broken = DeviceRegistry.open(dir, clock);
        assertThat(broken.problem()).hasValueSatisfying(p -> assertThat(p).contains("set aside"));
        assertThat(broken.registry().devices()).isEmpty();
        assertThat(dir.resolve(DeviceRegistry.FILE + ".unreadable")).exists();
    }

    @Test
    void each_event_of_a_session_marks_the_device_seen_at_its_time() {
        DeviceRegistry r = DeviceRegistry.inMemory(clock);
        Instant start = clock.instant();
        Peer scanner = new Peer("0.0.0.0:25", "s1", "192.168.1.50");
        r.connectionOpened(scanner, Optional.of("printers"));
        clock.advance(Duration.ofSeconds(1));
        r.greeted(scanner, "SCANNER");
        assertThat(r.device("192.168.1.50").orElseThrow().lastSeen()).isEqualTo(start.plusSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        r.queued(scanner, "1m8gym7018wm5gss", envelope("192.168.1.50", null), 1000);
        assertThat(r.device("192.168.1.50").orElseThrow().lastSeen()).isEqualTo(start.plusSeconds(2));
        clock.advance(Duration.ofSeconds(1));
        r.connectionClosed(scanner, Optional.empty());
        DeviceRegistry.Device d = r.device("192.168.1.50").orElseThrow();
        assertThat(d.firstSeen()).isEqualTo(start);
        assertThat(d.lastSeen()).isEqualTo(start.plusSeconds(3));
        assertThat(d.connections()).isEqualTo(1);
        assertThat(d.messages()).isEqualTo(1);
    }
}
