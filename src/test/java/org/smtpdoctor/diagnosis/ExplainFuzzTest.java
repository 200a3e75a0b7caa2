package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.smtpdoctor.report.DiagnosisText;
import org.smtpdoctor.report.JsonReport;
import org.smtpdoctor.report.TerminalStyle;

/**
 * Fuzz target: {@code smtp-doctor explain}'s input, whatever is pasted (a reply, a transcript, an
 * exception, binary junk), through the {@link Explainer} and both renderings the command prints.
 * Properties: it never throws, always answers with a diagnosis (unknown at worst), and its text
 * output carries no control character that could drive the user's terminal.
 * Seeds and past findings: {@code src/test/resources/org/smtpdoctor/diagnosis/ExplainFuzzTestInputs};
 * how to fuzz: bench/FUZZING.md.
 */
class ExplainFuzzTest {

    private static final Explainer EXPLAINER = new Explainer(KnowledgeBase.bundled());

    @FuzzTest
    void pastedText(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        Diagnosis d = EXPLAINER.explain(input);
        assertThat(d).isNotNull();
        assertThat(d.cause()).isNotNull();
        StringWriter text = new StringWriter();
        DiagnosisText.print(new PrintWriter(text), TerminalStyle.PLAIN, d, "Diagnosis: ");
        assertThat(text.toString().chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7F))
                .as("no control characters in %s", text).isTrue();
        assertThat(JsonReport.diagnosis(d).toString()).isNotEmpty();
    }
}
