package org.smtpdoctor.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String firstLine = text.lines().findFirst().orElse("");
            if (firstLine.isEmpty()) {
                throw new UsageException("the " + what + " file " + file + " is empty");
            }
            return Optional.of(Secret.of(firstLine));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException("cannot read the " + what + " file " + file + " ("
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName()) + ")");
        }
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
