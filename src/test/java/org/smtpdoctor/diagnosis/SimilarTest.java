package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The similar-messages model (rules/similar.tsv): made from the read sets only, current with
 * them, and ranking by shared words.
 */
class SimilarTest {

    /**
     * The sets the model is made from: the development part, the old corpus and the fresh sets that
     * rule authors have read. Never the test part, nor a set measured unseen and not yet read
     * (README of the generalization folder).
     */
    static final List<String> TRAINING = List.of("/explain/corpus.jsonl", "/explain/generalization/dev.jsonl",
            "/explain/generalization/fresh.jsonl", "/explain/generalization/fresh2.jsonl",
            "/explain/generalization/fresh3.jsonl", "/explain/generalization/fresh4.jsonl",
            "/explain/generalization/fresh5.jsonl", "/explain/generalization/fresh6.jsonl",
            "/explain/generalization/fresh7.jsonl", "/explain/generalization/fresh8.jsonl",
            "/explain/generalization/fresh9.jsonl", "/explain/generalization/fresh10.jsonl",
            "/explain/generalization/fresh11.jsonl", "/explain/generalization/fresh12.jsonl",
            "/explain/generalization/fresh13.jsonl", "/explain/generalization/fresh14.jsonl",
            "/explain/generalization/fresh15.jsonl", "/explain/generalization/fresh16.jsonl",
            "/explain/generalization/fresh17.jsonl", "/explain/generalization/fresh18.jsonl",
            "/explain/generalization/fresh19.jsonl", "/explain/generalization/fresh20.jsonl",
            "/explain/generalization/fresh21.jsonl", "/explain/generalization/fresh22.jsonl",
            "/explain/generalization/fresh23.jsonl", "/explain/generalization/fresh24.jsonl",
            "/explain/generalization/fresh25.jsonl", "/explain/generalization/fresh26.jsonl",
            "/explain/generalization/fresh27.jsonl", "/explain/generalization/fresh28.jsonl",
            "/explain/generalization/fresh29.jsonl", "/explain/generalization/fresh31.jsonl",
            "/explain/generalization/fresh32.jsonl", "/explain/generalization/fresh33.jsonl",
            "/explain/generalization/fresh34.jsonl", "/explain/generalization/fresh35.jsonl",
            "/explain/generalization/fresh30.jsonl", "/explain/generalization/fresh36.jsonl",
            "/explain/generalization/fresh37.jsonl", "/explain/generalization/fresh38.jsonl",
            "/explain/generalization/fresh39.jsonl", "/explain/generalization/fresh40.jsonl",
            "/explain/generalization/fresh41.jsonl", "/explain/generalization/fresh42.jsonl",
            "/explain/generalization/fresh43.jsonl", "/explain/generalization/fresh44.jsonl",
            "/explain/generalization/fresh45.jsonl", "/explain/generalization/fresh46.jsonl",
            "/explain/generalization/fresh47.jsonl", "/explain/generalization/fresh48.jsonl",
            "/explain/generalization/fresh49.jsonl", "/explain/generalization/fresh50.jsonl",
            "/explain/generalization/fresh51.jsonl", "/explain/generalization/fresh52.jsonl",
            "/explain/generalization/fresh53.jsonl", "/explain/generalization/fresh54.jsonl",
            "/explain/generalization/fresh55.jsonl", "/explain/generalization/fresh56.jsonl",
            "/explain/generalization/fresh57.jsonl", "/explain/generalization/fresh58.jsonl",
            "/explain/generalization/fresh59.jsonl", "/explain/generalization/fresh60.jsonl",
            "/explain/generalization/fresh61.jsonl", "/explain/generalization/fresh62.jsonl",
            "/explain/generalization/fresh63.jsonl", "/explain/generalization/fresh64.jsonl",
            "/explain/generalization/fresh65.jsonl", "/explain/generalization/fresh66.jsonl",
            "/explain/generalization/fresh67.jsonl", "/explain/generalization/fresh68.jsonl",
            "/explain/generalization/fresh69.jsonl", "/explain/generalization/fresh70.jsonl",
            "/explain/generalization/fresh71.jsonl", "/explain/generalization/fresh72.jsonl",
            "/explain/generalization/fresh73.jsonl", "/explain/generalization/fresh74.jsonl",
            "/explain/generalization/fresh75.jsonl", "/explain/generalization/fresh76.jsonl",
            "/explain/generalization/fresh77.jsonl", "/explain/generalization/fresh78.jsonl",
            "/explain/generalization/fresh79.jsonl", "/explain/generalization/fresh80.jsonl",
            "/explain/generalization/fresh81.jsonl", "/explain/generalization/fresh82.jsonl",
            "/explain/generalization/fresh84.jsonl", "/explain/generalization/fresh85.jsonl",
            "/explain/generalization/fresh86.jsonl", "/explain/generalization/fresh87.jsonl",
            "/explain/generalization/fresh88.jsonl", "/explain/generalization/fresh89.jsonl",
            "/explain/generalization/fresh90.jsonl", "/explain/generalization/fresh91.jsonl",
            "/explain/generalization/fresh92.jsonl", "/explain/generalization/fresh93.jsonl",
            "/explain/generalization/fresh94.jsonl", "/explain/generalization/fresh95.jsonl",
            "/explain/generalization/fresh96.jsonl", "/explain/generalization/fresh97.jsonl",
            "/explain/generalization/fresh98.jsonl", "/explain/generalization/fresh99.jsonl",
            "/explain/generalization/fresh100.jsonl", "/explain/generalization/fresh101.jsonl",
            "/explain/generalization/fresh102.jsonl", "/explain/generalization/fresh103.jsonl",
            "/explain/generalization/fresh104.jsonl", "/explain/generalization/fresh105.jsonl",
            "/explain/generalization/fresh106.jsonl", "/explain/generalization/fresh107.jsonl",
            "/explain/generalization/fresh108.jsonl", "/explain/generalization/fresh109.jsonl",
            "/explain/generalization/fresh110.jsonl", "/explain/generalization/fresh111.jsonl",
            "/explain/generalization/fresh112.jsonl", "/explain/generalization/fresh113.jsonl",
            "/explain/generalization/fresh114.jsonl", "/explain/generalization/fresh115.jsonl",
            "/explain/generalization/fresh116.jsonl", "/explain/generalization/fresh117.jsonl",
            "/explain/generalization/fresh118.jsonl", "/explain/generalization/fresh119.jsonl",
            "/explain/generalization/fresh120.jsonl", "/explain/generalization/fresh121.jsonl",
            "/explain/generalization/fresh122.jsonl", "/explain/generalization/fresh123.jsonl");
    static final Path MODEL = Path.of("src/main/resources", Similar.RESOURCE);

