package org.smtpdoctor.diagnosis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All rules' prefilter literals in one Aho-Corasick automaton: one pass over a text finds which
 * rules may match it, instead of one {@code contains} per literal per rule. Rules without
 * literals always may. Immutable and thread-safe once built.
 */
final class LiteralIndex {

    /** One state of the trie while it is built: its transitions and the rules whose literal ends here. */
    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        int[] rules = new int[0];
    }

    private final BitSet always = new BitSet();
    /** symbolOf[c]: the column of character c in {@link #delta} (0: not in any literal). */
    private final int[] symbolOf;
    private final int symbols;
    /**
     * delta[state * symbols + symbol]: the next state's row (state * symbols), negative (-row - 1) when that
     * state has outputs: the hot loop needs no multiplication and one test per character.
     */
    private final int[] delta;
    /** The rules whose literal ends in each state (with those of its failure states), or null. */
    private final int[][] outputs;

    /** @param literals per rule (by index): its lower-case literals, or null when the rule must always run */
    LiteralIndex(List<List<String>> literals) {
        Node root = new Node();
        java.util.TreeSet<Character> alphabet = new java.util.TreeSet<>();
        for (int i = 0; i < literals.size(); i++) {
            List<String> lits = literals.get(i);
            if (lits == null) {
                always.set(i);
                continue;
            }
            for (String lit : lits) {
                Node n = root;
                for (int k = 0; k < lit.length(); k++) {
                    alphabet.add(lit.charAt(k));
                    n = n.next.computeIfAbsent(lit.charAt(k), c -> new Node());
                }
                n.rules = append(n.rules, i);
            }
        }
        symbolOf = new int[Character.MAX_VALUE + 1];
        int sym = 1;
        for (char c : alphabet) {
            symbolOf[c] = sym++;
        }
        symbols = sym;
        // States in breadth-first order, so that a state's failure state (shallower) is complete before it.
        List<Node> nodes = new ArrayList<>();
        Map<Node, Integer> ids = new java.util.IdentityHashMap<>();
        ArrayDeque<Node> order = new ArrayDeque<>(List.of(root));
        while (!order.isEmpty()) {
            Node n = order.poll();
            ids.put(n, nodes.size());
            nodes.add(n);
            order.addAll(n.next.values());
        }
        int[] next = new int[nodes.size() * symbols]; // the next state's id; symbol 0 always leads to the root
        int[] fail = new int[nodes.size()];
        outputs = new int[nodes.size()][];
        for (int id = 0; id < nodes.size(); id++) {
            Node n = nodes.get(id);
            int[] rules = n.rules;
            if (id != 0) {
                // The classic construction: a missing transition is the failure state's, whose row is done.
                System.arraycopy(next, fail[id] * symbols, next, id * symbols, symbols);
                if (outputs[fail[id]] != null) {
                    for (int r : outputs[fail[id]]) {
                        rules = append(rules, r);
                    }
                }
            }
            outputs[id] = rules.length == 0 ? null : rules;
            for (Map.Entry<Character, Node> e : n.next.entrySet()) {
                int column = symbolOf[e.getKey()];
                int child = ids.get(e.getValue());
                // The child's failure state: where the text goes from this state's failure state on the same
                // character (the root for the root's children).
                fail[child] = id == 0 ? 0 : next[id * symbols + column];
                next[id * symbols + column] = child;
            }
        }
        // Each entry becomes its target's row, in place: it depends on the entry alone.
        for (int i = 0; i < next.length; i++) {
            int row = next[i] * symbols;
            next[i] = outputs[next[i]] == null ? row : -row - 1;
        }
        delta = next;
    }

    private static int[] append(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return a;
            }
        }
        int[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /** The rules that may match a text: those with a literal in it, and those without literals. */
    BitSet mayMatch(String lower) {
        BitSet out = (BitSet) always.clone();
        int row = 0;
        int[] d = delta;
        int[] sym = symbolOf;
        int width = symbols;
        // A state's outputs are added once per text, however often a common literal recurs.
        long[] seen = new long[(outputs.length + 63) >>> 6];
        // charAt, not toCharArray: no copy, and a Latin-1 text is not widened to two bytes a character.
        for (int i = 0, n = lower.length(); i < n; i++) {
            int next = d[row + sym[lower.charAt(i)]];
            if (next >= 0) {
                row = next;
                continue;
            }
            row = -next - 1;
            int state = row / width;
            if ((seen[state >>> 6] & (1L << state)) == 0) {
                seen[state >>> 6] |= 1L << state;
                for (int r : outputs[state]) {
                    out.set(r);
                }
            }
        }
        return out;
    }

    static List<List<String>> of(List<Prefilter> prefilters) {
        List<List<String>> out = new ArrayList<>();
        for (Prefilter p : prefilters) {
            out.add(p.literals());
        }
        return out;
    }
}
