package org.smtpdoctor.smtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The EHLO keywords a server advertises (RFC 5321 section 4.1.1.1), as an open
 * vocabulary: every keyword survives parsing, known or not, in the server's order,
 * with its parameters. Keywords are compared case-insensitively. Immutable.
 */
public record Capabilities(String greeting, Map<String, List<String>> keywords) {

    public Capabilities {
        keywords = Collections.unmodifiableMap(new LinkedHashMap<>(keywords));
    }

    /** No EHLO (HELO fallback): nothing advertised. */
    public static Capabilities none(String greeting) {
        return new Capabilities(greeting, Map.of());
    }

    /** Reads an EHLO reply: the first line is the greeting, each further line one keyword. */
    public static Capabilities fromEhlo(Reply reply) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        List<String> lines = reply.lines();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            // Old servers write "AUTH=LOGIN PLAIN"; treat '=' after the keyword like a space.
            String[] parts = line.split("[\\s=]+");
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            List<String> params = new ArrayList<>(map.getOrDefault(keyword, List.of()));
            for (int p = 1; p < parts.length; p++) {
                params.add(parts[p]);
            }
            map.put(keyword, List.copyOf(params));
        }
        return new Capabilities(lines.get(0), map);
    }

    public boolean has(String keyword) {
        return keywords.containsKey(keyword.toUpperCase(Locale.ROOT));
    }

    public List<String> params(String keyword) {
        return keywords.getOrDefault(keyword.toUpperCase(Locale.ROOT), List.of());
    }

    /** AUTH mechanisms, upper-case, in the server's order, duplicates removed. */
    public Set<String> authMechanisms() {
        Set<String> out = new LinkedHashSet<>();
        for (String p : params("AUTH")) {
            out.add(p.toUpperCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(out);
    }

    public boolean startTls() {
        return has("STARTTLS");
    }

    /** The SIZE limit in bytes (RFC 1870), if declared and not zero. */
    public OptionalLong sizeLimit() {
        Optional<String> first = params("SIZE").stream().findFirst();
        try {
            long n = first.map(Long::parseLong).orElse(0L);
            return n > 0 ? OptionalLong.of(n) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Keyword names in the server's order. */
    public List<String> names() {
        return List.copyOf(keywords.keySet());
    }
}
