package org.smtpdoctor.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The message for a command line picocli could not parse, written so that it never echoes
 * a value: {@code --pass secret123} or {@code relay hash-password mypassword} must not
 * print the secret back (to a terminal that is recorded, a CI log, a screen share). Option
 * names are shown without what follows their {@code =}; other arguments are shown only when
 * picocli found a command or option name close to them (a typo like {@code chek}), which
 * a secret never is. Stateless.
 */
final class UnmatchedArguments {

    private UnmatchedArguments() {
    }

    static String message(ParameterException ex, String[] args) {
        if (!(ex instanceof UnmatchedArgumentException u)) {
            // picocli names Java's types ("'abc' is not an int"): people read numbers.
            return ex.getMessage().replaceAll("is not an? (int|long|short|Integer|Long)\\b", "is not a whole number")
                    .replaceAll("is not an? (double|float|Double|Float)\\b", "is not a number");
        }
        List<String> unmatched = u.getUnmatched();
        List<String> suggestions = u.getSuggestions();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        if (!suggestions.isEmpty() && first.matches("[a-z][a-z0-9-]{0,30}") && !u.getCommandLine().getSubcommands().isEmpty()) {
            return "unknown command '" + first + "'. Did you mean " + String.join(" or ", suggestions.stream().limit(3).toList()) + "?";
        }
        List<String> options = new ArrayList<>();
        int hidden = 0;
        for (String token : unmatched) {
            if (token.startsWith("-") && token.length() > 1) {
                int eq = token.indexOf('=');
                options.add("'" + (eq < 0 ? token : token.substring(0, eq)) + "'");
                hidden += eq < 0 ? 0 : 1;
            } else {
                hidden++;
            }
        }
        List<String> parts = new ArrayList<>();
        if (!options.isEmpty()) {
            parts.add((options.size() == 1 ? "unknown option " : "unknown options ") + String.join(", ", options));
        }
        if (hidden > 0) {
            parts.add((hidden == 1 ? "an unexpected value" : hidden + " unexpected values")
                    + " (not shown: " + (hidden == 1 ? "it" : "they") + " may be a secret)");
        }
        String message = String.join("; ", parts);
        if (!suggestions.isEmpty() && first.startsWith("-")) {
            message += ". Did you mean " + String.join(" or ", suggestions.stream().limit(3).toList()) + "?";
        }
        return message;
    }

}