    /** A labelled message as the model learns it: its truth when the text alone was labelled unknown. */
    static Similar.Labelled labelled(GeneralizationTest.Item i) {
        return new Similar.Labelled(i.text(), Cause.byId(i.truth().isEmpty() ? i.cause() : i.truth()).orElseThrow());
    }

    static String made() throws IOException {
        List<Similar.Labelled> labelled = new ArrayList<>();
        for (String set : TRAINING) {
            GeneralizationTest.read(set).forEach(i -> labelled.add(labelled(i)));
        }
        return Similar.train(labelled, """
                Made by SimilarTest from the labelled messages of the sets rule authors have read (never test.jsonl):
                %s
                Regenerate after a set changes or joins: mvn -o -q test -Dtest=SimilarTest -Dsimilar.write=true
                The causes line: how many messages each cause has; a word's line: how many messages of each cause held it."""
                .formatted(String.join(" ", TRAINING.stream().map(s -> s.substring(s.lastIndexOf('/') + 1)).toList())));
    }

    @Test
    void theBundledModelIsTheOneTheReadSetsMake() throws IOException {
        String made = made();
        if (Boolean.getBoolean("similar.write")) {
            Files.writeString(MODEL, made, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(MODEL, StandardCharsets.UTF_8))
                .as("rules/similar.tsv is stale: regenerate with mvn -o -q test -Dtest=SimilarTest -Dsimilar.write=true")
                .isEqualTo(made);
    }

    /**
     * Leave one set out: each read set explained with a hint made from the other sets only, so the hint never saw the
     * message it ranks (the rules did: these figures flatter them, not the hint). Prints the figures that chose
     * Similar's smoothing and prior weight (docs/rules.md, "Similar messages"); fails if the hint falls below them.
     */
    @Test
    void leaveOneSetOutFigures() throws IOException {
        KnowledgeBase knowledge = KnowledgeBase.bundled();
        java.util.Map<String, List<GeneralizationTest.Item>> sets = new java.util.LinkedHashMap<>();
        for (String set : TRAINING) {
            sets.put(set, GeneralizationTest.read(set));
        }
        List<GeneralizationTest.Outcome> all = new ArrayList<>();
        List<GeneralizationTest.Outcome> undecided = new ArrayList<>();
        for (String left : TRAINING) {
            List<Similar.Labelled> labelled = new ArrayList<>();
            sets.forEach((set, items) -> {
                if (!set.equals(left)) {
                    items.forEach(i -> labelled.add(labelled(i)));
                }
            });
            Explainer explainer = new Explainer(knowledge, Similar.parse(Similar.train(labelled, "")));
            for (GeneralizationTest.Item item : sets.get(left)) {
                GeneralizationTest.Outcome o = GeneralizationTest.judge(explainer, item);
                all.add(o);
                if (o.diagnosis().cause() == Cause.UNKNOWN) {
                    undecided.add(o);
                }
            }
        }
        GeneralizationTest.Figures f = GeneralizationTest.figures(all);
        GeneralizationTest.Figures u = GeneralizationTest.figures(undecided);
        System.out.println(f.line("leave-one-set-out, all read sets"));
        System.out.println(u.line("leave-one-set-out, the answers left unknown"));
        assertThat((double) f.truthAmong() / f.total()).as("truth among candidates, all").isGreaterThanOrEqualTo(0.920);
        assertThat((double) u.truthAmong() / u.total()).as("truth among candidates, unknown answers")
                .isGreaterThanOrEqualTo(0.840);
    }

    @Test
    void neverMadeFromTheTestPartNorAnUnreadSet() {
        assertThat(TRAINING).noneMatch(s -> s.endsWith("/test.jsonl"))
                .noneMatch(s -> s.matches(".*/fresh(12[4-9]|1[3-9]\\d|[2-9]\\d\\d)\\.jsonl"));
        assertThat(Similar.bundled().messages()).isGreaterThan(2500);
    }

    /** The hand-written scanner finds exactly what the token regex finds: on every read set's text, and on random text. */
    @Test
    void theScannerFindsWhatTheTokenRegexFinds() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String set : TRAINING) {
            GeneralizationTest.read(set).forEach(i -> texts.add(i.text().toLowerCase(java.util.Locale.ROOT)));
        }
        java.util.Random random = new java.util.Random(7);
        String alphabet = "abz_09125.-: \n\u00e9\u0416\u00b2()[]";
        for (int k = 0; k < 5000; k++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(b.toString());
        }
        for (String text : texts) {
            List<String> byRegex = new ArrayList<>();
            java.util.regex.Matcher m = Similar.TOKEN.matcher(text);
            while (m.find()) {
                byRegex.add(m.start() + ":" + m.group());
            }
            List<String> byScan = new ArrayList<>();
            Similar.scan(text, (start, end) -> byScan.add(start + ":" + text.substring(start, end)));
            assertThat(byScan).as(text).isEqualTo(byRegex);
        }
    }

    @Test
    void ranksTheCauseWhoseMessagesShareTheWords() {
        List<Similar.Labelled> messages = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            messages.add(new Similar.Labelled("530 please log in first, session " + (char) ('a' + i) + "xx",
                    Cause.CLIENT_NOT_AUTHENTICATED));
        }
        messages.addAll(List.of(
                new Similar.Labelled("452 mailbox quota exceeded for user", Cause.OTHER),
                new Similar.Labelled("552 quota exceeded, mailbox full", Cause.OTHER),
                new Similar.Labelled("421 too many connections from your host, slow down", Cause.THROTTLING_RATE_LIMIT),
                new Similar.Labelled("450 too many messages, slow down please", Cause.THROTTLING_RATE_LIMIT),
                new Similar.Labelled("535 authentication failed: bad password", Cause.WRONG_CREDENTIALS),
                new Similar.Labelled("535 password incorrect, authentication failed", Cause.WRONG_CREDENTIALS),
                new Similar.Labelled("554 it said nothing useful", Cause.UNKNOWN)));
        Similar s = Similar.parse(Similar.train(messages, "test"));

        assertThat(s.messages()).isEqualTo(20);
        assertThat(s.rank(s.seen("your quota is exceeded").known(), Vendor.OTHER).get(0)).isEqualTo(Cause.OTHER);
        assertThat(s.rank(s.seen("too many connections: slow down").known(), Vendor.OTHER).get(0)).isEqualTo(Cause.THROTTLING_RATE_LIMIT);
        assertThat(s.telling(s.seen("your quota is exceeded"), Cause.OTHER)).containsExactlyInAnyOrder("quota", "exceeded");
        // In every login message: too common to tell anything.
        assertThat(s.telling(s.seen("please log in first"), Cause.CLIENT_NOT_AUTHENTICATED)).isEmpty();
        assertThat(s.rank(s.seen("nothing it knows: zzz").known(), Vendor.OTHER)).isEmpty();
    }

    @Test
    void offersNoMicrosoftOnlyCauseForAnotherVendor() {
        Similar s = Similar.bundled();
        List<String> known = s.seen("535 5.7.139 authentication unsuccessful, smtpclientauthentication is disabled for the tenant").known();
        assertThat(s.rank(known, Vendor.MICROSOFT).get(0)).isEqualTo(Cause.TENANT_SMTP_AUTH_DISABLED);
        assertThat(s.rank(known, Vendor.OTHER)).isNotEmpty().noneMatch(Cause::microsoftOnly);
    }
}
