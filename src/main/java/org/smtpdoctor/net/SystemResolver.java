package org.smtpdoctor.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.smtpdoctor.smtp.TransportException;

/**
 * The operating system's resolver (hosts file, then DNS), as the failing device's
 * own stack would use it. {@link InetAddress} has no timeout, so the lookup runs on
 * a daemon thread and we stop waiting for it at the deadline.
 */
public final class SystemResolver implements Resolver {

    @Override
    public List<InetAddress> resolve(String host, Duration timeout) throws TransportException {
        CompletableFuture<InetAddress[]> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new LookupFailed();
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "dns-" + host);
            t.setDaemon(true);
            t.start();
        });
        try {
            return List.of(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new TransportException(TransportException.Kind.UNRESOLVED,
                    "no answer from the resolver within " + timeout.toMillis() + " ms for " + host);
        } catch (ExecutionException e) {
            throw new TransportException(TransportException.Kind.UNRESOLVED, host + " has no address (NXDOMAIN or no A/AAAA record)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(TransportException.Kind.UNRESOLVED, "interrupted");
        }
    }

    private static final class LookupFailed extends RuntimeException {
        LookupFailed() {
            super(null, null, false, false);
        }
    }
}
