package org.smtpdoctor.relay.spool;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Random 64-bit values from a {@link SecureRandom} (a DRBG) of each instance's own, drawn
 * {@value #BLOCK} at a time outside any lock of ours and handed out lock-free, each value at
 * most once. A hundred sessions on two CPUs each drawing a few bytes from a shared
 * SecureRandom convoyed behind its lock (bench/RESULTS.md). Used for queue ids
 * ({@link QueueId}), device session ids and generated Message-IDs. Thread-safe.
 */
public final class RandomValues {

    /** Values drawn from {@link SecureRandom} at a time. */
    static final int BLOCK = 64;

    /** Drawn values; {@code used} counts the ones handed out (past the end: spent). */
    private record Block(long[] values, AtomicInteger used) {}

    /**
     * A DRBG of its own rather than {@code new SecureRandom()}: on Linux that is NativePRNG, whose
     * every instance shares one global lock, and a JFR recording at 100 sessions still showed
     * 0.6 s of waits for it with the values drawn in blocks.
     */
    private final SecureRandom random = drbg();
    private final AtomicReference<Block> block = new AtomicReference<>(new Block(new long[0], new AtomicInteger()));

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom(); // every JDK since 9 has DRBG; this is not reached
        }
    }

    /** A random value not handed out before; draws a new block when this one is spent. */
    public long next() {
        while (true) {
            Block b = block.get();
            int i = b.used().getAndIncrement();
            if (i < b.values().length) {
                return b.values()[i];
            }
            byte[] bytes = new byte[BLOCK * Long.BYTES];
            random.nextBytes(bytes);
            long[] values = new long[BLOCK];
            ByteBuffer.wrap(bytes).asLongBuffer().get(values);
            // Whoever loses this race drops its block unused, and takes from the winner's.
            block.compareAndSet(b, new Block(values, new AtomicInteger()));
        }
    }
}
