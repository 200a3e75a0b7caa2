package org.smtpdoctor.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.testing.DeviceClient;
import org.smtpdoctor.testing.Ports;

/**
 * The relay as a process meets signals (issue 15): {@code smtp-doctor relay --config} in a child
 * JVM. SIGTERM and SIGINT answer {@code 421 4.3.2} to devices in the middle of a command or of
 * DATA, store what was complete, log the signal as the reason, and exit 0; SIGHUP re-reads the
 * devices and recipient domains from the file and keeps running.
 */
class RelaySignalsTest {

    private static final String SHUTDOWN = "421 4.3.2 Service shutting down, try again later";

    @TempDir
    Path dir;

    private Path config(int port) throws Exception {
        // The upstream is a port nobody listens on: what is queued stays queued.
        return RealRelay.config(dir.resolve("relay.yaml"), port, Ports.free(), dir.resolve("spool"), 1);
    }

    private static String log(RealRelay relay) throws Exception {
        return Files.readString(relay.log, StandardCharsets.UTF_8);
    }

    private static void signal(RealRelay relay, String name) {
        Exec.Result kill = Exec.run(List.of("kill", "-s", name, String.valueOf(relay.process.pid())), Duration.ofSeconds(10));
        assertThat(kill.ok()).as(kill.toString()).isTrue();
    }

    private static int exit(RealRelay relay) throws Exception {
        assertThat(relay.process.waitFor(40, TimeUnit.SECONDS)).as("the relay stops").isTrue();
        return relay.process.exitValue();
    }

    @Test
    void sigtermAnswers421ToSessionsInTheMiddleStoresWhatWasCompleteAndExitsZero() throws Exception {
        int port = Ports.free();
        Path config = config(port);
        String queued;
        try (RealRelay relay = RealRelay.start(config, dir.resolve("relay-1.log"));
             DeviceClient idle = new DeviceClient(port); DeviceClient data = new DeviceClient(port); DeviceClient whole = new DeviceClient(port)) {
            for (DeviceClient c : List.of(idle, data, whole)) {
                assertThat(c.reply()).startsWith("220");
                assertThat(c.send("EHLO mfp")).startsWith("250");
            }
            assertThat(whole.send("MAIL FROM:<scan@lan.test>")).startsWith("250");
            assertThat(whole.send("RCPT TO:<b@contoso.test>")).startsWith("250");
            assertThat(whole.send("DATA")).startsWith("354");
            queued = whole.send("Subject: whole\r\n\r\nall of it\r\n.");
            assertThat(queued).startsWith("250 2.0.0 OK queued as ");
            assertThat(data.send("MAIL FROM:<scan@lan.test>")).startsWith("250");
            assertThat(data.send("RCPT TO:<b@contoso.test>")).startsWith("250");
            assertThat(data.send("DATA")).startsWith("354");
            data.raw("Subject: half\r\n\r\nthe first half\r\n");

            relay.process.destroy(); // SIGTERM
            assertThat(idle.reply()).isEqualTo(SHUTDOWN);
            assertThat(data.reply()).isEqualTo(SHUTDOWN);
            assertThat(whole.reply()).isEqualTo(SHUTDOWN);
            assertThat(exit(relay)).as("a normal stop exits 0").isZero();

            String log = log(relay);
            assertThat(log).contains("event=spool.recovered ", "event=relay.started ", "event=relay.stopping reason=SIGTERM",
                    "event=relay.stopped reason=SIGTERM", "reason=\"the relay is shutting down: 421 4.3.2 before the final '.'\"")
                    .doesNotContain("connection broken").doesNotContain("Exception");
            assertThat(log.lines().filter(l -> l.contains("event=connection.shutdown"))).hasSize(3)
                    .allMatch(l -> l.contains("reason=\"the relay is stopping\""));
            for (String line : log.lines().toList()) {
                // Every line dated, with its zone: ISO 8601 with the UTC offset.
                assertThat(OffsetDateTime.parse(line.substring(0, line.indexOf(' ')))).as(line).isNotNull();
            }
            assertThat(Files.readString(relay.log.resolveSibling(relay.log.getFileName() + ".out"))).contains("smtp-doctor relay: stopped (SIGTERM)");
        }
        assertThat(RelayStatus.read(dir.resolve("spool")).orElseThrow().running()).isFalse();

        // The next start says what it found: the complete message, never the half one.
        // SIGINT as it is by default: a shell starts a background job (Maven with '&') with SIGINT ignored, and the child inherits it
        try (RealRelay again = RealRelay.start(config, dir.resolve("relay-2.log"), List.of(), List.of("env", "--default-signal=INT"))) {
            assertThat(log(again)).contains("event=spool.recovered spool=" + dir.resolve("spool") + " messages=1 ");
            signal(again, "INT");
            assertThat(exit(again)).as("Ctrl-C too").isZero();
            assertThat(log(again)).contains("event=relay.stopping reason=SIGINT", "event=relay.stopped reason=SIGINT");
        }
        assertThat(queued).contains(RealRelay.queued(dir.resolve("relay-1.log")).iterator().next());
    }

