package org.smtpdoctor.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.spool.Envelope;

/** docs/relay-alerts.yml: valid for Prometheus, its unit tests pass, and it names only metrics the relay exports. */
class AlertRulesTest {

    private static final Path RULES = Path.of("docs/relay-alerts.yml");

    @Test
    void promtool_accepts_the_rules_and_their_unit_tests_pass() throws Exception {
        Peers.require("promtool");
        assertThat(promtool("check", "rules", RULES.toString())).startsWith("0:");
        assertThat(promtool("test", "rules", "docs/relay-alerts.test.yml")).startsWith("0:").contains("SUCCESS");
    }

    @Test
    void every_metric_the_rules_and_the_metrics_doc_name_is_exported() throws Exception {
        RelayMetrics metrics = new RelayMetrics(() -> new RelayMetrics.Source() {
            @Override
            public RelayStatus status() {
                return new RelayStatus(Instant.now(), "relay.test", true, RelayStatus.Queue.of(List.of()),
                        List.of(new RelayStatus.UpstreamStatus("smtp://up", "up", Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.empty(), Optional.empty(), 0, 0, 0, 30, 10_000, 30, 10_000, 3)));
            }

            @Override
            public Optional<Long> spoolFreeBytes() {
                return Optional.of(1L << 30);
            }

            @Override
            public int stuckMessages() {
                return 0;
            }
        }, "test", Instant.now());
        // A labelled metric appears once it has a value: one event of each kind.
        RelayObserver.Peer peer = new RelayObserver.Peer("127.0.0.1:2525", "s1", "192.0.2.7");
        Envelope envelope = new Envelope("printers", "192.0.2.7", "scanner", Optional.empty(), "a@b.test", List.of("c@d.test"), Instant.now());
        metrics.connectionOpened(peer, Optional.of("printers"));
        metrics.queued(peer, "id", envelope, 10);
        metrics.authFailed(peer, "nas");
        metrics.tlsFailed(peer.listener(), peer.client(), "no shared protocol", Optional.empty());
        metrics.refused(peer, Optional.empty(), "relay.denied", "not a device");
        metrics.connectionClosed(peer, Optional.of(new RelayObserver.Tls("TLSv1", "TLS_RSA_WITH_AES_128_CBC_SHA")));
        for (RelayObserver.Outcome o : RelayObserver.Outcome.values()) {
            metrics.delivery(new RelayObserver.Delivery(o, "id", envelope, List.of("c@d.test"), "smtp://up", "up", "250 ok",
                    o == RelayObserver.Outcome.DELIVERED ? Optional.empty() : Optional.of("unknown"), Optional.empty(), 1, Instant.now()));
        }
        String exposition = new String(metrics.scrape(), StandardCharsets.UTF_8);
        Set<String> exported = new TreeSet<>();
        Matcher help = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)").matcher(exposition);
        while (help.find()) {
            exported.add(help.group(1));
            if (help.group(2).equals("counter")) {
                exported.add(help.group(1) + "_total");
            }
            if (help.group(2).equals("histogram")) {
                exported.addAll(List.of(help.group(1) + "_bucket", help.group(1) + "_sum", help.group(1) + "_count"));
            }
        }
        for (Path doc : List.of(RULES, Path.of("docs/metrics.md"))) {
            Matcher named = Pattern.compile("smtpdoctor_[a-z_]+[a-z]").matcher(Files.readString(doc));
            while (named.find()) {
                assertThat(exported).as(doc + " names " + named.group()).contains(named.group());
            }
        }
    }

    private static String promtool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Peers.findExecutable("promtool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ": " + out;
    }
}
