package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.relay.spool.Spool;

class DeliverRetryTest {

    @TempDir
    Path dir;

    @Test
    void aTemporaryRefusalIsRetriedWithBackoffUntilTheUpstreamAccepts() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") && n <= 2 ? "451 4.3.0 try again later" : null);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            String id = Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("retry me"));
            try (DeliveryWorker w = start(spool, up)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
            }
            assertThat(up.messages).hasSize(1);
            assertThat(up.messages.get(0).text()).contains("Subject: retry me", ".leading dot line");
            assertThat(up.count("RCPT")).isEqualTo(3);
            assertThat(log.events("deferred")).hasSize(2).allSatisfy(l -> assertThat(l)
                    .contains("id=" + id, "device=printer", "sender=scanner@contoso.com", "rcpt=bob@contoso.com",
                            "reply=\"451 4.3.0 try again later\"", "cause="));
            assertThat(log.events("delivered")).singleElement().asString().contains("id=" + id, "reply=\"250 2.0.0 Ok: queued\"");
            assertThat(log.events("removed")).hasSize(1);
        }
    }

    @Test
    void aPermanentRefusalBouncesThatRecipientAndTheSenderGetsAnRfc3464Dsn() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.equals("RCPT TO:<nobody@contoso.com>")
                ? "550 5.1.1 <nobody@contoso.com>: Recipient address rejected: User unknown" : null);
             Spool spool = Fixtures.spool(dir)) {
            String id = Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com", "nobody@contoso.com"),
                    Fixtures.message("bounce me"));
            try (DeliveryWorker w = start(spool, up)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> up.messages.size() == 2 && spool.list().isEmpty());
            }
            assertThat(up.messages.get(0).recipients()).containsExactly("bob@contoso.com");
            ScriptedSmtp.Message dsn = up.messages.get(1);
            assertThat(dsn.sender()).isEmpty();
            assertThat(dsn.recipients()).containsExactly("scanner@contoso.com");
            assertThat(dsn.lines()).contains(
                    "Content-Type: message/delivery-status",
                    "Reporting-MTA: dns; relay.test",
                    "Final-Recipient: rfc822; nobody@contoso.com",
                    "Action: failed",
                    "Status: 5.1.1",
                    "Diagnostic-Code: smtp; 550 5.1.1 <nobody@contoso.com>: Recipient address rejected: User unknown",
                    "Content-Type: text/rfc822-headers",
                    "Subject: bounce me",
                    "X-Smtp-Doctor-Queue-ID: " + id,
                    "Auto-Submitted: auto-replied");
            assertThat(dsn.text()).contains("Content-Type: multipart/report; report-type=delivery-status;")
                    .doesNotContain("Final-Recipient: rfc822; bob@contoso.com");
        }
    }

    @Test
    void withAnAdminAddressTheDsnGoesThereAndABouncingDsnGetsNoDsnOfItsOwn() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") ? "550 5.1.1 User unknown" : null);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Fixtures.accept(spool, "scanner@printer.local", List.of("nobody@contoso.com"), Fixtures.message("to admin"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(up)),
                    Fixtures.options().withAdminAddress("postmaster@contoso.com"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty() && !log.events("dsn-skipped").isEmpty());
            }
            // The upstream refuses every RCPT, the admin's DSN included: that one bounces silently.
            assertThat(up.commands).contains("RCPT TO:<nobody@contoso.com>", "MAIL FROM:<>", "RCPT TO:<postmaster@contoso.com>")
                    .doesNotContain("RCPT TO:<scanner@printer.local>");
            assertThat(up.count("MAIL")).isEqualTo(2);
            assertThat(log.events("dsn-queued")).singleElement().asString().contains("to=postmaster@contoso.com");
            assertThat(log.events("dsn-skipped")).singleElement().asString().contains("sender=<>", "device=smtp-doctor");
        }
    }

    @Test
    void aMessageFromTheNullSenderGetsNoDsn() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") ? "550 5.1.1 User unknown" : null);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            String id = Fixtures.accept(spool, "", List.of("nobody@contoso.com"), Fixtures.message("a bounce"));
            try (DeliveryWorker w = start(spool, up)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> spool.list().isEmpty());
                Thread.sleep(300); // a DSN, if one were wrongly queued, would be tried within this
            }
            assertThat(up.count("MAIL")).isEqualTo(1);
            assertThat(up.messages).isEmpty();
            assertThat(log.events("dsn-skipped")).singleElement().asString().contains("id=" + id, "sender=<>");
            assertThat(log.events("failed")).singleElement().asString().contains("cause=recipient_invalid");
        }
    }

    /**
     * A maximum age of 3 s with retries 100-200 ms apart: a dozen tries before it, so the first
     * deferral may come late on a loaded machine (with 700 ms it had to come before 0.7 s for three
     * RCPTs). Without the maximum age the recipient would be retried for ever and the wait fail.
     */
    @Test
    void pastTheMaximumAgeADeferredRecipientFailsAndItsDsnSaysTheLastTemporaryStatus() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.equals("RCPT TO:<bob@contoso.com>") ? "452 4.2.2 Mailbox full" : null);
             Spool spool = Fixtures.spool(dir)) {
            Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("too old"));
            RetryPolicy quick = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(200), 0.2, Duration.ofSeconds(3),
                    Duration.ofMillis(100), Duration.ofMillis(200));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(up)),
                    Fixtures.options().withRetry(quick))) {
                await().atMost(Duration.ofSeconds(15)).until(() -> up.messages.size() == 1 && spool.list().isEmpty());
            }
            ScriptedSmtp.Message dsn = up.messages.get(0);
            assertThat(dsn.recipients()).containsExactly("scanner@contoso.com");
            assertThat(dsn.lines()).contains("Action: failed", "Status: 4.2.2", "Diagnostic-Code: smtp; 452 4.2.2 Mailbox full");
            assertThat(up.count("RCPT")).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aThrottlingReplyBacksOffTheWholeUpstreamNotJustTheMessage() throws Exception {
        try (ScriptedSmtp up = new ScriptedSmtp((line, n) -> line.startsWith("MAIL") && n == 1
                ? "421 4.7.0 Too many connections, closing" : null);
             Spool spool = Fixtures.spool(dir)) {
            for (int i = 0; i < 3; i++) {
                Fixtures.accept(spool, "scanner@contoso.com", List.of("bob@contoso.com"), Fixtures.message("m" + i));
            }
            // The upstream is left alone 5 s: far more than the 700 ms looked at below, even when a loaded machine stalls the
            // test between the throttle and the look (with 1.5 s, 0.7 s of stall let the next try in). A message's own
            // backoff is 50-100 ms, so a throttle that backed off only the message would show more MAILs within the 700 ms.
            RetryPolicy slowUpstream = new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(100), 0, Duration.ofHours(1),
                    Duration.ofSeconds(5), Duration.ofSeconds(10));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(up)),
                    Fixtures.options().withRetry(slowUpstream))) {
                await().atMost(Duration.ofSeconds(5)).until(() -> up.count("MAIL") == 1);
                Thread.sleep(700);
                // The other two messages (never tried) and the throttled one all wait for the upstream.
                assertThat(up.count("MAIL")).isEqualTo(1);
                RelayStatus status = w.status();
                assertThat(status.upstreams().get(0).backedOffUntil()).isPresent();
                assertThat(status.upstreams().get(0).lastCause()).contains("throttling_rate_limit");
                assertThat(spool.list()).extracting(m -> m.recipients().get(0).status())
                        .containsExactlyInAnyOrder(RecipientState.Status.DEFERRED, RecipientState.Status.PENDING,
                                RecipientState.Status.PENDING);
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
            }
            assertThat(up.messages).hasSize(3);
        }
    }

    static Upstream upstream(ScriptedSmtp up) {
        return Fixtures.upstream("smtp://127.0.0.1:" + up.port());
    }

    private static DeliveryWorker start(Spool spool, ScriptedSmtp up) {
        return DeliveryWorker.start(spool, Optional.empty(), List.of(upstream(up)), Fixtures.options());
    }
}
