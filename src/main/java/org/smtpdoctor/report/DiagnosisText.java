package org.smtpdoctor.report;

import java.io.PrintWriter;
import java.util.List;
import org.smtpdoctor.diagnosis.Candidate;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Reference;

/** Prints a diagnosis for people: title, cause and confidence, why, evidence, numbered fix steps, references. */
public final class DiagnosisText {

    private static final int WIDTH = 100;

    private DiagnosisText() {
    }

    public static void print(PrintWriter out, TerminalStyle style, Diagnosis d, String heading) {
        // Titles, explanations and fixes can carry values from the evidence (a user name, a host),
        // and the evidence is what was pasted or received: shown with its control characters made visible.
        out.println(style.bold(heading) + TerminalText.safe(d.title())
                + style.dim("  [" + d.cause().id() + ", " + d.confidence().id() + " confidence]"));
        if (!d.explanation().isBlank()) {
            wrap(out, "Why: " + d.explanation(), "  ", "       ");
        }
        if (!d.matchedText().isBlank()) {
            out.println("  Evidence: " + TerminalText.safe(d.matchedText()) + style.dim("  (rule " + d.ruleId() + ")"));
        }
        if (d.ambiguous() && !d.candidates().isEmpty()) {
            List<Candidate> candidates = d.candidates();
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                wrap(out, (i == 0 ? "Most likely: " : "Also possible: ") + c.cause().id() + " (" + c.confidence().id() + ") - "
                        + c.why(), "  ", "       ");
                if (!c.decideBy().isBlank()) {
                    wrap(out, "Decide by: " + c.decideBy(), "    ", "       ");
                }
            }
        }
        List<String> remedies = d.remedies();
        if (!remedies.isEmpty()) {
            out.println(style.bold("  Fix:"));
            for (int i = 0; i < remedies.size(); i++) {
                wrap(out, (i + 1) + ". " + remedies.get(i), "    ", "       ");
            }
        }
        List<Reference> refs = d.references();
        if (!refs.isEmpty()) {
            out.println("  References:");
            for (Reference r : refs) {
                out.println("    - " + r.title() + ": " + r.url());
            }
        }
        out.flush();
    }

    /** Wraps prose at {@value #WIDTH} columns; long tokens (commands, links) are never split. */
    static void wrap(PrintWriter out, String text, String first, String rest) {
        text = TerminalText.safe(text);
        StringBuilder line = new StringBuilder(first);
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > WIDTH && line.length() > rest.length() + 1) {
                out.println(line.toString().stripTrailing());
                line = new StringBuilder(rest);
            }
            line.append(word).append(' ');
        }
        out.println(line.toString().stripTrailing());
    }
}
