package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.net.MailDns;
import org.smtpdoctor.net.MailDnsAnswer;
import org.smtpdoctor.net.MailDnsMx;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.smtp.Timeouts;

/**
 * Slow and broken upstreams (issue 14, item 4): one that trickles its reply a byte at a time, one that hangs
 * after DATA or after the final ".", one that resets the connection mid-message or after the
 * final ".", and DNS that times out for {@code mx://}. Each attempt ends within the upstream
 * timeouts and is deferred with its cause; the message is then delivered by a later attempt,
 * and never reported delivered twice.
 * <p>
 * Delivery is at least once: when the upstream goes silent or resets after the final "." the
 * relay cannot know whether the upstream kept the message, so it keeps it too and sends it again
 * (RFC 5321 section 6.1 prefers a duplicate to a loss). The two tests of that case show the copy
 * the upstream received twice.
 */
class DeliverSlowUpstreamTest {

    /** Short bounds so a stuck attempt ends in seconds: connect 2 s, each read 2 s, a connection 6 s in all. */
    private static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(6));

    @TempDir
    Path dir;

    private static Upstream upstream(ScriptedSmtp up) {
        return Upstreams.create(UpstreamUrl.parse("smtp://127.0.0.1:" + up.port()), Fixtures.settings().withTimeouts(SHORT));
    }

    /**
     * Queues one message, lets a worker deliver it through {@code up}, and returns the log once it
     * is delivered, the first attempt deferred with a log line that contains {@code cause}.
     */
    private void deliverAfterOneDeferral(ScriptedSmtp up, Upstream upstream, String cause) throws Exception {
        LogLines log = new LogLines();
        try (Spool spool = Fixtures.spool(dir)) {
            String id = Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("slow peer"));
            long start = System.nanoTime();
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !log.events("deferred").isEmpty());
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the stuck attempt ends within the timeouts")
                        .isLessThan(SHORT.overall().plusSeconds(4));
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
            }
            assertThat(log.events("deferred")).singleElement().asString().contains("id=" + id, "rcpt=bob@contoso.com", cause);
            assertThat(log.events("delivered")).singleElement().asString().contains("id=" + id);
            assertThat(up.messages).hasSize(1);
            assertThat(up.messages.get(0).text()).contains("Subject: slow peer", ".leading dot line");
        } finally {
            log.close();
        }
    }

    /**
     * 80 bytes 200 ms apart take 16 s, far past the 6 s deadline, while no read waits near its
     * 2 s timeout: a stall of 1.8 s of the trickling thread still passes. (A byte a second, then
     * every 400 ms, left 1 s and 1.6 s of slack, and a loaded CI machine once let the trickling
     * thread sleep past the read timeout.)
     */
    @Test
    void an_upstream_that_trickles_its_reply_is_cut_at_the_connection_deadline_and_the_message_goes_later() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("MAIL") && n == 1
                ? "TRICKLE 250 2.1.0 Sender OK, said at a trickle, one byte at a time, for seconds on end" : null)) {
            deliverAfterOneDeferral(up, upstream(up), "reply=\"the session exceeded its overall time limit");
        }
    }

    @Test
    void an_upstream_that_hangs_after_DATA_is_timed_out_and_the_message_goes_later() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.equals("DATA") && n == 1 ? "STALL" : null)) {
            deliverAfterOneDeferral(up, upstream(up), "reply=\"the server did not answer within the read timeout: after 2000 ms\"");
            assertThat(up.count(".")).as("the content went once, after the hang").isEqualTo(1);
        }
    }

    @Test
    void an_upstream_that_resets_mid_message_gets_the_whole_message_later_and_only_that_copy_counts() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null).onMessageLines((line, n) -> n == 3 ? "RESET" : null)) {
            deliverAfterOneDeferral(up, upstream(up), "reply=\"connection reset by peer");
            assertThat(up.count(".")).as("the cut copy never reached its final dot").isEqualTo(1);
        }
    }

    @Test
    void silence_after_the_final_dot_is_a_deferral_and_the_message_is_sent_again_at_least_once() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.equals(".") && n == 1 ? "STALL" : null)) {
            deliverAfterOneDeferral(up, upstream(up), "reply=\"the server did not answer within the read timeout: after 2000 ms\"");
            // The upstream had the whole first copy: had it kept it, its mailbox would now hold two.
            assertThat(up.count(".")).isEqualTo(2);
        }
    }

    @Test
    void a_reset_after_the_final_dot_is_a_deferral_and_the_message_is_sent_again_at_least_once() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.equals(".") && n == 1 ? "RESET" : null)) {
            deliverAfterOneDeferral(up, upstream(up), "reply=\"connection reset by peer\"");
            assertThat(up.count(".")).isEqualTo(2);
        }
    }

    @Test
    void dns_that_times_out_for_mx_defers_the_message_which_goes_once_dns_answers() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> null);
             DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // A DNS server that reads every query and answers none: each lookup waits out its timeout.
            MailDns deaf = new MailDns(List.of(InetAddress.getLoopbackAddress()), silent.getLocalPort(), Duration.ofSeconds(1));
            AtomicBoolean answering = new AtomicBoolean();
            UpstreamSettings s = Fixtures.settings().withTimeouts(SHORT).withMx(domain -> answering.getAndSet(true)
                    ? new MailDnsAnswer.Found<>(List.of(new MailDnsMx("127.0.0.1", 10)))
                    : deaf.mx(domain), up.port());
            deliverAfterOneDeferral(up, Upstreams.create(UpstreamUrl.parse("mx://contoso.com"), s),
                    "reply=\"MX contoso.com: no answer from 127.0.0.1:" + silent.getLocalPort() + " within 1000 ms\" cause=dns_resolution");
        }
    }
}
