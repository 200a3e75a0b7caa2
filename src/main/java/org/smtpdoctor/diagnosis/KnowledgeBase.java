package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules that turn replies and events into causes, loaded from the
 * {@code rules/*.yaml} resources listed in {@code rules/index.txt}. The most
 * specific matching rule decides; ties go to the rule listed first. No rule:
 * {@code unknown}. Immutable and thread-safe once loaded; load once and share
 * (loading is deferred until the first failure needs explaining, to keep a
 * passing check fast).
 */
public final class KnowledgeBase {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)(?:\\|([^{}]*))?}");

    /** Which rules may decide: all of them, or only those that override the replies in a paste. */
    static final Predicate<Rule.Compiled> ANY = r -> true;
    static final Predicate<Rule.Compiled> OVERRIDING = Rule.Compiled::overrides;

    private final List<Rule.Compiled> rules;
    /**
     * Catch-alls consulted only when no rule matches (rules/fallback.yaml): they decide nothing,
     * but rank what the reply's class and phase, or the paste's words, make plausible.
     */
    private final List<Rule.Compiled> fallback;
    private final DecideBy decideBy;
    private final Wording wording;
    /** The literals of every rule's alternatives in one automaton (see {@link LiteralIndex}), by branch. */
    private final LiteralIndex literals;
    /** Where each rule's alternatives start among all rules' alternatives (the automaton's ids). */
    private final int[] firstBranch;
    /** The same for the catch-alls, whose alternatives follow the rules' in the automaton. */
    private final int[] fallbackFirstBranch;
    /** Indices of the catch-alls about a reply's words (a text pattern, reading replies), in file order. */
    private final int[] wordFallback;
    /** Indices of the rules each kind of evidence can match, in file order. */
    private final int[] eventRules;
    /** The rules that override replies: all a paste's text is read for when a reply named its cause surely. */
    private final int[] overriding;
    private final int[] rawRules;
    private final int[][] replyRulesByCode;
    private final int[][] replyRulesByClass;

    KnowledgeBase(List<Rule> rules) {
        this(rules, DecideBy.EMPTY, Wording.NONE);
    }

    KnowledgeBase(List<Rule> rules, DecideBy decideBy, Wording wording) {
        this(rules, decideBy, wording, List.of());
    }

    KnowledgeBase(List<Rule> rules, DecideBy decideBy, Wording wording, List<Rule> fallback) {
        this.fallback = fallback.stream().map(Rule::compile).toList();
        List<Rule.Compiled> compiled = new ArrayList<>();
        for (Rule r : rules) {
            compiled.add(r.compile());
        }
        this.rules = List.copyOf(compiled);
        this.decideBy = decideBy;
        this.wording = wording;
        List<List<String>> branchLiterals = new ArrayList<>();
        this.firstBranch = new int[this.rules.size()];
        for (int i = 0; i < this.rules.size(); i++) {
            firstBranch[i] = branchLiterals.size();
            branchLiterals.addAll(this.rules.get(i).literalLists());
        }
        this.fallbackFirstBranch = new int[this.fallback.size()];
        for (int i = 0; i < this.fallback.size(); i++) {
            fallbackFirstBranch[i] = branchLiterals.size();
            branchLiterals.addAll(this.fallback.get(i).literalLists());
        }
        this.literals = new LiteralIndex(branchLiterals);
        this.wordFallback = java.util.stream.IntStream.range(0, this.fallback.size())
                .filter(i -> this.fallback.get(i).text() != null && this.fallback.get(i).readsReplies()).toArray();
        this.eventRules = indices(r -> r.match().events() != null);
        this.overriding = indices(OVERRIDING);
        this.rawRules = indices(Rule.Compiled::readsRawText);
        this.replyRulesByCode = new int[600][];
        for (int code = 0; code < 600; code++) {
            int c = code;
            replyRulesByCode[code] = indices(r -> r.readsReplies() && r.acceptsCode(c, false));
        }
        this.replyRulesByClass = new int[6][];
        for (int k = 0; k < 6; k++) {
            int c = k * 100;
            replyRulesByClass[k] = indices(r -> r.readsReplies() && r.acceptsCode(c, true));
        }
    }

    private int[] indices(Predicate<Rule.Compiled> p) {
        return java.util.stream.IntStream.range(0, rules.size()).filter(i -> p.test(rules.get(i))).toArray();
    }

    /** The rules this evidence can match at all, by its kind and reply code. */
    private int[] applicable(Evidence e) {
        if (e.event().isPresent()) {
            return eventRules;
        }
        if (e.reply().isPresent()) {
            int code = e.reply().get().code();
            if (code < 0 || code >= 600) {
                return new int[0];
            }
            return e.codeInferred() ? replyRulesByClass[code / 100] : replyRulesByCode[code];
        }
        return rawRules;
    }

    /** How libraries word the phase and code of a reply (rules/wording.yaml). */
    Wording wording() {
        return wording;
    }

    private static final class Holder {
        static final KnowledgeBase INSTANCE = loadBundled();
    }

    /** The rules shipped in the jar. */
    public static KnowledgeBase bundled() {
        return Holder.INSTANCE;
    }

    /**
     * The rule files' reader: an unknown field or a key given twice in one mapping is an error, not
     * silently dropped (a second {@code unless:} in a match once hid the first for months).
     */
    static ObjectMapper rulesMapper() {
        return new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
    }

    static KnowledgeBase loadBundled() {
        ObjectMapper yaml = rulesMapper();
        List<Rule> all = new ArrayList<>();
        for (String file : resource("rules/index.txt").lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            try (InputStream in = KnowledgeBase.class.getClassLoader().getResourceAsStream("rules/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("rules/index.txt lists a missing file: " + file);
                }
                RuleFile parsed = yaml.readValue(in, RuleFile.class);
                all.addAll(parsed.rules());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read rules/" + file, e);
            }
        }
        List<Rule> fallback;
        try (InputStream in = KnowledgeBase.class.getClassLoader().getResourceAsStream("rules/fallback.yaml")) {
            fallback = in == null ? List.of() : yaml.readValue(in, RuleFile.class).rules();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rules/fallback.yaml", e);
        }
        return new KnowledgeBase(all, DecideBy.load(yaml, "rules/decide.yaml"), Wording.load(yaml, "rules/wording.yaml"),
                fallback);
    }

    record RuleFile(List<Rule> rules) {}

    /** A resource of the jar as text (rules/index.txt, rules/similar.tsv). */
    static String resource(String name) {
        try (InputStream in = KnowledgeBase.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Rule> rules() {
        return rules.stream().map(Rule.Compiled::rule).toList();
    }

    /** The same knowledge without the rules the filter names (to measure what the others would say). */
    KnowledgeBase without(Predicate<Rule> drop) {
        return new KnowledgeBase(rules().stream().filter(drop.negate()).toList(), decideBy, wording, fallbackRules());
    }

    /** The catch-alls of rules/fallback.yaml, consulted only when no rule matches. */
    List<Rule> fallbackRules() {
        return fallback.stream().map(Rule.Compiled::rule).toList();
    }

    /** What settles a cause, for candidates whose rule does not say (rules/decide.yaml). */
    public String decideBy(Cause cause, Vendor vendor) {
        return decideBy.text(cause, vendor);
    }

    /** The diagnosis of one piece of evidence; {@code unknown} when no rule matches. */
    public Diagnosis diagnose(Evidence evidence) {
        return decide(evidence).diagnosis();
    }

    /**
     * A diagnosis, how specific the rule that decided it was (0 for unknown), and every
     * candidate the matching rules name, best first (the diagnosis carries the first
     * {@link Diagnosis#MAX_CANDIDATES}). The diagnosis itself (filled remedies, matched text) is
     * built only when asked for: the explainer compares many decisions and keeps one. Not
     * thread-safe; use it where it was made.
     */
    public static final class Decision {
        private final java.util.function.Supplier<Diagnosis> build;
        private Diagnosis diagnosis;
        private final int specificity;
        private final java.util.function.Supplier<List<Candidate>> candidates;
        private final java.util.function.Supplier<List<Candidate>> related;
        private final boolean overrides;
        private final boolean clientRule;
        private final boolean known;
        private final Cause cause;
        private final Confidence confidence;

        Decision(java.util.function.Supplier<Diagnosis> build, Cause cause, Confidence confidence, boolean known,
                 int specificity, java.util.function.Supplier<List<Candidate>> candidates,
                 java.util.function.Supplier<List<Candidate>> related,
                 boolean overrides, boolean clientRule) {
            this.build = build;
            this.cause = cause;
            this.confidence = confidence;
            this.known = known;
            this.specificity = specificity;
            this.candidates = candidates;
            this.related = related;
            this.overrides = overrides;
            this.clientRule = clientRule;
        }

        public Diagnosis diagnosis() {
            if (diagnosis == null) {
                diagnosis = build.get();
            }
            return diagnosis;
        }

        /** Whether a rule decided (its cause may be unknown: a catch-all that says so). */
        public boolean known() {
            return known;
        }

        /** Whether the decision names a cause (not unknown). */
        public boolean namesCause() {
            return cause != Cause.UNKNOWN;
        }

        public Confidence confidence() {
            return confidence;
        }

        public int specificity() {
            return specificity;
        }

        /**
         * The matching rules' candidates, best first (for a rule that says unknown: its ranking). Made
         * when first asked for.
         */
        public List<Candidate> candidates() {
            return candidates.get();
        }

        /**
         * What else gives this same evidence, by its kind (the catch-alls of rules/fallback.yaml that
         * fit it): ranked after every rule's own candidates. Made when first asked for.
         */
        public List<Candidate> related() {
            return related.get();
        }

        /** The deciding rule shows that the replies in a paste mislead. */
        public boolean overrides() {
            return overrides;
        }

        /** The deciding rule reads a client's own words (not a server reply's text). */
        public boolean clientRule() {
            return clientRule;
        }

        /**
         * The same decision no surer than {@code cap} (its diagnosis and candidates too), showing
         * {@code matchedText} as the evidence.
         */
        Decision atMost(Confidence cap, String matchedText) {
            Confidence capped = confidence.compareTo(cap) < 0 ? cap : confidence;
            return new Decision(() -> {
                Diagnosis d = diagnosis();
                return new Diagnosis(d.cause(), capped, d.title(), d.explanation(), d.remedies(), d.references(), d.ruleId(),
                        matchedText, cappedAt(d.candidates(), cap));
            }, cause, capped, known, specificity, () -> cappedAt(candidates(), cap), related, overrides, clientRule);
        }

        private static List<Candidate> cappedAt(List<Candidate> candidates, Confidence cap) {
            return candidates.stream().map(c -> c.confidence().compareTo(cap) < 0
                    ? new Candidate(c.cause(), cap, c.why(), c.decideBy()) : c).toList();
        }
    }

    /** The decision when no rule decides: unknown, saying what would. */
    Decision noRule(Evidence evidence) {
        return new Decision(() -> Diagnosis.unknown(evidence.text(),
                "No rule knows this " + (evidence.reply().isPresent() ? "reply" : evidence.event().isPresent() ? "event" : "text")
                        + ". The server's own documentation for the code, or its logs for this session, would decide."),
                Cause.UNKNOWN, Confidence.LOW, false, 0, List::of, List::of, false, false);
    }

    /**
     * No rule matched: still unknown (and not a decision: known() stays false, so it outranks
     * nothing), but with the candidates of the catch-alls of rules/fallback.yaml that fit the
     * evidence (a reply's code, class and phase, or the words of a paste), so that an honest
     * "unknown" still says what to look at.
     */
    private Decision unmatched(Evidence evidence, String lower, java.util.BitSet branches) {
        Decision none = noRule(evidence);
        List<Candidate> ranked = related(evidence, List.of(), lower, branches);
        if (ranked.isEmpty()) {
            return none;
        }
        return new Decision(() -> none.diagnosis().withCandidates(ranked), Cause.UNKNOWN, Confidence.LOW, false, 0,
                () -> ranked, List::of, false, false);
    }

    /**
     * The causes of every catch-all of rules/fallback.yaml that fits the evidence, in file order
     * (the most specific kinds first), low confidence, each cause once and none already in
     * {@code before}; Microsoft-only causes for Microsoft's evidence only.
     */
    private List<Candidate> related(Evidence evidence, List<Candidate> before, String lower, java.util.BitSet branches) {
        if (before.size() >= Diagnosis.MAX_CANDIDATES) {
            return List.of();   // no place left: a diagnosis shows only the first three
        }
        Map<Cause, Candidate> out = new LinkedHashMap<>();
        before.forEach(c -> out.put(c.cause(), c));
        String text = evidence.text();
        for (int i = 0; i < fallback.size() && out.size() < Diagnosis.MAX_CANDIDATES; i++) {
            Rule.Compiled f = fallback.get(i);
            if (f.matches(evidence, text, lower, branches, fallbackFirstBranch[i])) {
                for (Rule.CompiledAlternative a : f.alternatives()) {
                    if (!a.microsoftOnly() || evidence.vendor() == Vendor.MICROSOFT) {
                        out.putIfAbsent(a.cause(), new Candidate(a.cause(), Confidence.LOW, a.why(),
                                decideBy(a.decideBy(), a.cause(), evidence.vendor())));
                    }
                }
            }
        }
        return List.copyOf(out.values()).subList(before.size(), out.size());
    }

    /** Like {@link #diagnose}, with the winning rule's specificity and the candidates, to compare decisions. */
    public Decision decide(Evidence evidence) {
        return decide(evidence, ANY);
    }

    /** {@link #decide} among the rules whose cause passes the filter only. */
    public Decision decideAmong(Evidence evidence, Predicate<Cause> causes) {
        return decide(evidence, r -> causes.test(r.cause()));
    }

    /** {@link #decide} among the rules that pass the filter only. */
    Decision decide(Evidence evidence, Predicate<Rule.Compiled> which) {
        return decide(evidence, which, null);
    }

    /** @param lower the evidence's text in lower case (Locale.ROOT), when the caller has it already */
    Decision decide(Evidence evidence, Predicate<Rule.Compiled> which, String knownLower) {
        String text = evidence.text();
        String lower = knownLower != null ? knownLower : text.toLowerCase(Locale.ROOT);
        if (which == OVERRIDING && java.util.Arrays.stream(overriding).noneMatch(i -> rules.get(i).matches(evidence, lower))) {
            return noRule(evidence);   // the usual case: a handful of rules, tested without the automaton's pass
        }
        // One pass of the literal automaton tells which rules' regexes need to run at all.
        java.util.BitSet branches = literals.mayMatch(lower);
        // Every matching rule, best first: the vendor's own knowledge beats any generic rule,
        // then the more specific; ties keep the order of the files (stable sort).
        List<Rule.Compiled> matching = new ArrayList<>(4);
        for (int i : applicable(evidence)) {
            Rule.Compiled r = rules.get(i);
            if (which.test(r) && r.matches(evidence, text, lower, branches, firstBranch[i])) {
                matching.add(r);
            }
        }
        if (matching.isEmpty()) {
            return which == ANY ? unmatched(evidence, lower, branches) : noRule(evidence);
        }
        matching.sort(ranking(evidence));
        Rule.Compiled best = matching.get(0);
        Rule r = best.rule();
        Map<String, String> values = evidence.values();
        // A rule that read no words (a code, an enhanced code or a phase alone): what the reply's words
        // point to ranks right after its named cause, before its own alternatives. When the most telling
        // of those words point only elsewhere, a generic rule's cause is left in doubt (unknown, the
        // words' causes first); a vendor's own code (Microsoft's 5.7.606...) and "other" stand. The words
        // are read at once only where they may leave the cause in doubt, else when the candidates are
        // first asked for (batch speed: most decisions are compared and dropped).
        boolean readsNoWords = best.text() == null && !alone(best) && evidence.reply().isPresent();
        Words read = readsNoWords && best.cause() != Cause.UNKNOWN && best.cause() != Cause.OTHER && !best.microsoftOnly()
                ? words(evidence, lower, branches) : null;
        boolean contradicted = read != null && read.contradict(best.cause());
        java.util.function.Supplier<List<Candidate>> candidates = once(() -> {
            List<Candidate> ranked = candidates(matching, evidence.vendor());
            Words w = !readsNoWords ? Words.NONE : read != null ? read : words(evidence, lower, branches);
            return w.causes().isEmpty() ? ranked : contradicted ? merged(w.causes(), ranked)
                    : merged(best.cause() != Cause.UNKNOWN ? ranked.subList(0, 1) : List.of(), w.causes(), ranked);
        });
        java.util.function.Supplier<List<Candidate>> related = alone(best) ? List::of
                : once(() -> related(evidence, candidates.get(), lower, branches));
        if (contradicted) {
            return new Decision(() -> {
                List<Candidate> all = new ArrayList<>(candidates.get());
                all.addAll(related.get());
                return new Diagnosis(Cause.UNKNOWN, Confidence.LOW, "The reply's code and its words disagree",
                        "The reply's code alone would mean: " + fill(r.title(), values) + ". Its words point elsewhere;"
                                + " the server's documentation for this reply, or its logs for this session, would decide.",
                        List.of(), r.references() == null ? List.of() : r.references(), r.id(), matchedText(evidence, best, lower),
                        all);
            }, Cause.UNKNOWN, Confidence.LOW, true, best.specificity(evidence), candidates, related, false, false);
        }
        return new Decision(() -> {
            List<Candidate> all = new ArrayList<>(candidates.get());
            all.addAll(related.get());
            return new Diagnosis(best.cause(), best.confidence(), fill(r.title(), values), fill(r.explanation(), values),
                    r.remedies() == null ? List.of() : r.remedies().stream().map(x -> fill(x, values)).toList(),
                    r.references() == null ? List.of() : r.references(), r.id(), matchedText(evidence, best, lower), all);
        }, best.cause(), best.confidence(), true, best.specificity(evidence), candidates, related, best.overrides(),
                best.match().clientText());
    }


    /** The lists in order, each cause once. */
    @SafeVarargs
    private static List<Candidate> merged(List<Candidate>... lists) {
        Map<Cause, Candidate> out = new LinkedHashMap<>();
        for (List<Candidate> l : lists) {
            l.forEach(c -> out.putIfAbsent(c.cause(), c));
        }
        return List.copyOf(out.values());
    }

    /**
     * The ranked candidates of matching rules: the best rule's cause and the alternatives it
     * lists, then what the other matching rules say (also when the best is sure: the same reply
     * may mean what they say); each cause once, Microsoft-only causes only for Microsoft's evidence.
     */
    private List<Candidate> candidates(List<Rule.Compiled> matching, Vendor vendor) {
        Map<Cause, Candidate> out = new LinkedHashMap<>();
        int considered = alone(matching.get(0)) ? 1 : matching.size();
        for (int i = 0; i < considered; i++) {
            Rule.Compiled r = matching.get(i);
            if (r.cause() != Cause.UNKNOWN && (!r.cause().microsoftOnly() || vendor == Vendor.MICROSOFT)) {
                out.putIfAbsent(r.cause(), new Candidate(r.cause(), i == 0 ? r.confidence() : Confidence.LOW,
                        r.rule().title(), decideBy(r.rule().decideBy(), r.cause(), vendor)));
            }
            if (i == 0 || r.cause() == Cause.UNKNOWN) {
                // The deciding rule's own ranking, and that of catch-alls that also fit.
                for (Rule.CompiledAlternative a : r.alternatives()) {
                    if (!a.microsoftOnly() || vendor == Vendor.MICROSOFT) {
                        out.putIfAbsent(a.cause(), new Candidate(a.cause(), i == 0 ? a.confidence() : Confidence.LOW,
                                a.why(), decideBy(a.decideBy(), a.cause(), vendor)));
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * What a reply's words point to: the causes of the catch-alls of rules/fallback.yaml with a text
     * pattern that fit it, in file order, low confidence (Microsoft-only causes for Microsoft's
     * evidence only); and the causes of the first of them, the most specific.
     */
    private record Words(List<Candidate> causes, List<Cause> first) {
        static final Words NONE = new Words(List.of(), List.of());

        /** Whether the most specific words name causes, none of them this one. */
        boolean contradict(Cause cause) {
            return !first.isEmpty() && !first.contains(cause);
        }
    }

    private Words words(Evidence evidence, String lower, java.util.BitSet branches) {
        Map<Cause, Candidate> out = null;
        List<Cause> first = List.of();
        String text = evidence.text();
        for (int i : wordFallback) {
            Rule.Compiled f = fallback.get(i);
            if (f.matches(evidence, text, lower, branches, fallbackFirstBranch[i])) {
                if (out == null) {
                    out = new LinkedHashMap<>();
                    first = f.alternatives().stream().map(Rule.CompiledAlternative::cause).toList();
                }
                for (Rule.CompiledAlternative a : f.alternatives()) {
                    if (!a.microsoftOnly() || evidence.vendor() == Vendor.MICROSOFT) {
                        out.putIfAbsent(a.cause(), new Candidate(a.cause(), Confidence.LOW, a.why(),
                                decideBy(a.decideBy(), a.cause(), evidence.vendor())));
                    }
                }
            }
        }
        return out == null ? Words.NONE : new Words(List.copyOf(out.values()), first);
    }

    /** The supplier's value, made on the first call only. */
    private static <T> java.util.function.Supplier<T> once(java.util.function.Supplier<T> make) {
        return new java.util.function.Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
    }

    /** A rule that lists no candidates at all ({@code candidates: []}) says its words leave no other reading. */
    private static boolean alone(Rule.Compiled r) {
        return r.rule().candidates() != null && r.rule().candidates().isEmpty();
    }

    private String decideBy(String given, Cause cause, Vendor vendor) {
        return given != null && !given.isBlank() ? given : decideBy.text(cause, vendor);
    }

    /**
     * Best first: the vendor's own rule, then one that shows the replies of a paste mislead
     * (overrides), then the more specific for this evidence, then the surer (high over medium
     * over low); the sort is stable, so remaining ties keep the files' order.
     */
    private static Comparator<Rule.Compiled> ranking(Evidence evidence) {
        return Comparator
                .comparing((Rule.Compiled r) -> r.microsoftOnly())
                .thenComparing(Rule.Compiled::overrides)
                .thenComparingInt(r -> r.specificity(evidence))
                .thenComparing(r -> -r.confidence().ordinal())
                .reversed();
    }

    /** For raw text, the line the rule matched (not the whole paste); otherwise the evidence itself. */
    private static String matchedText(Evidence evidence, Rule.Compiled rule, String lower) {
        String text = evidence.text();
        if (evidence.raw().isEmpty() || rule.text() == null) {
            return text;
        }
        // The first match starts where the first of the alternatives' first matches does.
        int start = -1;
        for (Prefilter.Branch b : rule.branches()) {
            int at = b.start(text, lower);
            start = at >= 0 && (start < 0 || at < start) ? at : start;
        }
        Matcher m = Prefilter.around(rule.text().matcher(text));
        if ((start < 0 || !m.region(start, text.length()).lookingAt()) && !m.reset().find()) {
            return text;
        }
        int from = text.lastIndexOf('\n', m.start()) + 1;
        int to = text.indexOf('\n', m.end());
        String line = text.substring(from, to < 0 ? text.length() : to).strip();
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }

    /** What a placeholder says when its value is not known (a pasted message names no user or host). */
    private static final Map<String, String> UNKNOWN_VALUE = Map.of(
            "user", "the sending account", "host", "the server", "port", "the port", "from", "the sender address",
            "to", "the recipient address");

    /**
     * Replaces {@code {name}} with the value known for it. Without a value, {@code {name|words}}
     * says the words, and {@code {name|$var|meaning}} (for commands) says {@code $var} and ends the
     * text with what $var stands for; a bare {@code {name}} says what it is in words. No literal
     * placeholder ever reaches the user.
     */
    static String fill(String template, Map<String, String> values) {
        if (template == null) {
            return "";
        }
        if (template.indexOf('{') < 0) {
            return template;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        Map<String, String> variables = new LinkedHashMap<>();
        while (m.find()) {
            String v = values.get(m.group(1));
            String replacement;
            if (v != null && !v.isBlank()) {
                replacement = v;
            } else if (m.group(2) != null) {
                String[] parts = m.group(2).split("\\|", 2);
                replacement = parts[0];
                if (parts.length == 2) {
                    variables.putIfAbsent(parts[0], parts[1]);
                }
            } else {
                replacement = UNKNOWN_VALUE.getOrDefault(m.group(1), m.group(1).replace('_', ' '));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        if (!variables.isEmpty()) {
            StringBuilder where = new StringBuilder(" (");
            variables.forEach((var, meaning) -> where.append(where.length() > 2 ? "; " : "").append(var).append(": ").append(meaning));
            out.append(where).append(')');
        }
        return out.toString();
    }

}
