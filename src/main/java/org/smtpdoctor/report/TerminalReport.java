package org.smtpdoctor.report;

import java.io.PrintWriter;
import java.util.List;
import org.smtpdoctor.check.CheckListener;
import org.smtpdoctor.check.CheckResult;
import org.smtpdoctor.check.Finding;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Reference;

/**
 * The human report: a checklist streamed line by line as steps finish, then the
 * verdict and, when something failed, the diagnosis with numbered fix steps.
 * Writes only to the stream it is given. Not thread-safe; one check at a time.
 */
public final class TerminalReport implements CheckListener {

    private final PrintWriter out;
    private final TerminalStyle style;

    public TerminalReport(PrintWriter out, TerminalStyle style) {
        this.out = out;
        this.style = style;
    }

    public void header(String target) {
        out.println(style.bold("smtp-doctor check") + " " + target);
        out.println();
        out.flush();
    }

    @Override
    public void finished(Finding f) {
        String line = String.format("  %s %-16s %s", style.mark(f.status()), f.step().id(), f.summary());
        String time = f.status() == Status.SKIP ? "" : "  " + style.dim(f.duration().toMillis() + " ms");
        out.println(line + time);
        out.flush();
    }

    public void summary(CheckResult result) {
        out.println();
        Status verdict = result.verdict();
        String cause = result.cause().map(Cause::id).map(c -> " (" + c + ")").orElse("");
        out.println(style.bold("Verdict: ") + style.paint(verdict, verdict.name()) + cause);
        result.diagnosis().ifPresent(d -> diagnosis(d, verdict == Status.FAIL));
        out.flush();
    }

    private void diagnosis(Diagnosis d, boolean failure) {
        out.println();
        out.println(style.bold(failure ? "Diagnosis: " : "Note: ") + d.title()
                + style.dim("  [" + d.cause().id() + ", " + d.confidence().id() + " confidence]"));
        if (!d.explanation().isBlank()) {
            wrap("Why: " + d.explanation(), "  ", "       ");
        }
        out.println("  Evidence: " + d.matchedText());
        List<String> remedies = d.remedies();
        if (!remedies.isEmpty()) {
            out.println(style.bold("  Fix:"));
            for (int i = 0; i < remedies.size(); i++) {
                wrap((i + 1) + ". " + remedies.get(i), "    ", "       ");
            }
        }
        List<Reference> refs = d.references();
        if (!refs.isEmpty()) {
            out.println("  References:");
            for (Reference r : refs) {
                out.println("    - " + r.title() + ": " + r.url());
            }
        }
    }

    /** Wraps prose at 100 columns; long tokens (commands, links) are never split. */
    private void wrap(String text, String first, String rest) {
        StringBuilder line = new StringBuilder(first);
        int width = 100;
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > width && line.length() > rest.length() + 1) {
                out.println(line.toString().stripTrailing());
                line = new StringBuilder(rest);
            }
            line.append(word).append(' ');
        }
        out.println(line.toString().stripTrailing());
    }

    public void transcript(CheckResult result) {
        out.println();
        out.println(style.bold("Transcript") + style.dim(" (secrets redacted; -> client, <- server, ~> <~ under TLS)"));
        out.print(TranscriptFormat.render(result.transcript(), true));
        out.flush();
    }
}
