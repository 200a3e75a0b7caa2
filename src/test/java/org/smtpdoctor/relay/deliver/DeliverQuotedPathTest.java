package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.device.RelayServer;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.DeviceClient;

/** Quoted local parts (RFC 5321 §4.1.2) go from the device through the spool to the upstream exactly as received. */
class DeliverQuotedPathTest {

    @TempDir
    Path dir;

    @Test
    void aQuotedSenderAndRecipientReachTheUpstreamExactlyAsTheDeviceSentThem() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null)) {
            RelayConfig config = RelayConfig.quickStart(Optional.empty(), List.of("127.0.0.1:0"),
                    List.of("smtp://127.0.0.1:" + up.port()), List.of("127.0.0.0/8"), Optional.of(dir.resolve("spool")), false);
            try (Spool spool = Spool.open(config.spoolDir(), Spool.Options.defaults().withMinFreeBytes(0));
                 DeliveryWorker worker = DeliveryWorker.start(config, spool);
                 RelayServer relay = RelayServer.start(config, worker.sink());
                 DeviceClient c = new DeviceClient(relay.ports().get(0))) {
                assertThat(c.reply()).startsWith("220");
                assertThat(c.send("EHLO mfp")).startsWith("250");
                assertThat(c.send("MAIL FROM:<\"x y\"@test.local>")).startsWith("250");
                assertThat(c.send("RCPT TO:<\"a b\"@contoso.com>")).startsWith("250");
                assertThat(c.send("DATA")).startsWith("354");
                assertThat(c.send("Subject: quoted\r\n\r\nbody\r\n.")).startsWith("250 ");
                await().atMost(Duration.ofSeconds(20)).until(() -> up.messages.size() == 1 && spool.list().isEmpty());
            }
            assertThat(up.commands).anyMatch(l -> l.startsWith("MAIL FROM:<\"x y\"@test.local>"));
            assertThat(up.commands).contains("RCPT TO:<\"a b\"@contoso.com>");
        }
    }
}
