package org.smtpdoctor.report;

import java.util.List;
import org.smtpdoctor.smtp.Transcript;

/**
 * Renders a transcript in the swaks-like grammar of docs/transcript.md:
 * {@code ->} client, {@code <-} server, {@code ~>}/{@code <~} the same under TLS,
 * {@code ===} notes, {@code ***} transport errors. Stateless.
 */
public final class TranscriptFormat {

    private TranscriptFormat() {
    }

    public static String prefix(Transcript.Entry e) {
        return switch (e.dir()) {
            case SENT -> e.tls() ? "~>" : "->";
            case RECEIVED -> e.tls() ? "<~" : "<-";
            case INFO -> "===";
            case ERROR -> "***";
        };
    }

    /** One line per entry: {@code [   12 ms] -> EHLO host}. */
    public static String render(List<Transcript.Entry> entries, boolean withTimes) {
        StringBuilder out = new StringBuilder();
        for (Transcript.Entry e : entries) {
            if (withTimes) {
                out.append(String.format("%6d ms  ", e.tMs()));
            }
            out.append(prefix(e)).append(' ').append(e.text()).append('\n');
        }
        return out.toString();
    }
}
