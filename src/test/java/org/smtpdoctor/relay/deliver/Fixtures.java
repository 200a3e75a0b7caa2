package org.smtpdoctor.relay.deliver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.smtp.Timeouts;

/** Quick settings for delivery tests: retries in tenths of seconds, short timeouts. */
final class Fixtures {

    static final RetryPolicy FAST_RETRY = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(400), 0.2,
            Duration.ofHours(1), Duration.ofMillis(100), Duration.ofMillis(400));
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60));

    private Fixtures() {
    }

    static DeliveryOptions options() {
        return new DeliveryOptions("relay.test", 1, new Pacing(1000, 100_000, 1), FAST_RETRY, Optional.empty(), true,
                Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofMinutes(1), 100, Duration.ZERO,
                Duration.ofSeconds(5), java.time.Clock.systemUTC());
    }

    static UpstreamSettings settings() {
        return UpstreamSettings.defaults("relay.test").withTimeouts(TIMEOUTS);
    }

    static Upstream upstream(String url) {
        return Upstreams.create(UpstreamUrl.parse(url), settings());
    }

    static Spool spool(Path dir) throws IOException {
        return Spool.open(dir.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0));
    }

    static String message(String subject) {
        return "From: Scanner <scanner@contoso.com>\r\n"
                + "To: bob@contoso.com\r\n"
                + "Subject: " + subject + "\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@printer.lan>\r\n"
                + "\r\n"
                + "Scan attached.\r\n"
                + ".leading dot line\r\n";
    }

    static String accept(Spool spool, String sender, List<String> rcpts, String content) throws IOException {
        return spool.accept(new Envelope("printer", "192.0.2.7", "printer.lan", Optional.empty(), sender, rcpts, Instant.now()),
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }
}
