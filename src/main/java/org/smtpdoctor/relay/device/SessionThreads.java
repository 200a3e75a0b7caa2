package org.smtpdoctor.relay.device;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that run device sessions: SubEthaSMTP gives each session a thread for its
 * whole life, and an idle device keeps it the whole idle timeout (5 minutes and more, RFC 5321
 * §4.5.3.2.7). A connection whose device has not spoken yet (a printer that connects and waits)
 * has no session and no thread on a plain or STARTTLS listener ({@link DeviceFrontEnd}); one that
 * has, or any on an implicit-TLS listener, costs what follows (bench/idle-connections.sh,
 * bench/RESULTS.md):
 * <ul>
 *   <li>{@link Kind#VIRTUAL}: a virtual thread per session (Java 21+). A session waiting for its
 *       device is a parked continuation of a few KB on the heap, and gives its carrier thread
 *       back; no native stack, no kernel thread. Used by default on Java 24 and later, where a
 *       thread blocking inside {@code synchronized} (the spool, SubEthaSMTP, logging) no longer
 *       pins its carrier (JEP 491). On 21-23 a few sessions blocking in monitors at once could
 *       hold every carrier, so there it is only used when asked for.</li>
 *   <li>{@link Kind#PLATFORM}: a platform thread per session, with an explicit stack of
 *       {@link #PLATFORM_STACK} bytes instead of the JVM's 1 MB default (or {@code -Xss}); Java 17
 *       to 23. The stack only bounds what may be touched (untouched pages are never resident),
 *       but a smaller bound keeps a runaway recursion from costing a megabyte per session.</li>
 * </ul>
 * Java 17 must keep working ({@code --release 17}), so the virtual-thread API is reached by
 * reflection, once, when a listener starts. The choice can be forced with the system property
 * {@value #PROPERTY} ({@code virtual}, {@code platform}, or {@code auto}, the default).
 * <p>
 * Thread-safe, no state: the executors it makes are the listeners'.
 */
final class SessionThreads {

    /** How sessions run. */
    enum Kind {
        VIRTUAL, PLATFORM
    }

    /** Forces the kind: {@code virtual} (fails at start on a JVM without them), {@code platform}, {@code auto}. */
    static final String PROPERTY = "smtpdoctor.relay.session-threads";

    /**
     * The stack of a platform session thread. A session's deepest work is a TLS handshake
     * (JSSE, EC and RSA code) or a spool write; 512 KB leaves a wide margin over both, and
     * over java.util.regex's recursion on a 998-character command line.
     */
    static final long PLATFORM_STACK = 512 * 1024;

    private SessionThreads() {
    }

    /** Whether this JVM can start virtual threads (Java 21+). */
    static boolean virtualAvailable() {
        return Runtime.version().feature() >= 21;
    }

    /**
     * What {@code setting} ({@link #PROPERTY}'s value; null or "auto" for the default) means on a
     * JVM of major version {@code feature}.
     *
     * @throws IllegalArgumentException for an unknown setting, or "virtual" before Java 21
     */
    static Kind choose(String setting, int feature) {
        String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "", "auto":
                return feature >= 24 ? Kind.VIRTUAL : Kind.PLATFORM;
            case "platform":
                return Kind.PLATFORM;
            case "virtual":
                if (feature < 21) {
                    throw new IllegalArgumentException(PROPERTY + "=virtual needs Java 21 or later; this is Java " + feature);
                }
                return Kind.VIRTUAL;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be auto, virtual or platform, not '" + setting + "'");
        }
    }

    /** The kind for this JVM and its {@link #PROPERTY}. */
    static Kind chosen() {
        return choose(System.getProperty(PROPERTY), Runtime.version().feature());
    }

    /**
     * An executor that starts a new thread of {@code kind} for every task, named
     * {@code prefix} and a number. Platform threads are daemons and kept 60 s after their task
     * for the next (a cached pool); virtual threads are never pooled.
     */
    static ExecutorService executor(Kind kind, String prefix) {
        if (kind == Kind.VIRTUAL) {
            return virtualExecutor(prefix);
        }
        AtomicLong n = new AtomicLong();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(null, r, prefix + n.incrementAndGet(), PLATFORM_STACK);
            t.setDaemon(true);
            return t;
        });
    }

    /** {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix, 1).factory())}, by reflection. */
    private static ExecutorService virtualExecutor(String prefix) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            builder = ofVirtual.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
            ThreadFactory factory = (ThreadFactory) ofVirtual.getMethod("factory").invoke(builder);
            Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
            return (ExecutorService) perTask.invoke(null, factory);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot start virtual threads: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM has no virtual threads (Java " + Runtime.version().feature() + ")", e);
        }
    }

    /** Whether {@code t} is a virtual thread (false on a JVM without them). */
    static boolean isVirtual(Thread t) {
        if (!virtualAvailable()) {
            return false;
        }
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
