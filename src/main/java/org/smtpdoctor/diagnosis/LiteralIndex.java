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

    /** One state: its transitions, its failure link, and the rules whose literal ends here. */
    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        /** {@link #next} frozen into arrays for the hot loop (no boxing). */
        char[] keys;
        Node[] kids;
        /** For the root only: ASCII transitions by index. */
        Node[] ascii;
        Node fail;
        int[] rules = new int[0];

        Node step(char c) {
            if (ascii != null) {
                return c < 128 ? ascii[c] : find(c);
            }
            return find(c);
        }

        private Node find(char c) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == c) {
                    return kids[i];
                }
            }
            return null;
        }

        void freeze() {
            keys = new char[next.size()];
            kids = new Node[next.size()];
            int i = 0;
            for (Map.Entry<Character, Node> e : next.entrySet()) {
                keys[i] = e.getKey();
                kids[i++] = e.getValue();
            }
        }
    }

    private final Node root = new Node();
    private final BitSet always = new BitSet();

    /** @param literals per rule (by index): its lower-case literals, or null when the rule must always run */
    LiteralIndex(List<List<String>> literals) {
        for (int i = 0; i < literals.size(); i++) {
            List<String> lits = literals.get(i);
            if (lits == null) {
                always.set(i);
                continue;
            }
            for (String lit : lits) {
                Node n = root;
                for (int k = 0; k < lit.length(); k++) {
                    n = n.next.computeIfAbsent(lit.charAt(k), c -> new Node());
                }
                n.rules = append(n.rules, i);
            }
        }
        // Breadth first: failure links, and each node's outputs include its failure node's.
        ArrayDeque<Node> queue = new ArrayDeque<>();
        for (Node child : root.next.values()) {
            child.fail = root;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            for (Map.Entry<Character, Node> e : n.next.entrySet()) {
                Node child = e.getValue();
                Node f = n.fail;
                while (f != null && !f.next.containsKey(e.getKey())) {
                    f = f.fail;
                }
                child.fail = f == null ? root : f.next.get(e.getKey());
                for (int r : child.fail.rules) {
                    child.rules = append(child.rules, r);
                }
                queue.add(child);
            }
        }
        freeze(root);
        root.ascii = new Node[128];
        for (Map.Entry<Character, Node> e : root.next.entrySet()) {
            if (e.getKey() < 128) {
                root.ascii[e.getKey()] = e.getValue();
            }
        }
        // A dense automaton over the literals' alphabet (every other character is one symbol):
        // one table lookup per character of the text.
        Map<Node, Integer> ids = new java.util.IdentityHashMap<>();
        List<Node> nodes = new ArrayList<>();
        ArrayDeque<Node> order = new ArrayDeque<>(List.of(root));
        java.util.TreeSet<Character> alphabet = new java.util.TreeSet<>();
        while (!order.isEmpty()) {
            Node n = order.poll();
            ids.put(n, nodes.size());
            nodes.add(n);
            alphabet.addAll(n.next.keySet());
            order.addAll(n.next.values());
        }
        symbolOf = new int[Character.MAX_VALUE + 1];
        int sym = 1;
        for (char c : alphabet) {
            symbolOf[c] = sym++;
        }
        symbols = sym;
        delta = new int[nodes.size() * symbols];
        outputs = new int[nodes.size()][];
        for (int id = 0; id < nodes.size(); id++) {
            Node n = nodes.get(id);
            outputs[id] = n.rules.length == 0 ? null : n.rules;
            for (char c : alphabet) {
                Node t = n;
                Node next;
                while ((next = t.step(c)) == null && t != root) {
                    t = t.fail;
                }
                delta[id * symbols + symbolOf[c]] = next == null ? 0 : ids.get(next);
            }
            // Symbol 0 (a character in no literal) always leads back to the root.
        }
        // Entries hold the next state's row (state * symbols), negative (-row - 1) when that state
        // has outputs: the hot loop needs no multiplication and one test per character.
        for (int i = 0; i < delta.length; i++) {
            int target = delta[i];
            int row = target * symbols;
            delta[i] = outputs[target] == null ? row : -row - 1;
        }
    }

    /** symbolOf[c]: the column of character c in {@link #delta} (0: not in any literal). */
    private int[] symbolOf;
    private int symbols;
    /** delta[state * symbols + symbol]: the next state. */
    private int[] delta;
    /** The rules whose literal ends in each state (with those of its failure states), or null. */
    private int[][] outputs;

    private static void freeze(Node root) {
        ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(root);
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            n.freeze();
            queue.addAll(n.next.values());
        }
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
