package org.smtpdoctor.relay.device;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.MessageSink;

/**
 * A relay in a child JVM, for tests that need TLS 1.0/1.1 (which a JVM allows only if
 * changed before its first TLS use, see LegacyTls): a STARTTLS listener on 127.0.0.1 with
 * TLSv1.2, TLSv1.1 and TLSv1, loopback allowed, every accepted message written to
 * OUT/N.eml and its envelope to OUT/N.envelope. Writes the port to OUT/port when ready.
 * Runs until killed.
 */
public final class RelayTestMain {

    private RelayTestMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        AtomicInteger n = new AtomicInteger();
        MessageSink sink = (Envelope envelope, InputStream content) -> {
            String id = String.valueOf(n.incrementAndGet());
            byte[] bytes = content.readAllBytes();
            Files.write(out.resolve(id + ".eml.tmp"), bytes);
            Files.writeString(out.resolve(id + ".envelope"), envelope.sender() + "\n" + String.join(",", envelope.recipients())
                    + "\n" + envelope.heloName() + "\n", StandardCharsets.UTF_8);
            Files.move(out.resolve(id + ".eml.tmp"), out.resolve(id + ".eml"));
            return "Q" + id;
        };
        ListenerConfig legacy = new ListenerConfig("127.0.0.1", 0, ListenerMode.STARTTLS, List.of("TLSv1.2", "TLSv1.1", "TLSv1"),
                new CertificateSource.SelfSigned(), 1 << 20, 20, 10, Duration.ofSeconds(20), false);
        RelayServer relay = RelayServer.start(TestRelay.config(List.of(legacy), List.of(TestRelay.loopback()), List.of()), sink);
        Files.writeString(out.resolve("suites"), String.join("\n", ListenerTls.of(legacy, "relay.test").suites()));
        Files.writeString(out.resolve("port.tmp"), String.valueOf(relay.ports().get(0)));
        Files.move(out.resolve("port.tmp"), out.resolve("port"));
        Thread.sleep(Long.MAX_VALUE);
    }

}
