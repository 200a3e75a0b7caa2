package org.smtpdoctor.relay.deliver;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.smtpdoctor.relay.config.Pacing;
import org.smtpdoctor.relay.config.RelayConfig;

/**
 * How the {@link DeliveryWorker} works. Immutable; {@code with*} return changed copies.
 *
 * @param hostName        this relay's name: Reporting-MTA of DSNs, the "by" of the Received line
 * @param threads         worker threads, each with at most one upstream session: the
 *                        concurrent connections ({@link Pacing#connections()} by default)
 * @param pacing          the budget per upstream mailbox
 * @param retry           backoff, jitter, maximum age, upstream backoff
 * @param adminAddress    when set, DSNs go here instead of to the original sender (devices often
 *                        send from addresses nobody reads)
 * @param addReceived     prepend a Received line (RFC 5321 section 4.4) naming the device when a
 *                        message goes upstream
 * @param poll            how often an idle worker looks at the spool
 * @param sessionIdle     an upstream session with nothing to send is closed after this
 * @param sessionMaxAge   ... and a reused one after this, or after {@code sessionMaxMessages}
 * @param statusInterval  how often the status file is rewritten (zero: never)
 * @param shutdownGrace   how long {@link DeliveryWorker#close} lets a delivery in progress finish
 */
public record DeliveryOptions(String hostName, int threads, Pacing pacing, RetryPolicy retry, Optional<String> adminAddress,
                              boolean addReceived, Duration poll, Duration sessionIdle, Duration sessionMaxAge,
                              int sessionMaxMessages, Duration statusInterval, Duration shutdownGrace, Clock clock) {

    public DeliveryOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one delivery thread");
        }
    }

    public static DeliveryOptions from(RelayConfig config) {
        return new DeliveryOptions(config.hostName(), config.pacing().connections(), config.pacing(),
                RetryPolicy.defaults(config.retryMaxAge()), config.bouncesTo(), true, Duration.ofMillis(500),
                Duration.ofSeconds(5), Duration.ofMinutes(5), 100, Duration.ofSeconds(2), Duration.ofSeconds(15),
                Clock.systemUTC());
    }

    public DeliveryOptions withRetry(RetryPolicy r) {
        return new DeliveryOptions(hostName, threads, pacing, r, adminAddress, addReceived, poll, sessionIdle, sessionMaxAge,
                sessionMaxMessages, statusInterval, shutdownGrace, clock);
    }

    public DeliveryOptions withPacing(Pacing p) {
        return new DeliveryOptions(hostName, p.connections(), p, retry, adminAddress, addReceived, poll, sessionIdle, sessionMaxAge,
                sessionMaxMessages, statusInterval, shutdownGrace, clock);
    }

    public DeliveryOptions withAdminAddress(String address) {
        return new DeliveryOptions(hostName, threads, pacing, retry, Optional.ofNullable(address), addReceived, poll, sessionIdle,
                sessionMaxAge, sessionMaxMessages, statusInterval, shutdownGrace, clock);
    }

    public DeliveryOptions withAddReceived(boolean add) {
        return new DeliveryOptions(hostName, threads, pacing, retry, adminAddress, add, poll, sessionIdle, sessionMaxAge,
                sessionMaxMessages, statusInterval, shutdownGrace, clock);
    }

    public DeliveryOptions withPoll(Duration p) {
        return new DeliveryOptions(hostName, threads, pacing, retry, adminAddress, addReceived, p, sessionIdle, sessionMaxAge,
                sessionMaxMessages, statusInterval, shutdownGrace, clock);
    }

    public DeliveryOptions withSessionIdle(Duration idle) {
        return new DeliveryOptions(hostName, threads, pacing, retry, adminAddress, addReceived, poll, idle, sessionMaxAge,
                sessionMaxMessages, statusInterval, shutdownGrace, clock);
    }

    public DeliveryOptions withThreads(int n) {
        return new DeliveryOptions(hostName, n, pacing, retry, adminAddress, addReceived, poll, sessionIdle, sessionMaxAge,
                sessionMaxMessages, statusInterval, shutdownGrace, clock);
    }

    /** 1 turns connection reuse off: one session per message. */
    public DeliveryOptions withSessionMaxMessages(int n) {
        return new DeliveryOptions(hostName, threads, pacing, retry, adminAddress, addReceived, poll, sessionIdle, sessionMaxAge,
                n, statusInterval, shutdownGrace, clock);
    }

    public DeliveryOptions withShutdownGrace(Duration grace) {
        return new DeliveryOptions(hostName, threads, pacing, retry, adminAddress, addReceived, poll, sessionIdle, sessionMaxAge,
                sessionMaxMessages, statusInterval, grace, clock);
    }

    public DeliveryOptions withStatusInterval(Duration d) {
        return new DeliveryOptions(hostName, threads, pacing, retry, adminAddress, addReceived, poll, sessionIdle, sessionMaxAge,
                sessionMaxMessages, d, shutdownGrace, clock);
    }
}
