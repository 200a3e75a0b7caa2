package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How client libraries, tools and MTAs word the command a reply answered, and the reply code
 * they print in words only ({@code rules/wording.yaml}): nodemailer's {@code Invalid login:},
 * PHPMailer's {@code Password command failed:}, Python's {@code SMTPRecipientsRefused},
 * Symfony's {@code Expected response code "235"}, .NET's {@code Mailbox unavailable. The server
 * response was:} (550), Postfix's {@code (in reply to RCPT TO command)}... Each entry is found
 * either before the reply (the nearest wins) or after it. Immutable and thread-safe.
 */
final class Wording {

    /** One way of wording it. {@code where} is {@code before} (default) or {@code after}. */
    record Entry(String text, String phase, Integer code, String where, String source) {}

    record File(List<Entry> wording) {}

    /** What the wording near a reply says: the phase (may be empty) and the code (0 when none). */
    record Hint(String phase, int code, int position) {}

    static final Wording NONE = new Wording(List.of());

    private final List<Entry> before = new ArrayList<>();
    private final List<Entry> after = new ArrayList<>();
    private final Pattern beforePattern;
    private final Pattern afterPattern;

    private Wording(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.text() == null || e.source() == null || (e.phase() == null && e.code() == null)) {
                throw new IllegalArgumentException("wording entry needs text, source and a phase or code: " + e);
            }
            if (Pattern.compile(e.text()).matcher("").groupCount() != 0) {
                throw new IllegalArgumentException("wording entry must use (?:...) groups only: " + e.text());
            }
            ("after".equals(e.where()) ? after : before).add(e);
        }
        beforePattern = combine(before);
        afterPattern = combine(after);
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
        List<Entry> all = new ArrayList<>(before);
        all.addAll(after);
        return all;
    }

    private static Pattern combine(List<Entry> entries) {
        if (entries.isEmpty()) {
            return null;
        }
        StringBuilder re = new StringBuilder();
        for (Entry e : entries) {
            re.append(re.length() == 0 ? "" : "|").append('(').append(e.text()).append(')');
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }

    /** The last wording in {@code text[from, to)} that names a phase, or null. */
    Hint before(String text, int from, int to) {
        return lastBefore(text, from, to, true);
    }

    /** The last wording in {@code text[from, to)} that names a reply code, or null. */
    Hint codeBefore(String text, int from, int to) {
        return lastBefore(text, from, to, false);
    }

    private Hint lastBefore(String text, int from, int to, boolean phase) {
        if (beforePattern == null || from >= to) {
            return null;
        }
        Matcher m = beforePattern.matcher(text).region(from, to);
        Hint last = null;
        while (m.find()) {
            Hint h = hint(m, before);
            if (h != null && (phase ? !h.phase().isEmpty() : h.code() > 0)) {
                last = h;
            }
        }
        return last;
    }

    /** The first wording in {@code text[from, to)}, or null. */
    Hint after(String text, int from, int to) {
        if (afterPattern == null || from >= to) {
            return null;
        }
        Matcher m = afterPattern.matcher(text).region(from, to);
        return m.find() ? hint(m, after) : null;
    }

    private static Hint hint(Matcher m, List<Entry> entries) {
        for (int g = 1; g <= entries.size(); g++) {
            if (m.group(g) != null) {
                Entry e = entries.get(g - 1);
                return new Hint(e.phase() == null ? "" : e.phase(), e.code() == null ? 0 : e.code(), m.start());
            }
        }
        return null;
    }
}
