package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

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
        Pattern unless = m.unless() == null ? null : Pattern.compile(m.unless(), Pattern.CASE_INSENSITIVE);
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
        return new Compiled(this, c, conf, m, p, unless, microsoftOnly, Prefilter.of(m.text()), List.copyOf(alts));
    }

    private static Confidence confidence(String value, Confidence otherwise) {
        return value == null ? otherwise : Confidence.valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** A candidate of a compiled rule; {@code microsoftOnly} ones are offered only for Microsoft's evidence. */
    record CompiledAlternative(Cause cause, Confidence confidence, String why, String decideBy, boolean microsoftOnly) {}

    /** A rule ready to match. */
    record Compiled(Rule rule, Cause cause, Confidence confidence, Match match, Pattern text, Pattern unless,
                    boolean microsoftOnly, Prefilter prefilter, List<CompiledAlternative> alternatives) {

        boolean overrides() {
            return Boolean.TRUE.equals(match.overrides());
        }

        boolean matches(Evidence e) {
            return matches(e, e.text().toLowerCase(Locale.ROOT));
        }

        /** @param lower the evidence's text in lower case, for the cheap literal test before any regex */
        boolean matches(Evidence e, String lower) {
            if (microsoftOnly && e.vendor() != Vendor.MICROSOFT) {
                return false;
            }
            // An unknown phase (a pasted message) does not rule out a rule bound to a wire phase;
            // "xoauth2" is known only from evidence that shows it.
            if (match.phases() != null && (e.phase().isEmpty()
                    ? Boolean.TRUE.equals(match.strictPhase()) || match.phases().stream().allMatch("xoauth2"::equals)
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
            if (match.codes() != null && e.reply().isPresent()) {
                int code = e.reply().get().code();
                // A code we only inferred from the enhanced code is known by its class alone.
                boolean ok = e.codeInferred()
                        ? match.codes().stream().anyMatch(c -> c.charAt(0) == String.valueOf(code).charAt(0))
                        : match.codes().stream().anyMatch(c -> codeMatches(c, code));
                if (!ok) {
                    return false;
                }
            }
            if (match.enhanced() != null) {
                String enh = e.reply().flatMap(r -> r.enhanced()).map(Object::toString).orElse(null);
                if (enh == null || match.enhanced().stream().noneMatch(x -> enhancedMatches(x, enh))) {
                    return false;
                }
            }
            if (match.codes() != null && e.codeInferred() && match.enhanced() == null && text == null) {
                // A rule decided by the code alone cannot decide a reply whose code we do not know.
                return false;
            }
            if (text != null && (!prefilter.mayMatch(lower) || !text.matcher(e.text()).find())) {
                return false;
            }
            return unless == null || !unless.matcher(e.text()).find();
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

        private static boolean codeMatches(String pattern, int code) {
            String c = String.valueOf(code);
            for (int i = 0; i < 3; i++) {
                char p = i < pattern.length() ? pattern.charAt(i) : '?';
                if (p != 'x' && p != 'X' && p != c.charAt(i)) {
                    return false;
                }
            }
            return pattern.length() == 3;
        }

        /** "5.7.139" exactly, "5.7.*" by class and subject, "4.7.500-699" by a range of details. */
        static boolean enhancedMatches(String pattern, String enhanced) {
            if (pattern.endsWith(".*")) {
                return enhanced.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            int dash = pattern.indexOf('-');
            if (dash > 0) {
                int dot = pattern.lastIndexOf('.', dash);
                String prefix = pattern.substring(0, dot + 1);
                if (!enhanced.startsWith(prefix)) {
                    return false;
                }
                try {
                    int detail = Integer.parseInt(enhanced.substring(prefix.length()));
                    return detail >= Integer.parseInt(pattern.substring(dot + 1, dash))
                            && detail <= Integer.parseInt(pattern.substring(dash + 1));
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            return pattern.equals(enhanced);
        }
    }
}
