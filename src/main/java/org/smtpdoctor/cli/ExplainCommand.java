package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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
            "cause with its fix.",
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
                    + "with the id echoed; '-' reads standard input.")
    String batch;

    @Option(names = "--json", description = "Print the explanation as JSON: cause, confidence, title, explanation, "
            + "remedies, references, matched.")
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

    private int runBatch(Explainer explainer, PrintWriter out) throws IOException {
        InputStream in;
        if (batch.equals("-")) {
            in = System.in;
        } else if (Files.isDirectory(Path.of(batch))) {
            throw new UsageException("cannot read " + batch + " (a directory)");
        } else {
            try {
                in = Files.newInputStream(Path.of(batch));
            } catch (NoSuchFileException e) {
                throw new UsageException("cannot read " + batch + " (no such file)");
            } catch (IOException e) {
                throw new UsageException("cannot read " + batch + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        long lines = 0;
        // Lines are explained in blocks, in parallel on all cores; results are written in input order.
        List<String> block = new java.util.ArrayList<>(BLOCK);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                block.add(line);
                if (block.size() == BLOCK) {
                    writeBlock(explainer, block, lines, out);
                    lines += block.size();
                    block.clear();
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + batch + " (" + e.getMessage() + ")");
        }
        writeBlock(explainer, block, lines, out);
        lines += block.size();
        out.flush();
        if (lines == 0) {
            throw new UsageException("nothing to explain: the batch input has no lines");
        }
        return ExitCode.OK;
    }

    private static final int BLOCK = 1024;

    private static void writeBlock(Explainer explainer, List<String> block, long before, PrintWriter out) throws IOException {
        List<String> results = java.util.stream.IntStream.range(0, block.size()).parallel()
                .mapToObj(i -> explainLine(explainer, block.get(i), before + i + 1).toString())
                .toList();
        for (String r : results) {
            out.println(r);
        }
    }

    /** One result object; a line that is not a JSON object with a string "text" gets an error object instead. */
    static ObjectNode explainLine(Explainer explainer, String line, long number) {
        ObjectNode result = JSON.createObjectNode();
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            node = null;
        }
        if (node != null && node.isObject() && node.has("id")) {
            result.set("id", node.get("id"));
        } else {
            result.putNull("id");
        }
        if (node == null || !node.isObject() || !node.path("text").isTextual()) {
            result.put("line", number);
            result.put("error", "line " + number + " is not a JSON object with a string field \"text\"");
            return result;
        }
        result.setAll(JsonReport.diagnosis(explainer.explain(node.get("text").asText())));
        return result;
    }
}
