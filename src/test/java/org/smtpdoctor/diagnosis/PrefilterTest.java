package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The literal prefilter changes speed, never results. */
class PrefilterTest {

    @Test
    void eachAlternativeGivesItsMostTellingRequiredLiteral() {
        assertThat(Prefilter.of("Connection refused|ECONNREFUSED|\\[Errno 111\\]").literals())
                .containsExactly("connection refused", "econnrefused", "[errno 111]");
        // A required group stands for its alternatives' literals, when they tell more than the rest.
        assertThat(Prefilter.of("(?s)(smtp\\.office365\\.com|smtp\\.gmail\\.com).{0,600}?220").literals())
                .containsExactly("smtp.office365.com", "smtp.gmail.com");
        // The longest required run, wherever it stands: not a common leading word.
        assertThat(Prefilter.of("\\bspam\\b|auth(entication)? required").literals()).containsExactly("spam", " required");
        assertThat(Prefilter.of("(?:message|mail) size exceeds").literals()).containsExactly(" size exceeds");
        assertThat(Prefilter.of("(domain )?has no MX or A record").literals()).containsExactly("has no mx or a record");
        // A phrase of several words tells more than a longer single word, common in every paste.
        assertThat(Prefilter.of("fails to pass\\s+authentication\\s+checks").literals()).containsExactly("fails to pass");
        assertThat(Prefilter.of("[a-z]+ refused \\d+ times").literals()).containsExactly(" refused ");
        assertThat(Prefilter.of("(?<!not )relay denied|sender .{0,20}(is )?(invalid|unknown)").literals())
                .containsExactly("relay denied", "sender ");
        // An optional character or group is not required; a quantified one needs at least one.
        assertThat(Prefilter.of("colou?r").literals()).containsExactly("colo");
        assertThat(Prefilter.of("colou?r|fo+").literals()).isNull();
        assertThat(Prefilter.of("authorization code|x+yz").literals()).isNull();
        assertThat(Prefilter.of("auth(enticate)?d failed|(login){0,2} failed").literals()).containsExactly("d failed", " failed");
        assertThat(Prefilter.of("(?:denied)* by policy|(?i:blocked) by rbl").literals()).containsExactly(" by policy", " by rbl");
    }

    @Test
    void eachAlternativeKnowsTheLiteralsItsMatchesStartWith() {
        assertThat(Prefilter.leads("\\b(?:access |oauth )?token refresh failed"))
                .containsExactly("access token refresh failed", "oauth token refresh failed", "token refresh failed");
        assertThat(Prefilter.leads("(?<![.@\\w/])spam(?![\\w@])")).containsExactly("spam");
        assertThat(Prefilter.leads("(?:^|\\n)(?:Error:\\s*)?server (?:address|host)"))
                .containsExactly("Error:", "server ", "\nError:", "\nserver ");
        assertThat(Prefilter.leads("colou?r")).containsExactly("colo");
        assertThat(Prefilter.leads("(?:mail|e-?mail) server")).containsExactly("mail server", "e-mail server", "email server");
        assertThat(Prefilter.leads("fo+ bar")).containsExactly("fo");
        assertThat(Prefilter.leads("\\bSMTP\\.office365\\.com")).containsExactly("SMTP.office365.com");
        assertThat(Prefilter.leads("ʹ.{0,6}Ȩ")).containsExactly("ʹ");
        // A match may start elsewhere, or its start is one ASCII character (in most texts).
        assertThat(Prefilter.leads("\\d{3} refused")).isNull();
        assertThat(Prefilter.leads("(?:foo)+bar")).isNull();
        assertThat(Prefilter.leads("(?<name>foo)bar")).isNull();
        assertThat(Prefilter.leads("x.*y")).isNull();
        assertThat(Prefilter.leads("^")).isNull();
    }

    /** Trying a pattern only where a lead starts finds what find() finds, at the text's edges too. */
    @Test
    void aPatternTriedAtItsLeadsFindsWhatFindFinds() {
        String[] patterns = {"\\bmx\\b", "(?<!not )relay denied", "(?m)^550 denied", "^550 denied", "(?:\\b(?:smtp|mail) |^)server",
            "token(?= refresh)", "ʹ.{0,6}Ȩ", "kb\\w* failed", "e-?mail server"};
        String[] texts = {"MX lookup", "smx lookup", "the mx", "mx", "not relay denied", "ok; Relay Denied", "x\n550 denied",
            "550 denied", " 550 denied", "SMTP server", "my server", "server", "xmail server", "token refresh", "token expired",
            "ʹ\u0000Ȩ", "ʹ12345678Ȩ", "\u212Ab failed", "\u0130kb; kbx failed", "İstanbul mx",
            "E-Mail server", "email-server", "e mail server"};
        int tried = 0;
        for (String pattern : patterns) {
            for (Prefilter.Branch b : Prefilter.branches(pattern)) {
                assertThat(b.leads()).as(pattern).isNotNull();
                for (String text : texts) {
                    tried++;
                    assertThat(b.finds(text, text.toLowerCase(Locale.ROOT))).as("%s on %s", pattern, text)
                            .isEqualTo(b.pattern().matcher(text).find());
                }
            }
        }
        assertThat(tried).isEqualTo(patterns.length * texts.length);
    }

