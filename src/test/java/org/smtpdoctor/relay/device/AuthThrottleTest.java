package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.relay.config.AuthLimits;
import org.smtpdoctor.testing.SettableClock;

/** The failed-AUTH registry and the bound on password checks, without sockets. */
class AuthThrottleTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private final SettableClock clock = new SettableClock(T0);
    private final AuthThrottle throttle = new AuthThrottle(new AuthLimits(3, Duration.ofSeconds(30), 10, Duration.ofMinutes(15), 2), clock);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void answers_slow_down_after_three_failures_doubling_to_thirty_seconds_and_ten_lock_the_address_out() throws Exception {
        List<Duration> delays = new ArrayList<>();
        AuthThrottle.Failure last = null;
        for (int i = 0; i < 10; i++) {
            last = throttle.failed(ip("192.0.2.7"));
            delays.add(last.delay());
        }
        assertThat(delays.subList(0, 9)).extracting(Duration::toSeconds).containsExactly(0L, 0L, 0L, 1L, 2L, 4L, 8L, 16L, 30L);
        assertThat(last.count()).isEqualTo(10);
        assertThat(last.lockedUntil()).contains(T0.plus(Duration.ofMinutes(15)));
        assertThat(throttle.lockedOut(ip("192.0.2.7"))).contains(T0.plus(Duration.ofMinutes(15)));
        assertThat(throttle.lockedOut(ip("192.0.2.8"))).isEmpty();
        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.lockedOut(ip("192.0.2.7"))).isEmpty();
        assertThat(throttle.failed(ip("192.0.2.7")).count()).as("forgotten with the lockout").isEqualTo(1);
    }

    @Test
    void failures_are_forgotten_after_the_lockout_time_and_on_success() throws Exception {
        throttle.failed(ip("192.0.2.7"));
        throttle.failed(ip("192.0.2.7"));
        clock.advance(Duration.ofMinutes(14));
        assertThat(throttle.failed(ip("192.0.2.7")).count()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.failed(ip("192.0.2.7")).count()).isEqualTo(1);
        throttle.succeeded(ip("192.0.2.7"));
        assertThat(throttle.failed(ip("192.0.2.7")).count()).isEqualTo(1);
    }

    @Test
    void an_ipv6_client_is_counted_by_its_64_so_new_addresses_in_its_block_do_not_reset_it() throws Exception {
        for (int i = 1; i <= 10; i++) {
            throttle.failed(ip("2001:db8:1:2::" + Integer.toHexString(i)));
        }
        assertThat(throttle.lockedOut(ip("2001:db8:1:2:dead:beef:0:1"))).isPresent();
        assertThat(throttle.lockedOut(ip("2001:db8:1:3::1"))).isEmpty();
        assertThat(ClientBlock.describe(ClientBlock.of(ip("2001:db8:1:2:dead:beef:0:1")))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientBlock.of(ip("::ffff:192.0.2.7"))).isEqualTo(ip("192.0.2.7"));
    }

    @Test
    void a_clock_set_back_neither_keeps_an_address_locked_for_longer_than_the_lockout_nor_keeps_failures_for_ever() throws Exception {
        for (int i = 0; i < 10; i++) {
            throttle.failed(ip("192.0.2.7"));
        }
        throttle.failed(ip("192.0.2.9"));
        clock.advance(Duration.ofDays(-1));
        assertThat(throttle.lockedOut(ip("192.0.2.7"))).contains(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(throttle.failed(ip("192.0.2.9")).count()).as("a failure a day in the future is old news").isEqualTo(1);
    }

    @Test
    void at_most_ten_thousand_addresses_are_remembered() throws Exception {
        for (int i = 0; i < AuthThrottle.MAX_ADDRESSES + 500; i++) {
            throttle.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertThat(throttle.size()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
    }

    @Test
    void password_checks_run_at_most_n_at_once_and_give_up_after_their_wait() throws Exception {
        PasswordChecks checks = new PasswordChecks(2, Duration.ofMillis(200));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> checks.run(() -> {
                ran.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }));
            t.start();
            threads.add(t);
        }
        while (ran.get() < 2) {
            Thread.onSpinWait();
        }
        assertThat(checks.run(() -> true)).as("no turn within 200 ms").isEmpty();
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(checks.run(() -> "checked")).contains("checked");
        assertThat(checks.mostAtOnce()).isEqualTo(2);
    }
}
