package org.smtpdoctor.diagnosis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the labelled real messages say about a paste's words: a multinomial naive Bayes model
 * over the words and codes of the generalization corpus's development sets (never its test
 * part), read from {@value #RESOURCE}. It never decides a cause: it ranks the causes of the
 * messages whose words are most like the paste's, and the explainer gives the best of them the
 * candidate slot the rules left free (docs/rules.md, "Similar messages"). Immutable.
 */
final class Similar {

    static final String RESOURCE = "rules/similar.tsv";
    /** Words of three or more characters, enhanced codes and reply codes, of the lower-cased text. */
    private static final Pattern TOKEN = Pattern.compile("[a-z][a-z0-9_]{2,}|\\d\\.\\d{1,3}\\.\\d{1,3}|\\b[2-5]\\d\\d\\b");
    /** A host name ({@code SN4PR05CA0054.namprd05.prod.outlook.com}): its parts count, but say nothing to a reader. */
    private static final Pattern HOST = Pattern.compile("(?i)[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}\\b");
    /** Laplace smoothing of the word counts. */
    private static final double ALPHA = 1.0;
    /** The causes' frequency counts half as much as one word: the sets' mix is not the world's. */
    private static final double PRIOR_WEIGHT = 0.5;
    /** The words named in a candidate's reason. */
    private static final int WHY_WORDS = 3;

    private final Cause[] causes;
    /** Per cause: its weighted log prior, and the log likelihood of a word its messages never had. */
    private final double[] prior;
    private final double[] unseen;
    /** Per known word: its log likelihood under each cause, and in how many messages of each it stood. */
    private final Map<String, double[]> weights;
    private final Map<String, int[]> counts;
    private final int messages;

    private Similar(Cause[] causes, int[] messages, Map<String, int[]> counts) {
        this.causes = causes;
        this.counts = counts;
        int n = causes.length;
        long all = Arrays.stream(messages).asLongStream().sum();
        this.messages = (int) all;
        long[] words = new long[n];
        counts.values().forEach(c -> {
            for (int i = 0; i < n; i++) {
                words[i] += c[i];
            }
        });
        prior = new double[n];
        unseen = new double[n];
        for (int i = 0; i < n; i++) {
            double denominator = words[i] + ALPHA * counts.size();
            prior[i] = PRIOR_WEIGHT * Math.log((double) messages[i] / all);
            unseen[i] = Math.log(ALPHA / denominator);
        }
        weights = new HashMap<>();
        counts.forEach((word, c) -> {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = Math.log((c[i] + ALPHA) / (words[i] + ALPHA * counts.size()));
            }
            weights.put(word, w);
        });
    }

    /** A model that knows no word: no hint (to measure the rules' own candidates). */
    static final Similar NONE = new Similar(new Cause[0], new int[0], Map.of());

    private static volatile Similar bundled;

    /** The model shipped with smtp-doctor, loaded on first use. */
    static Similar bundled() {
        Similar s = bundled;
        if (s == null) {
            try (InputStream in = Similar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                s = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            bundled = s; // a race reads it twice: harmless
        }
        return s;
    }

    /** One labelled message: its text and the cause its source established. */
    record Labelled(String text, Cause cause) {}

    /**
     * The model file for these messages: a {@code causes} line with how many messages each cause
     * has, then one line per word found in two messages or more, with the messages of each cause
     * that hold it ({@code index:count}). {@code unknown} messages are left out.
     */
    static String train(List<Labelled> messages, String header) {
        Map<Cause, Integer> perCause = new EnumMap<>(Cause.class);
        Map<String, Map<Cause, Integer>> perWord = new TreeMap<>();
        for (Labelled m : messages) {
            if (m.cause() == Cause.UNKNOWN) {
                continue;
            }
            perCause.merge(m.cause(), 1, Integer::sum);
            for (String word : words(m.text())) {
                perWord.computeIfAbsent(word, w -> new EnumMap<>(Cause.class)).merge(m.cause(), 1, Integer::sum);
            }
        }
        List<Cause> order = new ArrayList<>(perCause.keySet());
        StringBuilder out = new StringBuilder();
        header.lines().forEach(l -> out.append("# ").append(l).append('\n'));
        out.append("causes");
        order.forEach(c -> out.append('\t').append(c.id()).append(':').append(perCause.get(c)));
        out.append('\n');
        perWord.forEach((word, byCause) -> {
            if (byCause.values().stream().mapToInt(Integer::intValue).sum() < 2) {
                return;
            }
            out.append(word);
            byCause.forEach((c, k) -> out.append('\t').append(order.indexOf(c)).append(':').append(k));
            out.append('\n');
        });
        return out.toString();
    }

    static Similar parse(String tsv) {
        Cause[] causes = null;
        int[] messages = null;
        Map<String, int[]> counts = new HashMap<>();
        for (String line : tsv.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f[0].equals("causes")) {
                causes = new Cause[f.length - 1];
                messages = new int[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    String[] kv = f[i].split(":");
                    causes[i - 1] = Cause.byId(kv[0]).orElseThrow(() -> new IllegalArgumentException(
                            RESOURCE + ": unknown cause " + kv[0]));
                    messages[i - 1] = Integer.parseInt(kv[1]);
                }
                continue;
            }
            if (causes == null) {
                throw new IllegalArgumentException(RESOURCE + ": a word before the causes line");
            }
            int[] c = new int[causes.length];
            for (int i = 1; i < f.length; i++) {
                String[] kv = f[i].split(":");
                c[Integer.parseInt(kv[0])] = Integer.parseInt(kv[1]);
            }
            counts.put(f[0], c);
        }
        if (causes == null) {
            throw new IllegalArgumentException(RESOURCE + ": no causes line");
        }
        return new Similar(causes, messages, counts);
    }

    /** The distinct tokens of a text, in order of first appearance. */
    static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(java.util.Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * The causes, most likely first, for a text's words (only those the model knows count); no
     * Microsoft-only cause for another vendor's text. Empty when no word is known.
     */
    List<Cause> rank(String text, Vendor vendor) {
        List<String> known = known(text);
        if (known.isEmpty()) {
            return List.of();
        }
        double[] score = prior.clone();
        for (String w : known) {
            double[] lw = weights.get(w);
            for (int i = 0; i < score.length; i++) {
                score[i] += lw[i];
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < causes.length; i++) {
            if (vendor == Vendor.MICROSOFT || !causes[i].microsoftOnly()) {
                order.add(i);
            }
        }
        order.sort(Comparator.comparingDouble((Integer i) -> score[i]).reversed());
        return order.stream().map(i -> causes[i]).toList();
    }

    /**
     * The words of the text that most favour the cause over the others: among those its messages
     * had twice or more, not among the most common words, and not in a host name.
     */
    List<String> telling(String text, Cause cause) {
        int i = Arrays.asList(causes).indexOf(cause);
        if (i < 0) {
            return List.of();
        }
        return known(HOST.matcher(text).replaceAll(" ")).stream()
                .filter(w -> counts.get(w)[i] >= 2 && !common(w) && lift(w, i) > 0)
                .sorted(Comparator.comparingDouble((String w) -> lift(w, i)).reversed())
                .limit(WHY_WORDS)
                .toList();
    }

    private List<String> known(String text) {
        return words(text).stream().filter(weights::containsKey).toList();
    }

    /** Whether a word stands in more than a tenth of all messages ("the", "for", "smtp"): it tells nothing. */
    private boolean common(String w) {
        return Arrays.stream(counts.get(w)).sum() * 10 > messages;
    }

    /** How much likelier word {@code w} is under cause {@code i} than under the average cause. */
    private double lift(String w, int i) {
        double[] lw = weights.get(w);
        double mean = Arrays.stream(lw).map(Math::exp).average().orElse(0);
        return lw[i] - Math.log(mean);
    }

    /** How many labelled messages the model was made from. */
    int messages() {
        return messages;
    }
}
