package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.smtpdoctor.report.HtmlReport;
import picocli.CommandLine.Option;

/**
 * {@code --html FILE}, shared by check, tls and ports (a picocli mixin): the command's
 * {@code --json} document rendered by {@link HtmlReport} as one self-contained file for a
 * support ticket. The terminal output (or {@code --json}) is printed as usual; the file is
 * written whole (temp file, then a rename), and a file that cannot be written is a usage error.
 */
public final class HtmlReportOption {

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write the report as one self-contained HTML file (the same data as --json; printable).")
    Path html;

    /** Whether --html was given. */
    boolean wanted() {
        return html != null;
    }

    /** Writes the report when --html was given. @param title what was run, for the page's heading */
    void write(JsonNode doc, String title) {
        if (html == null) {
            return;
        }
        Path target = html.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, HtmlReport.render(doc, title, Instant.now()), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to clean
            }
            throw new UsageException("cannot write the HTML report " + html + " (" + e.getMessage() + ")");
        }
    }

    /** After the terminal report: where the HTML report is (nothing without --html). */
    void announce(PrintWriter out) {
        if (html != null) {
            out.println();
            out.println("HTML report: " + html);
        }
    }

    /** The same for a document that exists as JSON text (check's renderer writes text). */
    void write(String json, String title) {
        if (html == null) {
            return;
        }
        try {
            write(new ObjectMapper().readTree(json), title);
        } catch (IOException e) {
            throw new IllegalStateException("the JSON report is not JSON", e);
        }
    }
}
