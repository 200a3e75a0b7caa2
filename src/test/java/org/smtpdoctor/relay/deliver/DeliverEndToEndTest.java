package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.device.RelayServer;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.testing.Ports;

/**
 * The whole relay as RelayCommand will wire it: a device (Python's smtplib) sends to the
 * listener, the spool keeps it, the worker delivers it to smtp-sink, byte for byte after the
 * relay's Received line; the status file shows it.
 */
class DeliverEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void aDevicesMessageGoesThroughTheListenerTheSpoolAndTheWorkerToSmtpSink() throws Exception {
        Peers.require("python3", "smtp-sink");
        int sinkPort = Ports.free();
        RelayConfig config = RelayConfig.quickStart(Optional.empty(), List.of("127.0.0.1:0"),
                List.of("smtp://127.0.0.1:" + sinkPort), List.of("127.0.0.0/8"), Optional.of(dir.resolve("spool")), false);
        String body = "From: Scanner <scanner@contoso.com>\r\nTo: bob@contoso.com\r\nSubject: end to end\r\n"
                + "Message-ID: <e2e@printer.lan>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\r\n"
                + "Page 1.\r\n.dot first\r\n";
        Path message = Files.writeString(dir.resolve("message.eml"), body);
        try (SmtpSink sink = SmtpSink.start(dir.resolve("dumps"), sinkPort);
             Spool spool = Spool.open(config.spoolDir(), Spool.Options.defaults().withMinFreeBytes(0));
             DeliveryWorker worker = DeliveryWorker.start(config, spool);
             RelayServer relay = RelayServer.start(config, worker.sink())) {
            Exec.Result sent = Exec.run(List.of("python3", "-c",
                    "import smtplib,sys\n"
                            + "s=smtplib.SMTP('127.0.0.1'," + relay.ports().get(0) + ")\n"
                            + "s.sendmail('scanner@contoso.com',['bob@contoso.com'],open(sys.argv[1],'rb').read())\n"
                            + "s.quit()\n", message.toString()), Duration.ofSeconds(30));
            assertThat(sent.ok()).as(sent.toString()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> sink.files().size() == 1 && spool.list().isEmpty());
            String arrived = SmtpSink.message(sink.files().get(0));
            assertThat(arrived).startsWith("Received: from ");
            assertThat(arrived.substring(arrived.indexOf("\nFrom: ") + 1)).isEqualTo(body.replace("\r\n", "\n"));
            await().atMost(Duration.ofSeconds(10)).until(() -> RelayStatus.read(config.spoolDir())
                    .flatMap(s -> s.upstreams().get(0).lastEvent()).orElse("").equals("delivered"));
        }
        assertThat(Files.readString(config.spoolDir().resolve(RelayStatus.FILE), StandardCharsets.UTF_8)).contains("\"running\" : false");
    }
}
