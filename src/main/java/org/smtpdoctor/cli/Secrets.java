package org.smtpdoctor.cli;

import java.io.Console;
import java.nio.file.Path;
import java.util.Optional;
import org.smtpdoctor.io.InputException;
import org.smtpdoctor.io.TextInput;
import org.smtpdoctor.smtp.Secret;

/**
 * Where secrets come from: an environment variable, a file, or a prompt on the
 * terminal. Never the command line (it shows in process lists and shell history).
 */
final class Secrets {

    private Secrets() {
    }

    static Optional<Secret> fromEnv(String variable, String what) {
        if (variable == null) {
            return Optional.empty();
        }
        if (!TextInput.isVariableName(variable)) {
            // Perhaps the secret itself was given where its variable's name belongs: never echo it.
            throw new UsageException("the environment variable for the " + what + " must be given by its NAME, like SMTP_SECRET"
                    + " (letters, digits, _); what was given is not a variable name (not shown: it may be the " + what + " itself)");
        }
        String value = System.getenv(variable);
        if (value == null) {
            throw new UsageException("environment variable " + variable + " (for the " + what + ") is not set");
        }
        if (value.isEmpty()) {
            throw new UsageException("environment variable " + variable + " (for the " + what + ") is empty");
        }
        return Optional.of(Secret.of(value));
    }

    /** The file's first line, without the line end. */
    static Optional<Secret> fromFile(Path file, String what) {
        if (file == null) {
            return Optional.empty();
        }
        String firstLine;
        try {
            firstLine = TextInput.firstLine(file, TextInput.SECRET_BYTES);
        } catch (InputException e) {
            throw new UsageException("cannot read the " + what + " file " + e.getMessage());
        }
        if (firstLine.isEmpty()) {
            throw new UsageException("the " + what + " file " + file + " is empty");
        }
        return Optional.of(Secret.of(firstLine));
    }

    static Optional<Secret> prompt(String label) {
        Console console = System.console();
        if (console == null) {
            return Optional.empty();
        }
        char[] typed = console.readPassword("%s: ", label);
        if (typed == null || typed.length == 0) {
            throw new UsageException("no " + label.toLowerCase(java.util.Locale.ROOT) + " entered");
        }
        return Optional.of(Secret.of(new String(typed)));
    }
}