    @Test
    void sighupReloadsTheDevicesAndRecipientDomainsAndRefusesWhatNeedsARestart() throws Exception {
        int port = Ports.free();
        Path config = config(port);
        String original = Files.readString(config);
        // SIGHUP as it is by default, also when Maven itself was started with nohup (the child would inherit it ignored)
        try (RealRelay relay = RealRelay.start(config, dir.resolve("relay.log"), List.of(), List.of("env", "--default-signal=HUP"))) {
            try (DeviceClient c = new DeviceClient(port)) {
                assertThat(c.reply()).startsWith("220");
                assertThat(c.send("MAIL FROM:<scan@lan.test>")).startsWith("250");
                assertThat(c.send("RCPT TO:<b@fabrikam.test>")).as("any domain before").startsWith("250");
            }
            Files.writeString(config, original + "recipient-domains: [contoso.test]\n");
            signal(relay, "HUP");
            await().atMost(Duration.ofSeconds(10)).until(() -> log(relay).contains("event=config.reloaded "));
            try (DeviceClient c = new DeviceClient(port)) {
                assertThat(c.reply()).startsWith("220");
                assertThat(c.send("MAIL FROM:<scan@lan.test>")).startsWith("250");
                assertThat(c.send("RCPT TO:<b@fabrikam.test>")).isEqualTo("550 5.7.1 Relaying to this domain is not allowed");
                assertThat(c.send("RCPT TO:<b@contoso.test>")).startsWith("250");
            }

            Files.writeString(config, original.replace("port: " + port, "port: " + Ports.free()));
            signal(relay, "HUP");
            await().atMost(Duration.ofSeconds(10)).until(() -> log(relay).contains("event=config.reload-refused "));
            assertThat(log(relay)).contains("changed=listeners reason=\"listeners changed, which needs a restart; the running configuration stays\"");

            Files.writeString(config, "listeners: [this is not\n");
            signal(relay, "HUP");
            await().atMost(Duration.ofSeconds(10)).until(() -> log(relay).contains("event=config.reload-failed "));
            try (DeviceClient c = new DeviceClient(port)) {
                assertThat(c.reply()).as("still running, as configured before").startsWith("220");
                assertThat(c.send("MAIL FROM:<scan@lan.test>")).startsWith("250");
                assertThat(c.send("RCPT TO:<b@fabrikam.test>")).startsWith("550 ");
            }
            relay.process.destroy();
            assertThat(exit(relay)).isZero();
        }
    }

    @Test
    void startedWithSighupIgnoredItSaysThatSighupCannotReloadAndKeepsRunning() throws Exception {
        int port = Ports.free();
        Path config = config(port);
        try (RealRelay relay = RealRelay.start(config, dir.resolve("relay.log"), List.of(), List.of("nohup"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> log(relay).contains("event=signals.hup_ignored "));
            assertThat(log(relay)).contains("WARNING: SIGHUP is ignored in this process (started with nohup?), so it cannot re-read "
                    + config);
            String out = Files.readString(dir.resolve("relay.log.out"), StandardCharsets.UTF_8);
            assertThat(out).contains("Stop with Ctrl-C or SIGTERM.").doesNotContain("SIGHUP re-reads");
            signal(relay, "HUP");
            Thread.sleep(500);
            assertThat(relay.process.isAlive()).isTrue();
            assertThat(log(relay)).doesNotContain("event=config.reloaded");
            relay.process.destroy();
            assertThat(exit(relay)).isZero();
        }
    }
}
