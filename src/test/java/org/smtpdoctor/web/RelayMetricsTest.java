package org.smtpdoctor.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.relay.deliver.ScriptedSmtp;
import org.smtpdoctor.testing.DeviceClient;

/** /metrics as Prometheus reads it: parsed by the Prometheus project's own parser, values checked against what was sent. */
class RelayMetricsTest {

    @TempDir
    Path dir;

    @Test
    void every_metric_counts_what_the_devices_and_the_upstream_did() throws Exception {
        try (ScriptedSmtp upstream = new ScriptedSmtp((line, n) -> line.contains("later@") ? "451 4.3.0 Mailbox busy, try later"
                : line.contains("nobody@") ? "550 5.1.1 User unknown" : null);
             RelayWithConsole relay = RelayWithConsole.start(dir, "smtp://127.0.0.1:" + upstream.port(), "admin:\n  listen: 127.0.0.1:0\n")) {
            PrometheusText.requireParser();
            for (int i = 0; i < 3; i++) {
                relay.send("scanner@lan.test", List.of("bob@contoso.test"), "ok " + i);
            }
            String deferred = relay.send("scanner@lan.test", List.of("later@contoso.test"), "later");
            relay.send("scanner@lan.test", List.of("nobody@contoso.test"), "bounces");
            try (DeviceClient nas = new DeviceClient(relay.devicePort())) {
                nas.reply();
                nas.send("EHLO nas");
                String plain = Base64.getEncoder().encodeToString("\0nas01\0wrong".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(nas.send("AUTH PLAIN " + plain)).startsWith("535");
                nas.send("QUIT");
            }
            // 3 delivered, the bounce's DSN delivered to the sender too, one deferred, one failed
            await().atMost(Duration.ofSeconds(15)).until(() -> upstream.messages.size() == 4
                    && relay.spool.list().size() == 1 && relay.spool.get(deferred).orElseThrow().attempts() == 1);
            String port = String.valueOf(relay.devicePort());
            String listener = "127.0.0.1:" + port;
            String up = "smtp://127.0.0.1:" + upstream.port();
            ConsoleClient prometheus = new ConsoleClient(relay.consoleUrl());
            await().atMost(Duration.ofSeconds(10)).until(() -> PrometheusText.sum(PrometheusText.parse(prometheus.get("/metrics").body()),
                    "smtpdoctor_relay_device_connections_open", Map.of()) == 0);
            String text = prometheus.get("/metrics").body();
            List<PrometheusText.Sample> s = PrometheusText.parse(text);

            assertThat(PrometheusText.value(s, "smtpdoctor_relay_messages_accepted_total", Map.of("listener", listener, "device", "scanners")))
                    .isEqualTo(5);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_messages_delivered_total", Map.of("upstream", up))).isEqualTo(4);
            assertThat(PrometheusText.sum(s, "smtpdoctor_relay_messages_deferred_total", Map.of("upstream", up))).isEqualTo(1);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_messages_failed_total", Map.of("upstream", up, "cause", "recipient_invalid")))
                    .isEqualTo(1);
            s.stream().filter(x -> x.name().startsWith("smtpdoctor_relay_messages_") && x.labels().containsKey("cause"))
                    .forEach(x -> assertThat(Cause.byId(x.labels().get("cause"))).as("a cause id: " + x).isPresent());
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_recipients_total", Map.of("upstream", up, "outcome", "delivered"))).isEqualTo(4);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_delivery_latency_seconds_count", Map.of("upstream", up)))
                    .as("the DSN is the relay's own: not a device's latency").isEqualTo(3);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_delivery_latency_seconds_bucket", Map.of("upstream", up, "le", "+Inf")))
                    .isEqualTo(3);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_queue_messages", Map.of())).isEqualTo(1);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_queue_recipients", Map.of("state", "deferred"))).isEqualTo(1);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_queue_oldest_message_age_seconds", Map.of())).isBetween(0.0, 60.0);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_device_connections_total", Map.of("listener", listener, "tls_version", "none")))
                    .isEqualTo(6);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_auth_failures_total", Map.of("listener", listener))).isEqualTo(1);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_spool_free_bytes", Map.of())).isGreaterThan(0);
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_stuck_messages", Map.of())).isZero();
            assertThat(PrometheusText.value(s, "smtpdoctor_relay_upstream_backed_off", Map.of("upstream", up))).isZero();
            assertThat(PrometheusText.value(s, "smtpdoctor_build_info", Map.of("version", "test"))).isEqualTo(1);
            assertThat(s).filteredOn(x -> x.name().equals("smtpdoctor_relay_messages_accepted_total")).allMatch(x -> x.type().equals("counter"));
            assertThat(text).doesNotContain(RelayWithConsole.NAS_PASSWORD, "nas01", "wrong", "127.0.0.1\"}"); // no user names, no client addresses
            assertThat(PrometheusText.lint(text)).as("promtool check metrics").isEmpty();
        }
    }
}
