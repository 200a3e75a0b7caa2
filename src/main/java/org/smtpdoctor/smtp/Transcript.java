package org.smtpdoctor.smtp;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The wire transcript of one session: timed, directional entries, first-class data
 * rendered late (see docs/transcript.md for the swaks-like text grammar).
 * Secrets never enter: callers record what may be shown (AUTH payloads are replaced
 * by a marker before {@link #sent}), and every text also passes the {@link Redactor}
 * as a second line of defence. Thread-safe.
 * <p>
 * A {@link #discarding} transcript keeps nothing: for a long-lived connection whose transcript
 * nobody reads (the relay's upstream sessions, reused for up to 100 messages each, would otherwise
 * hold every command, reply and the first 40 lines of every message they carried).
 */
public final class Transcript {

    public enum Direction {
        /** Client to server ({@code ->}, {@code ~>} under TLS). */
        SENT,
        /** Server to client ({@code <-}, {@code <~} under TLS). */
        RECEIVED,
        /** A note from smtp-doctor, e.g. "TLS started" ({@code ===}). */
        INFO,
        /** A transport failure ({@code ***}). */
        ERROR
    }

    /** One transcript line; {@code tMs} counts from the transcript's start. */
    public record Entry(long tMs, Direction dir, boolean tls, String text) {}

    private final Clock clock;
    private final long startMillis;
    private final Redactor redactor;
    private final List<Entry> entries = new ArrayList<>();
    private final Consumer<Entry> observer;
    private final boolean recording;

    /**
     * @param observer sees each entry, already redacted, as it is recorded (a debug log,
     *                 wired by the command line only when asked for: starting a logging
     *                 framework costs a short-lived tool noticeable start-up time)
     */
    public Transcript(Clock clock, Redactor redactor, Consumer<Entry> observer) {
        this(clock, redactor, observer, true);
    }

    private Transcript(Clock clock, Redactor redactor, Consumer<Entry> observer, boolean recording) {
        this.clock = clock;
        this.startMillis = clock.millis();
        this.redactor = redactor;
        this.observer = observer;
        this.recording = recording;
    }

    /** A transcript that records nothing and tells no observer; its {@link #redactor()} still serves the connection. */
    public static Transcript discarding(Redactor redactor) {
        return new Transcript(Clock.systemUTC(), redactor, entry -> { }, false);
    }

    /** False for a {@link #discarding} transcript: callers may skip preparing what it would show. */
    public boolean recording() {
        return recording;
    }

    public Transcript(Redactor redactor) {
        this(Clock.systemUTC(), redactor, entry -> { });
    }

    public void sent(String text, boolean tls) {
        add(Direction.SENT, tls, text);
    }

    public void received(String text, boolean tls) {
        add(Direction.RECEIVED, tls, text);
    }

    public void info(String text, boolean tls) {
        add(Direction.INFO, tls, text);
    }

    public void error(String text, boolean tls) {
        add(Direction.ERROR, tls, text);
    }

    private synchronized void add(Direction dir, boolean tls, String text) {
        if (!recording) {
            return;
        }
        Entry entry = new Entry(clock.millis() - startMillis, dir, tls, redactor.redact(text));
        entries.add(entry);
        observer.accept(entry);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public Redactor redactor() {
        return redactor;
    }
}
