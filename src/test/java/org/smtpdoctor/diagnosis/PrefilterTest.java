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
}
