package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void aCallerReturnsOnlyAfterAnFsyncThatStartedAfterItsCallAndOneFsyncServesMany() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger(); // the number of the last fsync that succeeded
        AtomicInteger running = new AtomicInteger();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        GroupCommit commit = new GroupCommit(() -> {
            if (running.incrementAndGet() != 1) {
                wrong.add("two fsyncs at once");
            }
            int n = started.incrementAndGet();
            try {
                if (n % 2 == 1) {
                    LockSupport.parkNanos(300_000); // an fsync takes a while, or no time at all (two ending close together)
                }
                if (n == 5) {
                    throw new IOException("the fifth fsync fails");
                }
                succeeded.set(n);
            } finally {
                running.decrementAndGet();
            }
        });
        int threads = 32;
        int calls = 200;
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < calls; i++) {
                        int before = started.get(); // fsyncs already running or done: none of them may be the one
                        try {
                            commit.sync();
                        } catch (IOException e) {
                            failures.incrementAndGet();
                            continue;
                        }
                        if (succeeded.get() <= before) {
                            wrong.add("returned on fsync " + succeeded.get() + ", which started before the call (" + before + ")");
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wrong).isEmpty();
        assertThat(failures).as("only the caller that ran the failed fsync hears of it").hasValue(1);
        assertThat(commit.fsyncs()).as("fsyncs run, each serving one call or more").isEqualTo(started.get()).isLessThan(threads * calls);
    }
}
