package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under src/test/resources/golden, compared after {@link #normalise}
 * removes what changes from run to run (times, ports, dates, ids, TLS details).
 * Regenerate deliberately with {@code mvn test -Dgolden.update=true} and review the diff.
 */
final class Golden {

    private static final Path DIR = Path.of("src", "test", "resources", "golden");

    static String normalise(String text) {
        return text
                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                .replaceAll("\\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} ([+-]\\d{4}|GMT)", "DATE")
                .replaceAll("\\*[*0-9]{20,}", "MASKED")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z", "ISO-TIME")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID")
                .replaceAll("\\b[0-9A-F]{16}\\b", "HEXID")
                .replaceAll("TLSv1\\.[23], TLS_[A-Z0-9_]+", "TLS-DETAILS")
                .replaceAll("\\d+ ms\\b", "N ms");
    }

    static void assertMatches(String name, String actual) throws IOException {
        Path file = DIR.resolve(name);
        String normalised = normalise(actual);
        if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
            Files.createDirectories(DIR);
            Files.writeString(file, normalised, StandardCharsets.UTF_8);
            if (!Boolean.getBoolean("golden.update")) {
                throw new AssertionError("golden file " + file + " did not exist; written now, review and commit it");
            }
            return;
        }
        assertThat(normalised).as("golden file %s (regenerate with -Dgolden.update=true)", file)
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    private Golden() {
    }
}
