package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How client libraries, tools and MTAs word the command a reply answered, and the reply code
 * they print in words only ({@code rules/wording.yaml}): nodemailer's {@code Invalid login:},
 * PHPMailer's {@code Password command failed:}, Python's {@code SMTPRecipientsRefused},
 * Symfony's {@code Expected response code "235"}, .NET's {@code Mailbox unavailable. The server
 * response was:} (550), Postfix's {@code (in reply to RCPT TO command)}... Each entry is found
 * either before the reply (the nearest wins) or after it. A text is scanned once
 * ({@link #scan}); only the entries whose literal words occur in it are run. Immutable and
 * thread-safe.
 */
final class Wording {

    /** One way of wording it. {@code where} is {@code before} (default) or {@code after}. */
    record Entry(String text, String phase, Integer code, String where, String source) {}

    record File(List<Entry> wording) {}

    /** What the wording near a reply says: the phase (may be empty) and the code (0 when none). */
    record Hint(String phase, int code, int position) {}

    /** One occurrence of an entry in a text. */
    private record Hit(int start, int end, boolean after, Hint hint) {}

    /** Every wording found in one text, in order of position. */
    static final class Hits {
        private final List<Hit> hits;

        private Hits(List<Hit> hits) {
            this.hits = hits;
        }

        /** The last wording inside {@code [from, to)} that names a phase, or null. */
        Hint before(int from, int to) {
            return last(from, to, true);
        }

        /** The last wording inside {@code [from, to)} that names a reply code, or null. */
        Hint codeBefore(int from, int to) {
            return last(from, to, false);
        }

        private Hint last(int from, int to, boolean phase) {
            Hint last = null;
            for (Hit h : hits) {
                if (h.start() >= to) {
                    break;
                }
                if (!h.after() && h.start() >= from && h.end() <= to
                        && (phase ? !h.hint().phase().isEmpty() : h.hint().code() > 0)
                        && (last == null || h.start() > last.position())) {
                    last = h.hint();
                }
            }
            return last;
        }

        /** The first after-wording that starts inside {@code [from, to)}, or null. */
        Hint after(int from, int to) {
            for (Hit h : hits) {
                if (h.after() && h.start() >= from && h.start() < to && !h.hint().phase().isEmpty()) {
                    return h.hint();
                }
            }
            return null;
        }
    }

    static final Wording NONE = new Wording(List.of());

    private final List<Entry> entries = new ArrayList<>();
    private final List<Pattern> patterns = new ArrayList<>();
    private final LiteralIndex literals;

    private Wording(List<Entry> all) {
        List<Prefilter> prefilters = new ArrayList<>();
        for (Entry e : all) {
            if (e.text() == null || e.source() == null || (e.phase() == null && e.code() == null)) {
                throw new IllegalArgumentException("wording entry needs text, source and a phase or code: " + e);
            }
            entries.add(e);
            patterns.add(Pattern.compile(e.text(), Pattern.CASE_INSENSITIVE));
            prefilters.add(Prefilter.of(e.text()));
        }
        literals = new LiteralIndex(LiteralIndex.of(prefilters));
    }

    static Wording load(ObjectMapper yaml, String resource) {
        try (InputStream in = Wording.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new Wording(yaml.readValue(in, File.class).wording());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Every wording in the text: one literal pass, then only the entries that may occur. */
    Hits scan(String text) {
        return scan(text, text.toLowerCase(Locale.ROOT));
    }

    /** @param lower the text in lower case (Locale.ROOT) */
    Hits scan(String text, String lower) {
        List<Hit> hits = new ArrayList<>();
        BitSet may = literals.mayMatch(lower);
        for (int i = may.nextSetBit(0); i >= 0; i = may.nextSetBit(i + 1)) {
            Entry e = entries.get(i);
            Hint hint = new Hint(e.phase() == null ? "" : e.phase(), e.code() == null ? 0 : e.code(), 0);
            Matcher m = patterns.get(i).matcher(text);
            while (m.find()) {
                hits.add(new Hit(m.start(), m.end(), "after".equals(e.where()),
                        new Hint(hint.phase(), hint.code(), m.start())));
                if (hits.size() > 10_000) {
                    break;
                }
            }
        }
        // By position; at one position the entry listed first in the file.
        hits.sort(Comparator.comparingInt(Hit::start));
        return new Hits(hits);
    }
}
