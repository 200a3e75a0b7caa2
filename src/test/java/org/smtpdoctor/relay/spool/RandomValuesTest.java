package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RandomValuesTest {

    @Test
    void valuesTakenByManyThreadsAtOnceAreNeverHandedOutTwice() throws Exception {
        RandomValues random = new RandomValues();
        int threads = 16;
        int each = RandomValues.BLOCK * 40; // many blocks, drawn while other threads take from them
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(random.next());
                    }
                    return mine;
                }));
            }
            start.countDown();
            Set<Long> every = new HashSet<>();
            for (Future<List<Long>> f : all) {
                every.addAll(f.get());
            }
            // 40,960 values of 64 bits: a repeat by chance has odds of about 1 in 10^10.
            assertThat(every).hasSize(threads * each);
        } finally {
            pool.shutdown();
        }
    }
}
