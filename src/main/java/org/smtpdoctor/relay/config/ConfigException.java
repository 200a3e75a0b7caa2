package org.smtpdoctor.relay.config;

/**
 * A configuration the relay cannot start with. The message names the file, the line and
 * the key ({@code relay.yaml:12: listeners[0].mode: ...}), or the command-line flag.
 */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message, null, false, false);
    }

    static ConfigException at(String file, int line, String key, String problem) {
        return new ConfigException(file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
    }
}
