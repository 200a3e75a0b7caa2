package org.smtpdoctor.net;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.smtpdoctor.smtp.TransportException;

/**
 * Resolves host names to addresses.
 * Contract: returns at least one address or throws {@link TransportException} of kind
 * {@code UNRESOLVED}; never blocks longer than the given timeout (plus scheduling slack).
 * Implementations are thread-safe.
 */
public interface Resolver {
    List<InetAddress> resolve(String host, Duration timeout) throws TransportException;
}
