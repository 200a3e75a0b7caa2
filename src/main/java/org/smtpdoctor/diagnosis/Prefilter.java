package org.smtpdoctor.diagnosis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A cheap test that runs before a rule's regular expression: the literal words of which any
 * match must contain one, taken from the pattern itself (the leading literal of each top-level
 * alternative, looking into a leading group). {@code mayMatch} is false only when the regex
 * cannot match, so it changes speed, never results; a pattern it cannot read (an alternative
 * without a literal of {@value #MIN} characters or more) always runs. Immutable.
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
        List<String> found = alternatives(stripFlags(regex));
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
    record Branch(Pattern pattern, String[] literals) {
        boolean mayMatch(String lower) {
            return containsAny(literals, lower);
        }
    }

    /** The top-level alternatives of a case-insensitive pattern. */
    static List<Branch> branches(String regex) {
        String body = stripFlags(regex);
        String flags = regex.substring(0, regex.length() - body.length());
        List<Branch> out = new ArrayList<>();
        for (String branch : splitTopLevel(body)) {
            List<String> lits = branchLiterals(branch);
            out.add(new Branch(Pattern.compile(flags + branch, Pattern.CASE_INSENSITIVE),
                    lits == null ? null : lits.stream().map(x -> x.toLowerCase(Locale.ROOT)).distinct().toArray(String[]::new)));
        }
        return out;
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
        List<String> out = new ArrayList<>();
        for (String branch : splitTopLevel(re)) {
            List<String> lits = branchLiterals(branch);
            if (lits == null) {
                return null;
            }
            out.addAll(lits);
        }
        return out;
    }

    private static List<String> branchLiterals(String branch) {
        int i = 0;
        while (true) {
            if (branch.startsWith("\\b", i) || branch.startsWith("\\B", i)) {
                i += 2;
            } else if (branch.startsWith("^", i)) {
                i += 1;
            } else if (branch.startsWith("(?<=", i) || branch.startsWith("(?<!", i)) {
                // A lookbehind consumes nothing: the literal that follows it is still required.
                int close = matching(branch, i);
                if (close < 0) {
                    return null;
                }
                i = close + 1;
            } else {
                break;
            }
        }
        if (i < branch.length() && branch.charAt(i) == '(' && !branch.startsWith("(?<", i) && !branch.startsWith("(?=", i)
                && !branch.startsWith("(?!", i)) {
            int close = matching(branch, i);
            if (close < 0) {
                return null;
            }
            char after = close + 1 < branch.length() ? branch.charAt(close + 1) : ' ';
            if (after == '?' || after == '*' || after == '{') {
                return null;
            }
            String inner = branch.substring(branch.startsWith("(?:", i) ? i + 3 : i + 1, close);
            return alternatives(inner);
        }
        StringBuilder lit = new StringBuilder();
        while (i < branch.length()) {
            char c = branch.charAt(i);
            char literal;
            int next;
            if (c == '\\' && i + 1 < branch.length()) {
                char e = branch.charAt(i + 1);
                if (Character.isLetterOrDigit(e)) {
                    break;
                }
                literal = e;
                next = i + 2;
            } else if (".[]()^$|?*+{}".indexOf(c) >= 0) {
                break;
            } else {
                literal = c;
                next = i + 1;
            }
            char q = next < branch.length() ? branch.charAt(next) : ' ';
            if (q == '?' || q == '*' || q == '{') {
                break;
            }
            lit.append(literal);
            if (q == '+') {
                break;
            }
            i = next;
        }
        return lit.length() >= MIN ? List.of(lit.toString()) : null;
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
