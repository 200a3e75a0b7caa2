package org.smtpdoctor.relay.spool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Envelopes and contents for spool tests. */
public final class TestMessages {

    public static final Instant RECEIVED = Instant.parse("2026-11-28T10:00:00Z");

    private TestMessages() {
    }

    public static Envelope envelope(String sender, String... recipients) {
        return new Envelope("scanner-2f", "192.0.2.10", "SCANNER", Optional.empty(), sender, List.of(recipients), RECEIVED);
    }

    /** A small message with CRLF line ends and a body naming {@code tag}. */
    public static String content(String tag) {
        return "From: scanner@lan.test\r\nTo: boss@contoso.test\r\nSubject: Scan " + tag + "\r\n\r\nPage 1 of " + tag + "\r\n";
    }

    public static InputStream stream(String content) {
        return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
    }

    public static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
