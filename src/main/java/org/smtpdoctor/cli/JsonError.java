package org.smtpdoctor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * With {@code --json}, every outcome is one JSON document on stdout, errors included: a
 * script that parses stdout never meets a line of plain text. An error is
 * {@code {"tool", "version", "error": what is wrong, in words, "error_kind": ...}} and the
 * exit code is as without {@code --json} (docs/json.md, "Errors"). Stateless.
 */
final class JsonError {

    /** Bad options or values, unreadable files: nothing was checked (exit 2). */
    static final String USAGE = "usage";
    /** A bug in smtp-doctor (exit 3). */
    static final String INTERNAL = "internal";

    private static final String JSON = "--json";

    private JsonError() {
    }

    /** Whether the command takes --json and the arguments ask for it (before any {@code --}). */
    static boolean requested(CommandSpec spec, String[] args) {
        if (spec.findOption(JSON) == null) {
            return false;
        }
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals(JSON)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the parsed command line asked for --json. */
    static boolean requested(ParseResult parsed) {
        return parsed != null && parsed.hasMatchedOption(JSON);
    }

    /** The error document, to add command-specific fields to. */
    static ObjectNode document(String message, String kind) {
        return Version.jsonDocument().put("error", message).put("error_kind", kind);
    }

    /** Prints the error document and returns {@code exit}. */
    static int print(PrintWriter out, String message, String kind, int exit) {
        out.println(document(message, kind).toPrettyString());
        out.flush();
        return exit;
    }
}
