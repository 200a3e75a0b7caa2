package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Explainer;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.io.InputException;
import org.smtpdoctor.io.TextInput;
import org.smtpdoctor.report.DiagnosisText;
import org.smtpdoctor.report.JsonReport;
import org.smtpdoctor.report.TerminalStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code smtp-doctor explain}: wiring only; the work is in {@link Explainer}. */
@Command(name = "explain", header = "Explain a pasted error, log line, NDR or transcript offline.", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Explain a failure message offline: a reply line, a transcript, an MTA log line, an NDR, or a client",
            "library's exception text. Finds the server reply inside (also when a wrapper hides it) and names the",
            "cause with its fix. When the text does not decide, it ranks the candidates (most likely / also",
            "possible) and says what settles each: a sign-in log entry, a setting, a check to run. The last of",
            "them may be a hint from similar messages: the cause that smtp-doctor's labelled real messages with",
            "words like these most often had (never the answer; docs/rules.md, \"Similar messages\").",
            "",
            "Examples:",
            "  smtp-doctor explain '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.'",
            "  smtp-doctor explain --file ndr.txt --json",
            "  pbpaste | smtp-doctor explain -",
            "  smtp-doctor explain --batch errors.jsonl > causes.jsonl   # one {\"id\", \"text\"} object per line",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:explained (the cause may be 'unknown')", "2:nothing could be read (no text, unreadable file)"})
public final class ExplainCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "The message (quote it); '-' reads standard input.")
    List<String> text;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the message from this file.")
    Path file;

    @Option(names = "--batch", paramLabel = "FILE",
            description = "JSON Lines in (each {\"text\": ..., \"id\": optional}), JSON Lines out in the same order "
                    + "with the id echoed; '-' reads standard input. Blank lines are skipped; a line that cannot be "
                    + "explained (not such an object, more after it, longer than 1 MB) gets {\"id\", \"line\", \"error\"}.")
    String batch;

    @Option(names = "--json", description = "Print the explanation as JSON: cause, confidence, title, explanation, "
            + "remedies, references, matched, candidates (docs/json.md).")
    boolean json;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Explainer explainer = new Explainer(KnowledgeBase.bundled());
        if (batch != null) {
            if (text != null || file != null) {
                throw new UsageException("--batch reads its own input; give no TEXT or --file with it");
            }
            return runBatch(explainer, out);
        }
        String input = readInput();
        if (input.isBlank()) {
            throw new UsageException("nothing to explain: the input is empty");
        }
        Diagnosis d = explainer.explain(input);
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JsonReport.diagnosis(d)));
        } else {
            DiagnosisText.print(out, noColor ? TerminalStyle.PLAIN : TerminalStyle.detect(), d, "Diagnosis: ");
        }
        out.flush();
        return ExitCode.OK;
    }

    private String readInput() {
        if (file != null && text != null) {
            throw new UsageException("give the message as TEXT or with --file, not both");
        }
        if (file != null) {
            return readFile(file);
        }
        if (text == null || text.isEmpty()) {
            throw new UsageException("nothing to explain: give the message as TEXT, --file FILE, or '-' for standard input");
        }
        if (text.size() == 1 && text.get(0).equals("-")) {
            return readStream(System.in);
        }
        return String.join(" ", text);
    }

    /**
     * At most {@link Explainer#MAX_CHARS} bytes, in the encodings Windows writes too (UTF-16,
     * a byte order mark); a longer paste is explained from its beginning.
     */
    private static String readFile(Path path) {
        try {
            return TextInput.head(path, Explainer.MAX_CHARS);
        } catch (InputException e) {
            throw new UsageException("cannot read " + e.getMessage());
        }
    }

    /** As {@link #readFile}, from standard input. */
    private static String readStream(InputStream in) {
        try {
            return TextInput.head(in, Explainer.MAX_CHARS, "standard input");
        } catch (InputException e) {
            throw new UsageException("cannot read " + e.getMessage());
        }
    }

    private int runBatch(Explainer explainer, PrintWriter out) {
        long answered;
        try (BatchLines lines = BatchLines.open(batch, System.in)) {
            answered = explainAll(explainer, lines, out);
        } catch (IOException e) {
            throw new UsageException("cannot read " + (batch.equals("-") ? "standard input" : batch) + ": " + TextInput.reason(e));
        }
        if (answered == 0) {
            throw new UsageException("nothing to explain: the batch input has no lines");
        }
        return ExitCode.OK;
    }

    private static final int BLOCK = 1024;

    /**
     * Explains every line, in blocks on all cores while this thread reads the next block and writes the
     * one before it, in input order: reading and writing never leave a core idle. When reading fails, the
     * lines read before the failure are answered first, then the failure is thrown.
     *
     * @return how many lines were answered
     */
    static long explainAll(Explainer explainer, BatchLines lines, PrintWriter out) throws IOException {
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        try {
            long answered = 0;
            Future<List<String>> running = null;
            while (true) {
                List<BatchLines.Entry> block = new java.util.ArrayList<>(BLOCK);
                IOException failure = null;
                try {
                    BatchLines.Entry entry;
                    while (block.size() < BLOCK && (entry = lines.next()) != null) {
                        block.add(entry);
                    }
                } catch (IOException e) {
                    failure = e;
                }
                Future<List<String>> next = block.isEmpty() ? null
                        : pool.submit(() -> block.parallelStream().map(e -> explainLine(explainer, e)).toList());
                answered += write(running, out);
                if (failure != null) {
                    write(next, out);
                    throw failure;
                }
                if (next == null) {
                    return answered;
                }
                running = next;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for a block's results and writes them (no flush per line: one flush per block). */
    private static int write(Future<List<String>> results, PrintWriter out) {
        if (results == null) {
            return 0;
        }
        List<String> lines;
        try {
            lines = results.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while explaining a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
        for (String line : lines) {
            out.write(line);
            out.write(System.lineSeparator());
        }
        out.flush();
        return lines.size();
    }

    /**
     * One result object as a line of JSON, with the line's id; a line that cannot be explained
     * gets an error object instead. Written by a generator (no tree): this runs once per line.
     */
    static String explainLine(Explainer explainer, BatchLines.Entry entry) {
        java.io.StringWriter out = new java.io.StringWriter(1024);
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("id");
            if (entry.id().isPresent()) {
                g.writeTree(entry.id().get());
            } else {
                g.writeNull();
            }
            if (entry.error().isPresent()) {
                g.writeNumberField("line", entry.line());
                g.writeStringField("error", entry.error().get());
            } else {
                JsonReport.writeDiagnosisFields(g, explainer.explain(entry.text().orElseThrow()));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }
}
