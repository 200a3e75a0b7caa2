package org.smtpdoctor.relay.spool;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A micro-benchmark, not a test: THREADS threads each accept() messages of SIZE bytes into a
 * fresh spool for SECONDS seconds; prints accepted messages per second. Every accept returns
 * only after its fsyncs. Run (after mvn test-compile):
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.smtpdoctor.relay.spool.SpoolBench [DIR] [THREADS] [SIZE] [SECONDS]
 * </pre>
 */
public final class SpoolBench {

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("spool-bench");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 10_240;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        byte[] body = ("Subject: bench\r\n\r\n" + "x".repeat(76) + "\r\n").repeat(size / 78 + 1).substring(0, size)
                .getBytes(StandardCharsets.US_ASCII);
        Envelope env = new Envelope("bench", "127.0.0.1", "bench", Optional.empty(), "bench@lan.test",
                List.of("to@contoso.test"), Instant.now());
        try (Spool spool = Spool.open(dir.resolve("spool"), Spool.Options.defaults().withMinFreeBytes(0))) {
            AtomicInteger done = new AtomicInteger();
            CountDownLatch finished = new CountDownLatch(threads);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long t0 = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            spool.accept(env, new ByteArrayInputStream(body));
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        e.printStackTrace();
                    } finally {
                        finished.countDown();
                    }
                }).start();
            }
            finished.await();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%d threads x %d-byte messages: %d accepted in %.1f s = %.0f msgs/s (%s)%n",
                    threads, size, done.get(), secs, done.get() / secs, Files.getFileStore(dir).type());
        }
    }
}
