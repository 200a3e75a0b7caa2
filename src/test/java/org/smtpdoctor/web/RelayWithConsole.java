package org.smtpdoctor.web;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.config.RelayConfigReader;
import org.smtpdoctor.relay.deliver.DeliveryOptions;
import org.smtpdoctor.relay.deliver.DeliveryWorker;
import org.smtpdoctor.relay.deliver.UpstreamSettings;
import org.smtpdoctor.relay.deliver.Upstreams;
import org.smtpdoctor.relay.device.RelayServer;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.smtp.Timeouts;
import org.smtpdoctor.testing.DeviceClient;

/**
 * A whole relay in this JVM, composed as {@code RelayCommand} composes it: a spool in a temp
 * directory, the delivery worker to an upstream URL, a plain listener on 127.0.0.1 (port 0)
 * for 127.0.0.1/32 (and the account nas01, AUTH allowed before TLS), the {@link RelayMonitor} with its console from the {@code admin:} YAML
 * given. Short upstream timeouts; retries as configured (the first after about a minute, so a
 * deferred message waits for the console's Retry).
 */
final class RelayWithConsole implements AutoCloseable {

    /** The device account nas01's password, and its hash (made once: PBKDF2 is slow on purpose). */
    static final String NAS_PASSWORD = "nas-password-1";
    static final String NAS_HASH = org.smtpdoctor.relay.config.PasswordHash.create(NAS_PASSWORD.toCharArray()).toString();
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 OK queued as (\\w+)");

    final RelayConfig config;
    final Spool spool;
    final DeliveryWorker worker;
    final RelayServer server;
    final RelayMonitor monitor;

    private RelayWithConsole(RelayConfig config, Spool spool, DeliveryWorker worker, RelayServer server, RelayMonitor monitor) {
        this.config = config;
        this.spool = spool;
        this.worker = worker;
        this.server = server;
        this.monitor = monitor;
    }

    /**
     * @param extraYaml top-level YAML added to the configuration: {@code admin:}, {@code alerts:}
     */
    static RelayWithConsole start(Path dir, String upstreamUrl, String extraYaml) throws Exception {
        return start(dir, upstreamUrl, extraYaml, Clock.systemUTC());
    }

    /** The same with the monitor's (and so the console's) clock: a test moves it instead of sleeping. */
    static RelayWithConsole start(Path dir, String upstreamUrl, String extraYaml, Clock clock) throws Exception {
        String yaml = String.join("\n",
                "host-name: relay.test",
                "listeners:",
                "  - address: 127.0.0.1",
                "    port: 0",
                "    mode: plain",
                "    allow-plaintext-auth: true",
                "devices:",
                "  - name: scanners",
                "    networks: [127.0.0.1/32]",
                "  - name: nas",
                "    user: nas01",
                "    password-hash: \"" + NAS_HASH + "\"",
                "upstream:",
                "  - \"" + upstreamUrl + "\"",
                "spool: " + dir.resolve("spool"),
                "pacing:",
                "  messages-per-minute: 1000",
                "  connections: 1",
                extraYaml, "");
        RelayConfig config = RelayConfigReader.parse(yaml, "relay.yaml");
        Spool spool = Spool.open(config.spoolDir(), Spool.Options.defaults().withMinFreeBytes(0));
        RelayMonitor monitor = RelayMonitor.create(config, clock, "test");
        DeliveryOptions options = DeliveryOptions.from(config).withPoll(Duration.ofMillis(50)).withStatusInterval(Duration.ofMillis(200));
        DeliveryWorker worker = DeliveryWorker.start(spool, Optional.of(config.spoolDir()),
                Upstreams.create(config.upstreams(), UpstreamSettings.defaults(config.hostName())
                        .withTimeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60)))),
                options, monitor.observer());
        RelayServer server = RelayServer.start(config, worker.sink(), monitor.observer());
        monitor.start(spool, worker);
        return new RelayWithConsole(config, spool, worker, server, monitor);
    }

    int devicePort() {
        return server.ports().get(0);
    }

    String consoleUrl() {
        return monitor.consoleUrl().orElseThrow();
    }

    /** A device sends one message; returns its queue id. */
    String send(String sender, List<String> recipients, String subject) throws IOException {
        try (DeviceClient device = new DeviceClient(devicePort())) {
            device.reply();
            device.send("EHLO scanner-2f");
            device.send("MAIL FROM:<" + sender + ">");
            for (String r : recipients) {
                device.send("RCPT TO:<" + r + ">");
            }
            device.send("DATA");
            String reply = device.send("From: " + sender + "\r\nTo: " + recipients.get(0) + "\r\nSubject: " + subject + "\r\n\r\nScan.\r\n.");
            device.send("QUIT");
            Matcher m = QUEUED.matcher(reply);
            if (!m.find()) {
                throw new IOException("not queued: " + reply);
            }
            return m.group(1);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        worker.close();
        monitor.close();
        spool.close();
    }
}
