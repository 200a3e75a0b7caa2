package org.smtpdoctor.diagnosis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cheap test that runs before a rule's regular expression: the literal words of which any
 * match must contain one, taken from the pattern itself (for each top-level alternative, its
 * longest required run of plain characters, or a required group's alternatives' literals).
 * {@code mayMatch} is false only when the regex cannot match, so it changes speed, never
 * results; a pattern it cannot read (an alternative without a required literal of {@value #MIN}
 * characters or more) always runs. Immutable.
 */
final class Prefilter {

    /** Shorter literals are in almost every text and would not save the regex. */
    static final int MIN = 3;
    private static final Prefilter ALWAYS = new Prefilter(null);

    private final String[] literals;

    private Prefilter(String[] literals) {
        this.literals = literals;
    }

    /** The prefilter of a case-insensitive pattern; {@code null} (no pattern) always passes. */
    static Prefilter of(String regex) {
        if (regex == null) {
            return ALWAYS;
        }
        String body = stripFlags(regex);
        if (regex.substring(0, regex.length() - body.length()).contains("x")) {
            return ALWAYS; // comments mode: white space in the pattern is not text
        }
        List<String> found = alternatives(body);
        return found == null ? ALWAYS : new Prefilter(found.stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct()
                .toArray(String[]::new));
    }

    /** @param lower the text in lower case (Locale.ROOT) */
    boolean mayMatch(String lower) {
        return containsAny(literals, lower);
    }

    /** True when there are no literals (nothing known), or the text holds one of them. */
    static boolean containsAny(String[] literals, String lower) {
        if (literals == null) {
            return true;
        }
        for (String l : literals) {
            if (lower.contains(l)) {
                return true;
            }
        }
        return false;
    }

    List<String> literals() {
        return literals == null ? null : List.of(literals);
    }

    /**
     * One top-level alternative of a pattern, compiled on its own (with the pattern's leading
     * flags), and the lower-case literals any match of it contains (null: none known, it always
     * runs). Running only the alternatives whose literal is in the text finds the same as the
     * whole alternation, much faster on long pastes.
     */
    record Branch(Pattern pattern, String[] literals, String[] leads) {
        boolean mayMatch(String lower) {
            return containsAny(literals, lower);
        }

        /** Whether the pattern finds a match in {@code text}: {@link #start} is not -1. */
        boolean finds(String text, String lower) {
            return start(text, lower) >= 0;
        }

        /**
         * Where {@code find()} would find the first match in {@code text}, or -1. When every match
         * starts with one of {@code leads}, the pattern is tried only where one is in {@code lower}
         * (the text in lower case, same length), not at every position: a regex that begins with a
         * case-insensitive word is otherwise attempted at each character.
         */
        int start(String text, String lower) {
            if (leads == null || lower.length() != text.length()) {
                Matcher m = pattern.matcher(text);
                return m.find() ? m.start() : -1;
            }
            Matcher m = null;
            int first = -1;
            for (String lead : leads) {
                int bound = first < 0 ? text.length() : first;
                for (int at = lower.indexOf(lead); at >= 0 && at < bound; at = lower.indexOf(lead, at + 1)) {
                    if (m == null) {
                        m = around(pattern.matcher(text));
                    }
                    if (m.region(at, text.length()).lookingAt()) {
                        first = at;
                        break;
                    }
                }
            }
            return first;
        }
    }

    /** Bounds as for the whole text: in a region, \\b, look-behind and ^ still see what is before it. */
    static Matcher around(Matcher m) {
        return m.useTransparentBounds(true).useAnchoringBounds(false);
    }

    /** The leads of a pattern's top-level alternatives together (lower case), or null when one has none. */
    static String[] leadsOf(String regex) {
        return shortest(lower(eachAlternative(stripFlags(regex), Prefilter::leads)));
    }

    /** Every position of {@code lower} where one of {@code leads} starts, in order. */
    static int[] startsOf(String[] leads, String lower) {
        java.util.BitSet at = new java.util.BitSet();
        for (String lead : leads) {
            for (int i = lower.indexOf(lead); i >= 0; i = lower.indexOf(lead, i + 1)) {
                at.set(i);
            }
        }
        return at.stream().toArray();
    }

    /** The top-level alternatives of a case-insensitive pattern. */
    static List<Branch> branches(String regex) {
        String body = stripFlags(regex);
        String flags = regex.substring(0, regex.length() - body.length());
        List<Branch> out = new ArrayList<>();
        for (String branch : splitTopLevel(body)) {
            List<String> lits = flags.contains("x") ? null : branchLiterals(branch);
            List<String> leads = flags.contains("x") ? null : leads(branch);
            out.add(new Branch(Pattern.compile(flags + branch, Pattern.CASE_INSENSITIVE), lower(lits), shortest(lower(leads))));
        }
        return out;
    }

    /** Leads without those that start with another lead: each start is tried once. */
    private static String[] shortest(String[] leads) {
        return leads == null ? null : java.util.Arrays.stream(leads)
                .filter(l -> java.util.Arrays.stream(leads).noneMatch(o -> o.length() < l.length() && l.startsWith(o)))
                .toArray(String[]::new);
    }

    private static String[] lower(List<String> literals) {
        return literals == null ? null : literals.stream().map(x -> x.toLowerCase(Locale.ROOT)).distinct().toArray(String[]::new);
    }

    /**
     * The literals one of which every match of this alternative starts with: after what consumes
     * nothing (a word boundary, "^", a lookaround, a group of flags), its first run of plain
     * characters (extended into a group or past an optional character when shorter than two), or for
     * a leading group each of its
     * alternatives followed by the rest (and the rest alone when the group is optional). Null when a
     * match may start otherwise, or a lead is one ASCII character (in most texts many times).
     */
    static List<String> leads(String re) {
        int i = 0;
        while (i < re.length()) {
            if (re.startsWith("\\b", i) || re.startsWith("\\B", i)) {
                i += 2;
            } else if (re.charAt(i) == '^') {
                i++;
            } else if (re.startsWith("(?", i) && !re.startsWith("(?:", i)) {
                int close = matching(re, i);
                boolean lookaround = re.startsWith("(?=", i) || re.startsWith("(?!", i) || re.startsWith("(?<=", i)
                        || re.startsWith("(?<!", i);
                if (close < 0 || quantified(re, close + 1) != close + 1
                        || !(lookaround || onlyFlags(re.substring(i + 2, close)))) {
                    break; // a group under flags, named or atomic: read below, or not at all
                }
                i = close + 1;
            } else {
                break;
            }
        }
        if (i < re.length() && re.charAt(i) == '(') {
            int close = matching(re, i);
            String inner = close < 0 ? null : groupBody(re.substring(i, close));
            int after = close < 0 ? -1 : quantified(re, close + 1);
            if (inner == null || (after != close + 1 && "?*".indexOf(re.charAt(close + 1)) < 0)) {
                return null;
            }
            String rest = re.substring(after);
            List<String> out = new ArrayList<>();
            for (String alternative : splitTopLevel(inner)) {
                List<String> leads = leads(alternative + rest);
                if (leads == null) {
                    return null;
                }
                out.addAll(leads);
            }
            if (after != close + 1) {
                List<String> leads = leads(rest);   // "?" or "*": the group may be absent
                if (leads == null) {
                    return null;
                }
                out.addAll(leads);
            }
            return out;
        }
        StringBuilder run = new StringBuilder();
        while (i < re.length()) {
            char c = re.charAt(i);
            char literal;
            int next = i + 1;
            if (c == '\\' && i + 1 < re.length()) {
                char e = re.charAt(i + 1);
                literal = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : Character.isLetterOrDigit(e) ? 0 : e;
                next = i + 2;
            } else {
                literal = ".^$|()[]{}?*+".indexOf(c) < 0 ? c : 0;
            }
            if (literal == 0) {
                break;
            }
            int after = quantified(re, next);
            if (after != next) {
                if (re.charAt(next) == '+') {
                    run.append(literal);
                } else if (run.length() == 1 && re.charAt(next) == '?' && after == next + 1) {
                    // "e-?mail": "e-mail..." or "email...".
                    List<String> rest = leads(re.substring(after));
                    if (rest != null) {
                        List<String> out = new ArrayList<>();
                        rest.forEach(r -> out.add(run + String.valueOf(literal) + r));
                        rest.forEach(r -> out.add(run + r));
                        return out;
                    }
                }
                return lead(run);
            }
            run.append(literal);
            i = next;
        }
        if (run.length() == 1 && i < re.length() && re.charAt(i) == '(') {
            List<String> leads = leads(re.substring(i));
            if (leads != null) {
                return leads.stream().map(l -> run + l).toList();
            }
        }
        return lead(run);
    }

    private static List<String> lead(StringBuilder run) {
        return run.length() >= 2 || (run.length() == 1 && run.charAt(0) > 0x7f) ? List.of(run.toString()) : null;
    }

    /** The alternatives of a group ("(...)", "(?:...)", "(?i:...)") without its parentheses; null for other groups. */
    private static String groupBody(String group) {
        if (!group.startsWith("(?")) {
            return group.substring(1);
        }
        int colon = group.indexOf(':');
        return colon > 1 && onlyFlags(group.substring(2, colon)) ? group.substring(colon + 1) : null;
    }

    /** Flags that change no literal's place ("i", "s", "m", and their "-" forms); never comments mode. */
    private static boolean onlyFlags(String flags) {
        return flags.chars().allMatch(f -> f == 'i' || f == 's' || f == 'm' || f == '-');
    }

    private static String stripFlags(String re) {
        String s = re;
        while (s.startsWith("(?") && s.length() > 3 && s.indexOf(')') > 2
                && s.substring(2, s.indexOf(')')).chars().allMatch(Character::isLetter)) {
            s = s.substring(s.indexOf(')') + 1);
        }
        return s;
    }

    /** One required literal per top-level alternative (or several, from a leading group); null when unknown. */
    private static List<String> alternatives(String re) {
        return eachAlternative(re, Prefilter::branchLiterals);
    }

    /** What {@code read} gives for each top-level alternative, together; null when it gives null for one. */
    private static List<String> eachAlternative(String re, java.util.function.Function<String, List<String>> read) {
        List<String> out = new ArrayList<>();
        for (String branch : splitTopLevel(re)) {
            List<String> found = read.apply(branch);
            if (found == null) {
                return null;
            }
            out.addAll(found);
        }
        return out;
    }

    /**
     * The most telling set of literals one of which every match of this alternative contains: of
     * the required pieces of its top-level sequence (a run of plain characters, or a group that is
     * not optional, whose own alternatives each have literals), the one whose shortest literal is
     * longest. Syntax this reader does not follow ends the reading: what came before it is still
     * required. Null when no piece qualifies (the alternative then always runs: slow, never wrong).
     */
    private static List<String> branchLiterals(String branch) {
        List<String> best = null;
        StringBuilder run = new StringBuilder();
        int i = 0;
        while (i < branch.length()) {
            char c = branch.charAt(i);
            List<String> piece = null;
            int next;
            boolean required = true;
            if (c == '(') {
                int close = matching(branch, i);
                if (close < 0) {
                    return null;
                }
                String head = branch.substring(i, Math.min(close, i + 4));
                if (head.startsWith("(?=") || head.startsWith("(?!") || head.startsWith("(?<=") || head.startsWith("(?<!")) {
                    required = false; // a lookaround consumes nothing
                } else if (head.startsWith("(?") && !head.startsWith("(?:")) {
                    // Inline flags, "(?s)" or "(?i:...)": a group of flags alone, else a group under them.
                    int colon = branch.indexOf(':', i);
                    String flags = branch.substring(i + 2, colon > 0 && colon < close ? colon : close);
                    if (!flags.chars().allMatch(f -> Character.isLetter(f) || f == '-') || flags.contains("x")) {
                        return better(best, flush(run)); // named or atomic groups, comments mode: read no further
                    }
                    piece = colon > 0 && colon < close ? alternatives(branch.substring(colon + 1, close)) : null;
                    required = colon > 0 && colon < close;
                } else {
                    piece = alternatives(branch.substring(branch.startsWith("(?:", i) ? i + 3 : i + 1, close));
                }
                next = close + 1;
            } else if (c == '[') {
                next = classEnd(branch, i);
                if (next < 0) {
                    return null;
                }
                required = false;
            } else if (c == '\\' && i + 1 < branch.length()) {
                char e = branch.charAt(i + 1);
                if (!Character.isLetterOrDigit(e)) {
                    run.append(e);
                    next = i + 2;
                    int after = quantified(branch, next);
                    if (after != next) {
                        // The escaped character is quantified: only "+" keeps it required.
                        if (branch.charAt(next) != '+') {
                            run.setLength(run.length() - 1);
                        }
                        best = better(best, flush(run));
                        i = after;
                        continue;
                    }
                    i = next;
                    continue;
                }
                if ("dDsSwWbBhHvVRXAzZG".indexOf(e) >= 0) {
                    next = i + 2;
                } else if (e >= '1' && e <= '9') {
                    next = i + 2; // a back reference (one digit: the rules have fewer than ten groups)
                } else if ((e == 'p' || e == 'P') && i + 2 < branch.length()) {
                    next = branch.charAt(i + 2) == '{' ? branch.indexOf('}', i) + 1 : i + 3;
                    if (next <= 0) {
                        return null;
                    }
                } else {
                    return better(best, flush(run)); // quoting, hex and unicode escapes, ...: read no further
                }
                required = false;
            } else if (".^$".indexOf(c) >= 0) {
                next = i + 1;
                required = false;
            } else if ("|)?*+{}]".indexOf(c) >= 0) {
                return better(best, flush(run)); // not where this reader expects it: read no further
            } else {
                int after = quantified(branch, i + 1);
                if (after == i + 1 || branch.charAt(i + 1) == '+') {
                    run.append(c);
                }
                if (after != i + 1) {
                    best = better(best, flush(run));
                }
                i = after;
                continue;
            }
            best = better(best, flush(run));
            int after = quantified(branch, next);
            if (after != next && branch.charAt(next) != '+') {
                required = false; // "?", "*" or "{...}": it may be absent
            }
            if (required && piece != null) {
                best = better(best, piece);
            }
            i = after;
        }
        return better(best, flush(run));
    }

    /** The index after a quantifier at {@code i} ("?", "*", "+", "{m,n}", each maybe lazy or possessive), or {@code i}. */
    private static int quantified(String re, int i) {
        if (i >= re.length()) {
            return i;
        }
        char q = re.charAt(i);
        int end;
        if (q == '?' || q == '*' || q == '+') {
            end = i + 1;
        } else if (q == '{') {
            end = re.indexOf('}', i) + 1;
            if (end <= 0) {
                return re.length();
            }
        } else {
            return i;
        }
        return end < re.length() && (re.charAt(end) == '?' || re.charAt(end) == '+') ? end + 1 : end;
    }

    /** The index after the character class opened at {@code open} (classes nest: "[a-z&&[^x]]"), or -1. */
    private static int classEnd(String re, int open) {
        int depth = 0;
        for (int i = open; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** The run of plain characters so far as a literal (when long enough); the run restarts. */
    private static List<String> flush(StringBuilder run) {
        List<String> out = run.length() >= MIN ? List.of(run.toString()) : null;
        run.setLength(0);
        return out;
    }

    /**
     * Of two literal sets, the one less likely to be in a text that does not match: a phrase of
     * several words is rarer than a long single word ("fails to pass" against "authentication"),
     * then the longer; the weakest literal of a set counts (then the smaller set, then the first).
     */
    private static List<String> better(List<String> a, List<String> b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        int ma = a.stream().mapToInt(Prefilter::telling).min().orElse(0);
        int mb = b.stream().mapToInt(Prefilter::telling).min().orElse(0);
        return mb > ma || (mb == ma && b.size() < a.size()) ? b : a;
    }

    private static int telling(String literal) {
        return literal.length() + (literal.strip().indexOf(' ') > 0 ? 10 : 0);
    }

    /** Called for each character outside escapes and character classes, with the group depth before it. */
    private interface Visitor {
        /** @return false to stop the walk */
        boolean visit(int index, char c, int depth);
    }

    /** Walks a pattern from {@code from}, skipping escaped characters and [classes], tracking group depth. */
    private static void walk(String re, int from, Visitor visitor) {
        int depth = 0;
        boolean inClass = false;
        for (int i = from; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (!visitor.visit(i, c, depth)) {
                return;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
        }
    }

    /** The index of the parenthesis that closes the group opened at {@code open}, or -1. */
    private static int matching(String s, int open) {
        int[] close = {-1};
        walk(s, open, (i, c, depth) -> {
            if (c == ')' && depth == 1) {
                close[0] = i;
                return false;
            }
            return true;
        });
        return close[0];
    }

    private static List<String> splitTopLevel(String re) {
        List<String> parts = new ArrayList<>();
        int[] start = {0};
        walk(re, 0, (i, c, depth) -> {
            if (c == '|' && depth == 0) {
                parts.add(re.substring(start[0], i));
                start[0] = i + 1;
            }
            return true;
        });
        parts.add(re.substring(start[0]));
        return parts;
    }
}
