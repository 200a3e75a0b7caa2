package org.smtpdoctor.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The smtp-doctor command in an example line, split into words as a POSIX shell would:
 * quotes, backslashes, comments, pipes, redirections and leading variable assignments.
 * Anything a shell would refuse or treat specially (an unquoted parenthesis, {@code ;},
 * {@code &}, a command substitution, an unclosed quote) is an {@link IllegalArgumentException}:
 * an example that is not valid shell fails when pasted.
 */
final class ShellWords {

    private ShellWords() {
    }

    /** An smtp-doctor command line: the variables set before it ({@code VAR=value smtp-doctor ...}) and its arguments. */
    record Command(java.util.Map<String, String> env, List<String> args) {}

    /** The smtp-doctor command of the line (or {@code ./smtp-doctor}), or null when the line runs no smtp-doctor. */
    static Command smtpDoctor(String line) {
        List<List<String>> pipeline = pipeline(line);
        for (List<String> command : pipeline) {
            java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
            int i = 0;
            while (i < command.size() && command.get(i).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
                String assignment = command.get(i++);
                env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
            }
            if (i < command.size() && command.get(i).matches("(\\./)?smtp-doctor(\\.cmd)?")) {
                return new Command(env, new ArrayList<>(command.subList(i + 1, command.size())));
            }
        }
        return null;
    }

    /** The commands of a pipeline, each as its words, redirections removed. */
    static List<List<String>> pipeline(String line) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean redirect = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    redirect = add(words, word, redirect);
                    word = null;
                }
                i++;
            } else if (c == '#' && word == null) {
                break;
            } else if (c == '|') {
                if (word != null) {
                    redirect = add(words, word, redirect);
                    word = null;
                }
                commands.add(words);
                words = new ArrayList<>();
                i++;
            } else if (c == '>' || c == '<') {
                if (word != null && !word.toString().matches("\\d")) {
                    redirect = add(words, word, redirect);
                }
                word = null;
                redirect = true;
                i += i + 1 < line.length() && line.charAt(i + 1) == c ? 2 : 1;
            } else if (c == '(' || c == ')' || c == ';' || c == '&' || c == '`') {
                throw new IllegalArgumentException("unquoted '" + c + "' at column " + (i + 1) + " is shell syntax: " + line);
            } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') {
                throw new IllegalArgumentException("command substitution at column " + (i + 1) + ": " + line);
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed ' in: " + line);
                }
                word = (word == null ? new StringBuilder() : word).append(line, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("unclosed \" in: " + line);
                    }
                    char d = line.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        word.append(line.charAt(i + 1));
                        i += 2;
                    } else if (d == '`' || (d == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(')) {
                        throw new IllegalArgumentException("command substitution in: " + line);
                    } else {
                        word.append(d);
                        i++;
                    }
                }
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("a backslash at the end of: " + line);
                }
                word = (word == null ? new StringBuilder() : word).append(line.charAt(i + 1));
                i += 2;
            } else {
                word = (word == null ? new StringBuilder() : word).append(c);
                i++;
            }
        }
        if (word != null) {
            redirect = add(words, word, redirect);
        }
        if (redirect) {
            throw new IllegalArgumentException("a redirection without a file in: " + line);
        }
        commands.add(words);
        return commands;
    }

    private static boolean add(List<String> words, StringBuilder word, boolean redirect) {
        if (!redirect) {
            words.add(word.toString());
        }
        return false;
    }
}
