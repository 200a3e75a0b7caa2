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
    void theLeadingLiteralOfEachAlternativeIsRequired() {
        assertThat(Prefilter.of("Connection refused|ECONNREFUSED|\\[Errno 111\\]").literals())
                .containsExactly("connection refused", "econnrefused", "[errno 111]");
        assertThat(Prefilter.of("(?s)(smtp\\.office365\\.com|smtp\\.gmail\\.com).{0,600}?220").literals())
                .containsExactly("smtp.office365.com", "smtp.gmail.com");
        assertThat(Prefilter.of("\\bspam\\b|auth(entication)? required").literals()).containsExactly("spam", "auth");
        // An optional character is not required; a quantified one needs at least one.
        assertThat(Prefilter.of("colou?r|fo+").literals()).isNull();
        assertThat(Prefilter.of("authorization code|x+yz").literals()).isNull();
    }

    @Test
    void aPatternItCannotReadAlwaysRuns() {
        Prefilter p = Prefilter.of("\\d{3} (a|b)?c");
        assertThat(p.literals()).isNull();
        assertThat(p.mayMatch("anything")).isTrue();
    }

    @Test
    void noRuleIsEverKeptFromATextItsPatternMatches() {
        List<String> texts = new ArrayList<>();
        for (Rule r : KnowledgeBase.bundled().rules()) {
            r.examples().forEach(e -> texts.add(e.text()));
        }
        for (Rule r : KnowledgeBase.bundled().rules()) {
            if (r.match() == null || r.match().text() == null) {
                continue;
            }
            Pattern regex = Pattern.compile(r.match().text(), Pattern.CASE_INSENSITIVE);
            Prefilter filter = Prefilter.of(r.match().text());
            for (String t : texts) {
                if (regex.matcher(t).find()) {
                    assertThat(filter.mayMatch(t.toLowerCase(Locale.ROOT))).as("%s on %s", r.id(), t).isTrue();
                }
            }
        }
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
        assertThat(always).containsExactlyInAnyOrder("qq.authorization-code", "smtp.sender-unknown",
                "fallback.reply-certificate", "fallback.reply-domain", "fallback.any-text");
    }
}
