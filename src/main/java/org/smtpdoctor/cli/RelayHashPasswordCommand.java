package org.smtpdoctor.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.smtpdoctor.io.InputException;
import org.smtpdoctor.io.TextInput;
import org.smtpdoctor.relay.config.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code smtp-doctor relay hash-password}: a device account's password hash for the configuration. */
@Command(name = "hash-password", header = "Hash a device account's password for the relay configuration.",
        mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "Reads the password from the terminal (asked twice, not echoed) or, when standard input is not a",
            "terminal, from its first line; prints the PBKDF2 hash to put in the configuration as password-hash.",
            "The password is never an argument (it would show in process lists and shell history).",
            "",
            "Examples:",
            "  smtp-doctor relay hash-password",
            "  printf '%s\\n' \"$NAS_PASSWORD\" | smtp-doctor relay hash-password",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the hash was printed", "2:no password, or the two entries differ"})
public final class RelayHashPasswordCommand implements Callable<Integer> {

    /** Far more than any device's password field; a bound so that standard input cannot be endless. */
    static final int MAX_PASSWORD_BYTES = 1024;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        char[] password = read();
        try {
            if (password.length == 0) {
                throw new UsageException("no password given");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(PasswordHash.create(password));
            out.flush();
            return ExitCode.OK;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] read() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Device password: ");
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null) {
                throw new UsageException("no password given");
            }
            boolean same = Arrays.equals(first, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw new UsageException("the two passwords differ");
            }
            return first;
        }
        try {
            return TextInput.firstLine(System.in, MAX_PASSWORD_BYTES, "standard input").toCharArray();
        } catch (InputException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
