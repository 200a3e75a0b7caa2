package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;
import org.smtpdoctor.smtp.EnhancedStatus;
import org.smtpdoctor.smtp.Reply;

/** The pure parts of delivery: the classifier's table, backoff, pacing, the DSN's fields. */
class DeliverPolicyTest {

    static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.bundled());

    @ParameterizedTest(name = "{0} {1} at {2} -> {3}, throttle {4}")
    @CsvSource(delimiter = '|', value = {
        "250 | 2.0.0 OK queued                                                    | data    | DELIVERED | false",
        "451 | 4.3.0 Temporary server error                                       | data    | RETRY     | false",
        "450 | 4.2.1 Mailbox busy                                                 | rcpt-to | RETRY     | false",
        "421 | 4.3.2 Service not available, closing transmission channel          | mail-from | RETRY   | true",
        "451 | 4.7.500 Server busy. Please try again later                        | data    | RETRY     | true",
        "432 | 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded          | data    | RETRY     | true",
        "550 | 5.1.1 User unknown                                                 | rcpt-to | BOUNCE    | false",
        "554 | 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message | data | RETRY | true",
        "550 | 5.7.60 SMTP; Client does not have permissions to send as this sender | data  | BOUNCE    | false",
        "552 | 5.3.4 Message size exceeds fixed maximum message size              | data    | BOUNCE    | false",
    })
    void theClassifierTable(int code, String text, String phase, Classifier.Action action, boolean throttle) {
        Classifier.Verdict v = CLASSIFIER.ofReply(Vendor.MICROSOFT, "smtp.office365.com", phase, Reply.of(code, text.strip()));
        assertThat(v.action()).isEqualTo(action);
        assertThat(v.throttle()).isEqualTo(throttle);
    }

    @Test
    void theRulesAreAskedForAtTheFirstFailureAndNeverForADelivery() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Classifier lazy = new Classifier(() -> {
            asked.incrementAndGet();
            return KnowledgeBase.bundled();
        });
        assertThat(lazy.ofReply("smtp.example.com", "data", Reply.of(250, "2.0.0 OK queued")).action()).isEqualTo(Classifier.Action.DELIVERED);
        assertThat(asked).hasValue(0);
        assertThat(lazy.ofReply("smtp.example.com", "data", Reply.of(451, "4.3.0 Temporary server error")).action())
                .isEqualTo(Classifier.Action.RETRY);
        assertThat(asked).hasValue(1);
    }

    @Test
    void theDailyQuotaIsThrottlingNotABounce() {
        Classifier.Verdict v = CLASSIFIER.ofReply(Vendor.MICROSOFT, "smtp.office365.com", "data",
                Reply.of(554, "5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message"));
        assertThat(v.cause().id()).isEqualTo("throttling_rate_limit");
    }

    @Test
    void aSessionThatFailsIsAlwaysARetryWhateverItsCode() {
        Classifier.Verdict refused = CLASSIFIER.ofSession(SessionFailure.event("h", "tcp", "tcp.refused", "connection refused"));
        Classifier.Verdict auth = CLASSIFIER.ofSession(Vendor.MICROSOFT, SessionFailure.reply("smtp.office365.com", "auth",
                Reply.of(535, "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.")));
        assertThat(refused.action()).isEqualTo(Classifier.Action.RETRY);
        assertThat(refused.cause().id()).isEqualTo("port_blocked_or_unreachable");
        assertThat(auth.action()).isEqualTo(Classifier.Action.RETRY);
        assertThat(auth.cause().id()).isEqualTo("tenant_smtp_auth_disabled");
    }

    @Test
    void backoffDoublesFromTheInitialDelayUpToTheCapWithinTheJitter() {
        RetryPolicy p = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(10), 0.2, Duration.ofDays(5),
                Duration.ofSeconds(30), Duration.ofMinutes(15));
        assertThat(p.backoff(1, () -> 0.5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.backoff(2, () -> 0.5)).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.backoff(4, () -> 0.5)).isEqualTo(Duration.ofMinutes(8));
        assertThat(p.backoff(5, () -> 0.5)).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.backoff(50, () -> 0.5)).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.backoff(1, () -> 0.0)).isEqualTo(Duration.ofSeconds(48));
        assertThat(p.backoff(1, () -> 1.0)).isEqualTo(Duration.ofSeconds(72));
        assertThat(p.upstreamBackoff(3, () -> 0.5)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theLastTryIsAtTheMaximumAgeAndAfterItTheMessageHasExpired() {
        RetryPolicy p = RetryPolicy.defaults(Duration.ofHours(1));
        Instant received = Instant.parse("2026-11-28T10:00:00Z");
        Instant now = received.plus(Duration.ofMinutes(59));
        assertThat(p.nextAttempt(now, received, 10, () -> 0.5)).isEqualTo(received.plus(Duration.ofHours(1)));
        assertThat(p.expired(received, now)).isFalse();
        assertThat(p.expired(received, received.plus(Duration.ofHours(1)))).isTrue();
    }

    @Test
    void pacingCountsMessagesPerSlidingMinuteAndRecipientsPerSlidingDay() {
        Pacer pacer = new Pacer(new Pacing(2, 5, 1));
        Instant t = Instant.parse("2026-11-28T10:00:00Z");
        assertThat(pacer.tryAcquire(t, 2)).isEmpty();
        assertThat(pacer.tryAcquire(t.plusSeconds(10), 2)).isEmpty();
        assertThat(pacer.tryAcquire(t.plusSeconds(20), 1)).get().isInstanceOf(Pacer.MinuteFull.class)
                .extracting(Pacer.Refusal::until).isEqualTo(t.plusSeconds(60));
        assertThat(pacer.messageWait(t.plusSeconds(20))).isEqualTo(Duration.ofSeconds(40));
        assertThat(pacer.tryAcquire(t.plusSeconds(61), 2)).get().isInstanceOf(Pacer.DayFull.class)
                .extracting(Pacer.Refusal::until).isEqualTo(t.plus(Duration.ofDays(1)));
        assertThat(pacer.tryAcquire(t.plusSeconds(62), 1)).isEmpty();
        assertThat(pacer.budget(t.plusSeconds(62))).isEqualTo(new Pacer.Budget(0, 0));
        assertThat(pacer.budget(t.plus(Duration.ofDays(1)).plusSeconds(11))).isEqualTo(new Pacer.Budget(2, 4));
    }

    @Test
    void aMessageWithMoreRecipientsThanADayAllowsGoesWhenTheDayIsEmpty() {
        Pacer pacer = new Pacer(new Pacing(30, 3, 1));
        assertThat(pacer.tryAcquire(Instant.parse("2026-11-28T10:00:00Z"), 7)).isEmpty();
    }

    @Test
    void theDsnStatusAndDiagnosticComeFromTheLastReply() {
        assertThat(Dsn.status("550 5.1.1 User unknown")).isEqualTo("5.1.1");
        assertThat(Dsn.status("554 Transaction failed")).isEqualTo("5.0.0");
        assertThat(Dsn.status("connection refused: 127.0.0.1:25")).isEqualTo("4.4.7");
        assertThat(Dsn.diagnostic("550 5.1.1 User unknown")).isEqualTo("smtp; 550 5.1.1 User unknown");
        assertThat(Dsn.diagnostic("connection refused\r\nBcc: x")).isEqualTo("X-smtp-doctor; connection refused  Bcc: x");
    }

    @Test
    void theDsnIsAMultipartReportWithOneBlockPerFailedRecipient() {
        Instant at = Instant.parse("2026-11-28T10:00:00Z");
        QueuedMessage m = new QueuedMessage("1m8gzb287dpb8cbe", new Envelope("printer", "192.0.2.7", "p", Optional.empty(),
                "scanner@contoso.com", List.of("a@x.test", "b@x.test"), at), 10, List.of());
        RecipientState failed = new RecipientState("b@x.test", RecipientState.Status.FAILED, 1, Optional.empty(),
                Optional.of("550 5.1.1 User unknown"), Optional.of(at.plusSeconds(5)));
        String dsn = new String(Dsn.build(m, List.of(failed), "MAILER-DAEMON@relay.test", "scanner@contoso.com", "relay.test",
                Optional.of("smtp.example.net"), "Subject: hi\r\nFrom: s@x\r\n".getBytes(StandardCharsets.US_ASCII), at),
                StandardCharsets.US_ASCII);
        assertThat(dsn).contains("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"1m8gzb287dpb8cbe/relay.test\"\r\n",
                "\r\n--1m8gzb287dpb8cbe/relay.test\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n"
                        + "Reporting-MTA: dns; relay.test\r\nX-Smtp-Doctor-Queue-ID: 1m8gzb287dpb8cbe\r\n"
                        + "Arrival-Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n\r\n"
                        + "Final-Recipient: rfc822; b@x.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; smtp.example.net\r\n"
                        + "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\nLast-Attempt-Date: Sat, 28 Nov 2026 10:00:05 +0000\r\n",
                "Content-Type: text/rfc822-headers\r\n\r\nSubject: hi\r\nFrom: s@x\r\n\r\n--1m8gzb287dpb8cbe/relay.test--\r\n",
                "To: <scanner@contoso.com>\r\n", "Auto-Submitted: auto-replied\r\n")
                .doesNotContain("a@x.test");
        assertThat(Dsn.headerSection("Subject: a\r\nX: y\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)))
                .asString().isEqualTo("Subject: a\r\nX: y\r\n");
    }

    @Test
    void theEnhancedStatusSubjectAndDetailAreReadFromReplies() {
        assertThat(Classifier.isThrottle(Reply.of(450, "4.7.26 Service unavailable"))).isTrue();
        assertThat(Classifier.isThrottle(Reply.of(451, "4.4.1 No answer"))).isFalse();
        assertThat(EnhancedStatus.parse("4.3.2").subject()).isEqualTo(3);
    }
}
