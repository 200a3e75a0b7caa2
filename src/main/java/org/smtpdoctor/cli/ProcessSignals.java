package org.smtpdoctor.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * Signals as events for a long-running command: each signal received puts its name
 * ({@code TERM}, {@code INT}, {@code HUP}) into a queue the command's main thread takes from.
 * Handled this way, SIGTERM and SIGINT no longer make the JVM run its shutdown hooks and exit
 * with 128+N: the command stops in order and exits with its own code, and SIGHUP can mean
 * "reload" instead of the JVM's default, an exit.
 * <p>
 * Through {@code sun.misc.Signal} (module jdk.unsupported), looked up by reflection: a runtime
 * without it, a signal the platform lacks (HUP on Windows) or one the JVM keeps for itself
 * ({@code -Xrs}) is simply not installed, and the caller keeps its shutdown hook for those.
 * Neither is a signal this process was started with set to ignore ({@code nohup} does that to
 * SIGHUP): the JVM leaves it ignored and answers that the previous handler was SIG_IGN.
 */
final class ProcessSignals {

    private ProcessSignals() {
    }

    /** Installs a handler for each signal that can have one; returns the names installed. */
    static List<String> install(List<String> names, BlockingQueue<String> received) {
        List<String> installed = new ArrayList<>();
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Method handle = signal.getMethod("handle", signal, handlerType);
            Object ignored = handlerType.getField("SIG_IGN").get(null);
            for (String name : names) {
                Object handler = Proxy.newProxyInstance(ProcessSignals.class.getClassLoader(), new Class<?>[] {handlerType},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "handle" -> {
                                received.offer(name);
                                yield null;
                            }
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "signal handler for " + name;
                        });
                try {
                    if (handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler) != ignored) {
                        installed.add(name);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // not on this platform, or reserved by the JVM: the shutdown hook covers it
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no sun.misc.Signal in this runtime
        }
        return installed;
    }
}
