package org.smtpdoctor.diagnosis;

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
    /**
     * What a token is, in a lower-cased text: a word of three or more characters, an enhanced code, a
     * reply code. {@link #scan} finds the same by hand (SimilarTest compares them), several times faster.
     */
    static final Pattern TOKEN = Pattern.compile("[a-z][a-z0-9_]{2,}|\\d\\.\\d{1,3}\\.\\d{1,3}|\\b[2-5]\\d\\d\\b");
    /** Laplace smoothing of the word counts. */
    private static final double ALPHA = 1.0;
    /**
     * The causes' frequency counts half as much as one word: the sets' mix is not the world's. Measured again in the
     * nineteenth round by the explainer's figures with each read set's hint made from the other sets (SimilarTest,
     * leave one set out): twice a word's weight gave 4,544 of 4,914 truths among candidates against 4,531, but gave
     * the third place of Microsoft's 535 5.7.3 catch-all to an Exchange Server mechanism reading instead of Basic
     * auth's retirement, which the sign-in log decides; kept at half.
     */
    private static final double PRIOR_WEIGHT = 0.5;
    /** The words named in a candidate's reason. */
    private static final int WHY_WORDS = 3;

    private final Cause[] causes;
    /** Per cause: its weighted log prior. */
    private final double[] prior;
    /** The words the model knows. */
    private final Map<String, Word> words;
    private final int messages;

    /**
     * One known word: its log likelihood under each cause, in how many messages of each cause it
     * stood (and in all), and the log of its mean likelihood over the causes (for {@link #telling}).
     */
    private record Word(double[] weights, int[] counts, int messages, double logMean) {}

    private Similar(Cause[] causes, int[] messages, Map<String, int[]> counts) {
        this.causes = causes;
        int n = causes.length;
        long all = Arrays.stream(messages).asLongStream().sum();
        this.messages = (int) all;
        long[] total = new long[n];
        counts.values().forEach(c -> {
            for (int i = 0; i < n; i++) {
                total[i] += c[i];
            }
        });
        prior = new double[n];
        for (int i = 0; i < n; i++) {
            prior[i] = PRIOR_WEIGHT * Math.log((double) messages[i] / all);
        }
        words = new HashMap<>();
        counts.forEach((word, c) -> {
            double[] w = new double[n];
            double mean = 0;
            for (int i = 0; i < n; i++) {
                w[i] = Math.log((c[i] + ALPHA) / (total[i] + ALPHA * counts.size()));
                mean += Math.exp(w[i]) / n;
            }
            words.put(word, new Word(w, c, Arrays.stream(c).sum(), Math.log(mean)));
        });
    }

    /** A model that knows no word: no hint (to measure the rules' own candidates). */
    static final Similar NONE = new Similar(new Cause[0], new int[0], Map.of());

    private static final class Holder {
        static final Similar INSTANCE = parse(KnowledgeBase.resource(RESOURCE));
    }

    /** The model shipped with smtp-doctor, loaded on first use. */
    static Similar bundled() {
        return Holder.INSTANCE;
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
            for (String word : tokens(m.text())) {
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

    /** Where a token was found: {@code [start, end)} of the scanned text. */
    interface Found {
        void at(int start, int end);
    }

    /** Finds, left to right, what {@link #TOKEN} finds in a lower-cased text. */
    static void scan(String s, Found found) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            int end = i;
            if (c >= 'a' && c <= 'z') {
                end = i + 1;
                while (end < n && (lowerLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
                    end++;
                }
                end = end - i >= 3 ? end : i;
            } else if (c >= '0' && c <= '9') {
                end = enhancedEnd(s, i);
                if (end == i && c >= '2' && c <= '5' && i + 3 <= n && digit(s.charAt(i + 1)) && digit(s.charAt(i + 2))
                        && (i == 0 || !wordChar(s.charAt(i - 1))) && (i + 3 == n || !wordChar(s.charAt(i + 3)))) {
                    end = i + 3;
                }
            }
            if (end > i) {
                found.at(i, end);
                i = end;
            } else {
                i++;
            }
        }
    }

    /** The end of an enhanced code (digit, dot, 1-3 digits, dot, 1-3 digits) starting at {@code i}, or {@code i}. */
    private static int enhancedEnd(String s, int i) {
        int n = s.length();
        if (i + 1 >= n || s.charAt(i + 1) != '.') {
            return i;
        }
        int j = i + 2;
        while (j < n && digit(s.charAt(j))) {
            j++;
        }
        if (j - (i + 2) < 1 || j - (i + 2) > 3 || j >= n || s.charAt(j) != '.') {
            return i;
        }
        int k = j + 1;
        while (k < n && k - (j + 1) < 3 && digit(s.charAt(k))) {
            k++;
        }
        return k > j + 1 ? k : i;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean lowerLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || digit(c);
    }

    /** A word character as the regex's {@code \b} sees one. */
    private static boolean wordChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    /** The distinct tokens of a text, in order of first appearance. */
    static Set<String> tokens(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        Set<String> out = new LinkedHashSet<>();
        scan(lower, (start, end) -> out.add(lower.substring(start, end)));
        return out;
    }

    /**
     * The words of a lower-cased text that the model knows, distinct and in order of first appearance,
     * and those of them that stand somewhere outside a host name (for {@link #telling}).
     */
    record Seen(List<String> known, Set<String> outsideHosts) {}

    /** The known words of a lower-cased text: one scan. */
    Seen seen(String lower) {
        Set<String> known = new LinkedHashSet<>();
        Set<String> outside = new LinkedHashSet<>();
        scan(lower, (start, end) -> {
            String w = lower.substring(start, end);
            if (words.containsKey(w)) {
                known.add(w);
                if (!inHostName(lower, start, end)) {
                    outside.add(w);
                }
            }
        });
        return new Seen(List.copyOf(known), outside);
    }

    /**
     * The causes, most likely first, for a text's known words ({@link #seen}); no Microsoft-only cause
     * for another vendor's text. Empty when no word is known.
     */
    List<Cause> rank(List<String> known, Vendor vendor) {
        if (known.isEmpty()) {
            return List.of();
        }
        double[] score = prior.clone();
        for (String w : known) {
            double[] lw = words.get(w).weights();
            for (int i = 0; i < score.length; i++) {
                score[i] += lw[i];
            }
        }
        // An insertion sort of the cause indexes by score, best first: a few dozen, no boxing.
        int[] order = new int[causes.length];
        int n = 0;
        for (int i = 0; i < causes.length; i++) {
            if (vendor != Vendor.MICROSOFT && causes[i].microsoftOnly()) {
                continue;
            }
            int j = n++;
            while (j > 0 && score[order[j - 1]] < score[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        Cause[] out = new Cause[n];
        for (int k = 0; k < n; k++) {
            out[k] = causes[order[k]];
        }
        return List.of(out);
    }

    /**
     * The words of a text that most favour the cause over the others: among those its messages had
     * twice or more, not among the most common words, and not only in a host name.
     */
    List<String> telling(Seen seen, Cause cause) {
        int i = Arrays.asList(causes).indexOf(cause);
        if (i < 0) {
            return List.of();
        }
        return seen.outsideHosts().stream()
                .filter(w -> words.get(w).counts()[i] >= 2 && !common(w) && lift(w, i) > 0)
                .sorted(Comparator.comparingDouble((String w) -> lift(w, i)).reversed())
                .limit(WHY_WORDS)
                .toList();
    }

    /** Whether the word at {@code [start, end)} is a label of a host name ({@code namprd05.prod.outlook.com}). */
    private static boolean inHostName(String text, int start, int end) {
        return start > 0 && text.charAt(start - 1) == '.'
                || end + 1 < text.length() && text.charAt(end) == '.' && Character.isLetterOrDigit(text.charAt(end + 1));
    }

    /** Whether a word stands in more than a tenth of all messages ("the", "for", "smtp"): it tells nothing. */
    private boolean common(String w) {
        return words.get(w).messages() * 10 > messages;
    }

    /** How much likelier word {@code w} is under cause {@code i} than under the average cause. */
    private double lift(String w, int i) {
        Word word = words.get(w);
        return word.weights()[i] - word.logMean();
    }

    /** How many labelled messages the model was made from. */
    int messages() {
        return messages;
    }
}
