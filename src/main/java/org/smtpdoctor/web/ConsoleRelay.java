package org.smtpdoctor.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.observe.Activity;
import org.smtpdoctor.relay.observe.DeviceRegistry;
import org.smtpdoctor.relay.observe.StuckMail;
import org.smtpdoctor.relay.spool.Spool;

/**
 * The running relay as the console sees it: its configuration, its spool (owned by this
 * process: the console changes it directly), the delivery status, a way to wake the workers
 * after a retry, and what the observers remember. Immutable holder of thread-safe parts.
 */
record ConsoleRelay(RelayConfig config, Spool spool, Supplier<RelayStatus> status, Runnable wake, DeviceRegistry devices,
                    Activity activity, StuckMail stuck, RelayMetrics metrics, String version, Instant started) {

    /** Free bytes on the spool's disk, when the file system says. */
    Optional<Long> spoolFreeBytes() {
        return freeBytes(config.spoolDir());
    }

    static Optional<Long> freeBytes(Path dir) {
        try {
            return Optional.of(Files.getFileStore(dir).getUsableSpace());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
