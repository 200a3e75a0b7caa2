package org.smtpdoctor.relay.service;

import java.util.List;

/** The relay did not start; {@link #problems} says why, one line each, and nothing was left behind. */
public final class StartException extends Exception {

    private final transient List<String> problems;

    public StartException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
