package org.smtpdoctor.report;

import java.io.PrintWriter;
import org.smtpdoctor.check.CheckListener;
import org.smtpdoctor.check.CheckResult;
import org.smtpdoctor.check.Finding;
import org.smtpdoctor.check.Probe;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.diagnosis.Cause;

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
        if (f.status() == Status.FAIL || f.status() == Status.WARN) {
            // The facts behind a problem (addresses tried, other ports, certificate chain), briefly.
            f.details().stream().limit(6).forEach(d -> out.println("                      " + style.dim(d)));
        }
        out.flush();
    }

    /**
     * A follow-up probe, as a line of the checklist after the steps: what it sent, what came back,
     * and what that decides ("probe  auth-mechanism: AUTH LOGIN ...: 235 ... -> confirms X; rules out Y").
     */
    @Override
    public void probed(Probe p) {
        String mark = style.unicode() ? "?" : "?   ";
        String arrow = style.unicode() ? " \u2192 " : " -> ";
        out.println(String.format("  %s %-16s %s", mark, "probe", p.id() + ": " + p.summary()) + arrow + p.verdict()
                + "  " + style.dim(p.duration().toMillis() + " ms"));
        p.details().stream().limit(4).forEach(d -> out.println("                      " + style.dim(d)));
        out.flush();
    }

    public void summary(CheckResult result) {
        out.println();
        Status verdict = result.verdict();
        String cause = result.cause().map(Cause::id).map(c -> " (" + c + ")").orElse("");
        out.println(style.bold("Verdict: ") + style.paint(verdict, verdict.name()) + cause);
        result.diagnosis().ifPresent(d -> {
            out.println();
            DiagnosisText.print(out, style, d, verdict == Status.FAIL ? "Diagnosis: " : "Note: ");
        });
        out.flush();
    }

    public void transcript(CheckResult result) {
        out.println();
        out.println(style.bold("Transcript") + style.dim(" (secrets redacted; -> client, <- server, ~> <~ under TLS)"));
        out.print(TranscriptFormat.render(result.transcript(), true));
        out.flush();
    }
}