    @Test
    void aPatternItCannotReadAlwaysRuns() {
        Prefilter p = Prefilter.of("\\d{3} (a|b)?c");
        assertThat(p.literals()).isNull();
        assertThat(p.mayMatch("anything")).isTrue();
        // Syntax the reader does not follow: always run rather than guess.
        assertThat(Prefilter.of("\\Qa.b\\E relay").literals()).isNull();
        assertThat(Prefilter.of("(?<word>relay) denied").literals()).isNull();
        assertThat(Prefilter.of("(?x) relay \\s denied").literals()).isNull();
        assertThat(Prefilter.of("\\u0041uth failed").literals()).isNull();
        // What stands before such syntax is still required.
        assertThat(Prefilter.of("relay \\x41 denied|certificate is valid for ([\\w-]+), not \\1").literals())
                .containsExactly("relay ", "certificate is valid for ");
    }

    /**
     * Every alternative of every bundled rule's text and unless patterns, catch-all and wording, on every development text
     * (the corpora's texts and the rules' examples; never the held-out part): where its pattern
     * matches, its prefilter lets it run.
     */
    @Test
    void noPatternIsEverKeptFromATextItMatches() throws java.io.IOException {
        List<String> texts = new ArrayList<>();
        KnowledgeBase kb = KnowledgeBase.bundled();
        List<Rule> rules = new ArrayList<>(kb.rules());
        rules.addAll(kb.fallbackRules());
        for (Rule r : rules) {
            r.examples().forEach(e -> texts.add(e.text()));
        }
        java.nio.file.Path corpora = java.nio.file.Path.of("src/test/resources/explain");
        try (var files = java.nio.file.Files.walk(corpora)) {
            for (java.nio.file.Path f : files.filter(x -> x.toString().endsWith(".jsonl"))
                    .filter(x -> !x.getFileName().toString().equals("test.jsonl")).toList()) {
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        texts.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("text").asText());
                    }
                }
            }
        }
        assertThat(texts).hasSizeGreaterThan(2000);
        List<String> lower = texts.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        List<String> patterns = new ArrayList<>();
        rules.stream().filter(r -> r.match() != null && r.match().text() != null).forEach(r -> patterns.add(r.match().text()));
        rules.stream().filter(r -> r.match() != null && r.match().unless() != null).forEach(r -> patterns.add(r.match().unless()));
        kb.wording().entries().forEach(e -> patterns.add(e.text()));
        int checked = 0;
        int led = 0;
        for (String pattern : patterns) {
            for (Prefilter.Branch b : Prefilter.branches(pattern)) {
                for (int t = 0; t < texts.size(); t++) {
                    if (!b.mayMatch(lower.get(t))) {
                        checked++;
                        assertThat(b.pattern().matcher(texts.get(t)).find()).as("%s on %s", b.pattern(), texts.get(t)).isFalse();
                    } else if (b.leads() != null) {
                        // Where it runs, trying it only where a lead starts finds what find() finds.
                        led++;
                        assertThat(b.finds(texts.get(t), lower.get(t))).as("leads of %s on %s", b.pattern(), texts.get(t))
                                .isEqualTo(b.pattern().matcher(texts.get(t)).find());
                    }
                }
            }
            Pattern whole = Pattern.compile(pattern, Pattern.CASE_INSENSITIVE);
            Prefilter filter = Prefilter.of(pattern);
            for (int t = 0; t < texts.size(); t++) {
                if (!filter.mayMatch(lower.get(t))) {
                    assertThat(whole.matcher(texts.get(t)).find()).as("%s on %s", pattern, texts.get(t)).isFalse();
                }
            }
        }
        assertThat(checked).as("texts the prefilters kept from a pattern").isGreaterThan(100_000);
        assertThat(led).as("texts a pattern was tried on at its leads").isGreaterThan(10_000);
    }

    /**
     * Text and unless alternatives share one literal pass: each rule's unless alternatives follow
     * its text alternatives in the automaton's bits. A rule whose unless words are in the text must
     * not match, whichever of its alternatives matched, and the next rule's bits are its own.
     */
    @Test
    void anUnlessAlternativeKeepsItsRuleFromMatchingThroughTheSharedLiteralPass() throws java.io.IOException {
        String yaml = """
                rules:
                  - id: t.size
                    cause: message_size_or_format
                    match: {client: true, text: "message too large|size limit exceeded", unless: "quota|mailbox (?:is )?full"}
                    title: t
                    explanation: t
                  - id: t.refused
                    cause: port_blocked_or_unreachable
                    match: {client: true, text: "connection refused|econnrefused", unless: '\\bproxy\\b'}
                    title: t
                    explanation: t
                """;
        List<Rule> rules = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readValue(yaml, KnowledgeBase.RuleFile.class).rules();
        KnowledgeBase kb = new KnowledgeBase(rules, DecideBy.EMPTY, Wording.NONE);
        java.util.function.Function<String, String> cause = t -> kb.decide(Evidence.raw(t, Vendor.OTHER)).diagnosis().cause().id();
        assertThat(cause.apply("error: size limit exceeded")).isEqualTo("message_size_or_format");
        assertThat(cause.apply("error: size limit exceeded (mailbox full)")).isEqualTo("unknown");
        assertThat(cause.apply("message too large, over quota")).isEqualTo("unknown");
        assertThat(cause.apply("ECONNREFUSED 127.0.0.1:587")).isEqualTo("port_blocked_or_unreachable");
        assertThat(cause.apply("ECONNREFUSED 127.0.0.1:587 via proxy")).isEqualTo("unknown");
        // Another rule's unless words do not count.
        assertThat(cause.apply("connection refused; mailbox full")).isEqualTo("port_blocked_or_unreachable");
        assertThat(cause.apply("message too large, no proxy")).isEqualTo("message_size_or_format");
    }

    @Test
    void theLiteralAutomatonFindsWhatContainsFinds() {
        List<List<String>> literals = List.of(List.of("relay access denied", "unable to relay"), List.of("auth"),
                List.of("authentication failed"), List.of("ai", "aia"), List.of("5.7.139"));
        LiteralIndex index = new LiteralIndex(new ArrayList<>(literals) {{ add(null); }});
        java.util.Random random = new java.util.Random(7);
        String alphabet = "aiut h.57139relyscdnfo";
        for (int n = 0; n < 2000; n++) {
            StringBuilder text = new StringBuilder();
            int len = random.nextInt(60);
            for (int i = 0; i < len; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (n % 10 == 0) {
                text.insert(random.nextInt(text.length() + 1), literals.get(n % literals.size()).get(0));
            }
            java.util.BitSet found = index.mayMatch(text.toString());
            for (int r = 0; r < literals.size(); r++) {
                boolean expected = literals.get(r).stream().anyMatch(text.toString()::contains);
                assertThat(found.get(r)).as("rule %d in %s", r, text).isEqualTo(expected);
            }
            assertThat(found.get(literals.size())).as("a rule without literals always may").isTrue();
        }
    }

    /** The same on the bundled rules' literals (hundreds of states, shared prefixes) and the development part's texts. */
    @Test
    void theLiteralAutomatonFindsWhatContainsFindsForTheBundledRules() throws java.io.IOException {
        KnowledgeBase kb = KnowledgeBase.bundled();
        List<List<String>> literals = new ArrayList<>();
        for (Rule r : kb.rules()) {
            if (r.match() != null && r.match().text() != null) {
                literals.add(Prefilter.of(r.match().text()).literals());
            }
        }
        LiteralIndex index = new LiteralIndex(literals);
        List<GeneralizationTest.Item> items = GeneralizationTest.read("/explain/generalization/dev.jsonl");
        assertThat(items).hasSizeGreaterThan(200);
        for (GeneralizationTest.Item item : items) {
            String lower = item.text().toLowerCase(java.util.Locale.ROOT);
            java.util.BitSet found = index.mayMatch(lower);
            for (int r = 0; r < literals.size(); r++) {
                List<String> lits = literals.get(r);
                boolean expected = lits == null || lits.stream().anyMatch(lower::contains);
                assertThat(found.get(r)).as("literals %s in %s", lits, item.id()).isEqualTo(expected);
            }
        }
    }

    /**
     * A rule whose text the prefilter cannot read runs its regular expression on every paste:
     * explain --batch lost about an eighth of its speed to three such rules in one round. Only these
     * may (each needs a pattern no literal of three characters can stand for).
     */
    @Test
    void everyBundledRuleHasAPrefilterButTheKnownFew() {
        KnowledgeBase kb = KnowledgeBase.bundled();
        List<Rule> all = new ArrayList<>(kb.rules());
        all.addAll(kb.fallbackRules());
        List<String> always = all.stream().filter(r -> r.match() != null && r.match().text() != null)
                .filter(r -> Prefilter.of(r.match().text()).literals() == null).map(Rule::id).toList();
        assertThat(always).containsExactlyInAnyOrder("qq.authorization-code", "fallback.reply-domain", "fallback.any-text");
    }
}
