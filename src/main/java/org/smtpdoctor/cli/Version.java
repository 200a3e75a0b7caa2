package org.smtpdoctor.cli;

import picocli.CommandLine;

/** The version, from the jar manifest (Implementation-Version), for --version and JSON reports. */
public final class Version implements CommandLine.IVersionProvider {

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A new JSON report document, headed with the tool and its version. */
    static com.fasterxml.jackson.databind.node.ObjectNode jsonDocument() {
        return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("tool", "smtp-doctor").put("version", get());
    }

    @Override
    public String[] getVersion() {
        return new String[] {"smtp-doctor " + get()};
    }
}
