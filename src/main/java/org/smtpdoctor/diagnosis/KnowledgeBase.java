package org.smtpdoctor.diagnosis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private final List<Rule.Compiled> rules;

    KnowledgeBase(List<Rule> rules) {
        List<Rule.Compiled> compiled = new ArrayList<>();
        for (Rule r : rules) {
            compiled.add(r.compile());
        }
        this.rules = List.copyOf(compiled);
    }

    private static final class Holder {
        static final KnowledgeBase INSTANCE = loadBundled();
    }

    /** The rules shipped in the jar. */
    public static KnowledgeBase bundled() {
        return Holder.INSTANCE;
    }

    static KnowledgeBase loadBundled() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
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
        return new KnowledgeBase(all);
    }

    record RuleFile(List<Rule> rules) {}

    private static String resource(String name) {
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

    /** The diagnosis of one piece of evidence; {@code unknown} when no rule matches. */
    public Diagnosis diagnose(Evidence evidence) {
        return decide(evidence).diagnosis();
    }

    /** A diagnosis and how specific the rule that decided it was (0 for unknown). */
    public record Decision(Diagnosis diagnosis, int specificity) {
        public boolean known() {
            return diagnosis.cause() != Cause.UNKNOWN || !"unknown".equals(diagnosis.ruleId());
        }
    }

    /** Like {@link #diagnose}, with the winning rule's specificity, to compare decisions. */
    public Decision decide(Evidence evidence) {
        return decide(evidence, cause -> true);
    }

    /** {@link #decide} among the rules whose cause passes the filter only. */
    public Decision decide(Evidence evidence, java.util.function.Predicate<Cause> causes) {
        // The vendor's own knowledge first: a Microsoft rule that matches beats any generic one.
        Rule.Compiled best = null;
        for (Rule.Compiled r : rules) {
            if (causes.test(r.cause()) && r.matches(evidence) && (best == null || rank(r) > rank(best))) {
                best = r;
            }
        }
        if (best == null) {
            return new Decision(Diagnosis.unknown(evidence.text(),
                    "No rule knows this " + (evidence.reply().isPresent() ? "reply" : evidence.event().isPresent() ? "event" : "text")
                            + ". The server's own documentation for the code, or its logs for this session, would decide."), 0);
        }
        Rule r = best.rule();
        Map<String, String> values = evidence.values();
        Diagnosis d = new Diagnosis(best.cause(), best.confidence(), fill(r.title(), values), fill(r.explanation(), values),
                r.remedies() == null ? List.of() : r.remedies().stream().map(x -> fill(x, values)).toList(),
                r.references() == null ? List.of() : r.references(), r.id(), matchedText(evidence, best));
        return new Decision(d, best.specificity());
    }

    private static int rank(Rule.Compiled r) {
        return (r.microsoftOnly() ? 1000 : 0) + r.specificity();
    }

    /** For raw text, the line the rule matched (not the whole paste); otherwise the evidence itself. */
    private static String matchedText(Evidence evidence, Rule.Compiled rule) {
        String text = evidence.text();
        if (evidence.raw().isEmpty() || rule.text() == null) {
            return text;
        }
        Matcher m = rule.text().matcher(text);
        if (!m.find()) {
            return text;
        }
        int from = text.lastIndexOf('\n', m.start()) + 1;
        int to = text.indexOf('\n', m.end());
        String line = text.substring(from, to < 0 ? text.length() : to).strip();
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }

    /** Replaces {@code {name}} with the value known for it, or {@code <name>} when none is. */
    static String fill(String template, Map<String, String> values) {
        if (template == null) {
            return "";
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null || v.isBlank() ? "<" + m.group(1) + ">" : v));
        }
        m.appendTail(out);
        return out.toString();
    }

}
