package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.smtpdoctor.smtp.EnhancedStatus;

/**
 * One diagnosis rule as read from {@code rules/*.yaml} (format: docs/rules.md).
 * A rule matches when every condition it states holds; conditions it leaves out
 * do not constrain. Immutable once compiled.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Rule(String id, String cause, String vendor, Match match, String confidence, String title,
                   String explanation, List<String> remedies, List<Reference> references,
                   @JsonProperty("decide_by") String decideBy, List<Alternative> candidates, List<Example> examples) {

    /**
     * The conditions: reply codes ("535", "5xx"), enhanced codes ("5.7.139", "5.7.*"), a text regex, phases,
     * events; {@code client} marks a rule about a client library's own words, matched only against pasted text
     * that no server reply decided; {@code strictPhase} keeps a rule from evidence whose phase is unknown;
     * {@code unless} is a regex that, found in the text, keeps the rule from matching; {@code overrides} lets a
     * text rule decide over the replies in the text, because it shows that they mislead (another server
     * answered, the credentials were never sent).
     */
    public record Match(List<String> codes, List<String> enhanced, String text, List<String> phases, List<String> events,
                        Boolean client, Boolean strictPhase, String unless, Boolean overrides) {
        boolean clientText() {
            return Boolean.TRUE.equals(client);
        }
    }

    /**
     * Another cause the same evidence fits, ranked after the rule's own (for a rule whose cause is
     * {@code unknown}, the ranking itself): why it fits and what settles it. Confidence defaults to low.
     */
    public record Alternative(String cause, String confidence, String why, @JsonProperty("decide_by") String decideBy,
                              String vendor) {}

    /** A real message this rule must decide, with where it was seen. */
    public record Example(String text, String phase, String source) {}

    Compiled compile() {
        Cause c = Cause.byId(cause).orElseThrow(() -> new IllegalArgumentException("rule " + id + ": unknown cause " + cause));
        Match m = match == null ? new Match(null, null, null, null, null, null, null, null, null) : match;
        Pattern p = m.text() == null ? null : Pattern.compile(m.text(), Pattern.CASE_INSENSITIVE);
        if (m.unless() != null) {
            Pattern.compile(m.unless(), Pattern.CASE_INSENSITIVE); // whole, so that a bad pattern is named as written
        }
        Confidence conf = confidence(confidence, Confidence.HIGH);
        boolean microsoftOnly = "microsoft".equalsIgnoreCase(vendor);
        if (id == null || title == null) {
            throw new IllegalArgumentException("rule without id or title: " + id);
        }
        List<CompiledAlternative> alts = new ArrayList<>();
        for (Alternative a : candidates == null ? List.<Alternative>of() : candidates) {
            Cause ac = Cause.byId(a.cause()).orElseThrow(() -> new IllegalArgumentException(
                    "rule " + id + ": unknown candidate cause " + a.cause()));
            if (a.why() == null || a.why().isBlank()) {
                throw new IllegalArgumentException("rule " + id + ": candidate " + a.cause() + " needs a why");
            }
            alts.add(new CompiledAlternative(ac, confidence(a.confidence(), Confidence.LOW), a.why(), a.decideBy(),
                    ac.microsoftOnly() || "microsoft".equalsIgnoreCase(a.vendor())));
        }
        boolean[] codes = null;
        boolean[] classes = null;
        if (m.codes() != null) {
            codes = new boolean[600];
            classes = new boolean[6];
            for (int code = 200; code < 600; code++) {
                int x = code;
                codes[code] = m.codes().stream().anyMatch(pattern -> codeMatches(pattern, x));
            }
            for (String pattern : m.codes()) {
                classes[pattern.charAt(0) - '0'] = true;
            }
        }
        List<int[]> ranges = new ArrayList<>();
        for (String pattern : m.enhanced() == null ? List.<String>of() : m.enhanced()) {
            ranges.add(enhancedRange(pattern));
        }
        return new Compiled(this, c, conf, m, p, microsoftOnly, Prefilter.of(m.text()), List.copyOf(alts), codes,
                classes, m.text() == null ? List.of() : Prefilter.branches(m.text()),
                m.unless() == null ? List.of() : Prefilter.branches(m.unless()), List.copyOf(ranges));
    }

    /** {class, subject, lowest detail, highest detail} of "5.7.139", "5.7.*" or "4.7.500-699". */
    static int[] enhancedRange(String pattern) {
        String[] parts = pattern.split("\\.", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not an enhanced code pattern: " + pattern);
        }
        int klass = Integer.parseInt(parts[0]);
        int subject = Integer.parseInt(parts[1]);
        if (parts[2].equals("*")) {
            return new int[] {klass, subject, 0, 999};
        }
        int dash = parts[2].indexOf('-');
        return dash < 0
                ? new int[] {klass, subject, Integer.parseInt(parts[2]), Integer.parseInt(parts[2])}
                : new int[] {klass, subject, Integer.parseInt(parts[2].substring(0, dash)),
                    Integer.parseInt(parts[2].substring(dash + 1))};
    }

    /** "535" exactly, or "5xx" by its leading digits. */
    static boolean codeMatches(String pattern, int code) {
        String c = String.valueOf(code);
        for (int i = 0; i < 3; i++) {
            char p = i < pattern.length() ? pattern.charAt(i) : '?';
            if (p != 'x' && p != 'X' && p != c.charAt(i)) {
                return false;
            }
        }
        return pattern.length() == 3;
    }

    private static Confidence confidence(String value, Confidence otherwise) {
        return value == null ? otherwise : Confidence.valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** A candidate of a compiled rule; {@code microsoftOnly} ones are offered only for Microsoft's evidence. */
    record CompiledAlternative(Cause cause, Confidence confidence, String why, String decideBy, boolean microsoftOnly) {}

    /**
     * A rule ready to match. {@code branches} are the alternatives of its text pattern and
     * {@code unlessBranches} those of its unless pattern, each with its prefilter: in the bits a
     * caller passes to {@link #matches(Evidence, String, String, java.util.BitSet, int)}, this rule's text
     * alternatives come first, then its unless alternatives ({@link #literalLists()}).
     */
    record Compiled(Rule rule, Cause cause, Confidence confidence, Match match, Pattern text,
                    boolean microsoftOnly, Prefilter prefilter, List<CompiledAlternative> alternatives, boolean[] codeTable,
                    boolean[] classTable, List<Prefilter.Branch> branches, List<Prefilter.Branch> unlessBranches,
                    List<int[]> enhancedRanges) {

        boolean overrides() {
            return Boolean.TRUE.equals(match.overrides());
        }

        boolean matches(Evidence e) {
            return matches(e, e.text().toLowerCase(Locale.ROOT));
        }

        /** {@link #matches(Evidence)} with the evidence's text in lower case (Locale.ROOT). */
        boolean matches(Evidence e, String lower) {
            java.util.BitSet found = new java.util.BitSet();
            List<Prefilter.Branch> all = allBranches();
            for (int b = 0; b < all.size(); b++) {
                if (all.get(b).mayMatch(lower)) {
                    found.set(b);
                }
            }
            return matches(e, e.text(), lower, found, 0);
        }

        /** The text alternatives, then the unless alternatives: the order of this rule's bits. */
        private List<Prefilter.Branch> allBranches() {
            List<Prefilter.Branch> all = new java.util.ArrayList<>(branches);
            all.addAll(unlessBranches);
            return all;
        }

        /** The prefilter literals of {@link #allBranches()} (null: that alternative always runs). */
        List<List<String>> literalLists() {
            return allBranches().stream().map(b -> b.literals() == null ? null : List.of(b.literals())).toList();
        }

        /** A pattern finds a match: one of its alternatives whose literal is in the text does. */
        private static boolean anyBranchFinds(List<Prefilter.Branch> alternatives, String text, String lower,
                                              java.util.BitSet found, int first) {
            int end = first + alternatives.size();
            for (int b = found.nextSetBit(first); b >= 0 && b < end; b = found.nextSetBit(b + 1)) {
                if (alternatives.get(b - first).finds(text, lower)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the rule can match raw text (it reads no reply code and no event). */
        boolean readsRawText() {
            return match.codes() == null && match.enhanced() == null && match.events() == null;
        }

        /** Whether the rule can match a reply (it is not about a client's own words, nor an event). */
        boolean readsReplies() {
            return !match.clientText() && match.events() == null;
        }

        /** Whether a reply with this code (or, inferred, this class) passes the rule's codes. */
        boolean acceptsCode(int code, boolean inferred) {
            if (codeTable == null) {
                return true;
            }
            return inferred ? classTable[code / 100] : code >= 0 && code < 600 && codeTable[code];
        }

        /**
         * @param found which alternatives of the text pattern may match (their literal is in the text,
         *              or they have none; see {@link Prefilter}, {@link LiteralIndex}), bit
         *              {@code first + i} for alternative i
         * @param first where this rule's alternatives start in {@code found}
         * @param evidenceText {@code e.text()}, made once by the caller (a reply joins its lines each time)
         * @param lower {@code evidenceText} in lower case (Locale.ROOT)
         */
        boolean matches(Evidence e, String evidenceText, String lower, java.util.BitSet found, int first) {
            if (microsoftOnly && e.vendor() != Vendor.MICROSOFT) {
                return false;
            }
            // An unknown phase (a pasted message) does not rule out a rule bound to a wire phase;
            // "xoauth2" is known only from evidence that shows it.
            if (match.phases() != null && (e.phase().isEmpty()
                    ? Boolean.TRUE.equals(match.strictPhase()) || onlyXoauth2(match.phases())
                    : !match.phases().contains(e.phase()))) {
                return false;
            }
            if (e.raw().isPresent()) {
                // Pasted text without a reply: client rules, and reply rules that only look at text.
                if (match.codes() != null || match.enhanced() != null || match.events() != null) {
                    return false;
                }
            } else if (match.clientText()) {
                return false;
            }
            if (match.events() != null) {
                if (e.event().isEmpty() || !match.events().contains(e.event().get())) {
                    return false;
                }
            } else if (e.event().isPresent()) {
                return false;
            }
            // A code we only inferred from the enhanced code is known by its class alone.
            if (e.reply().isPresent() && !acceptsCode(e.reply().get().code(), e.codeInferred())) {
                return false;
            }
            if (match.enhanced() != null) {
                Optional<EnhancedStatus> status = e.reply().isPresent() ? e.reply().get().enhanced() : Optional.empty();
                if (status.isEmpty() || !enhancedMatches(status.get())) {
                    return false;
                }
            }
            if (match.codes() != null && e.codeInferred() && match.enhanced() == null && text == null) {
                // A rule decided by the code alone cannot decide a reply whose code we do not know.
                return false;
            }
            if (text != null && !anyBranchFinds(branches, evidenceText, lower, found, first)) {
                return false;
            }
            return !anyBranchFinds(unlessBranches, evidenceText, lower, found, first + branches.size());
        }

        /**
         * More specific rules win: a text pattern says most, then an enhanced code, then a code;
         * at equal specificity a rule that names a cause beats one that says "unknown".
         */
        /** {@link #specificity()} for this evidence: a phase condition says nothing when the phase is unknown. */
        int specificity(Evidence e) {
            return specificity() - (match.phases() != null && e.phase().isEmpty() ? 2 : 0);
        }

        int specificity() {
            return 2 * ((text != null ? 8 : 0) + (match.enhanced() != null ? 4 : 0) + (match.codes() != null ? 2 : 0)
                    + (microsoftOnly ? 1 : 0) + (match.phases() != null ? 1 : 0)) + (cause == Cause.UNKNOWN ? 0 : 1);
        }

        private static boolean onlyXoauth2(List<String> phases) {
            for (String p : phases) {
                if (!"xoauth2".equals(p)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the status is one of the rule's enhanced codes (compared as numbers, no strings built). */
        private boolean enhancedMatches(EnhancedStatus s) {
            for (int[] p : enhancedRanges) {
                if (p[0] == s.klass() && p[1] == s.subject() && s.detail() >= p[2] && s.detail() <= p[3]) {
                    return true;
                }
            }
            return false;
        }

    }
}
