package org.smtpdoctor.lab;

import java.io.IOException;
import java.util.Locale;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * Base of the lab's SMTP verbs: one subclass per verb, registered in SubEthaSMTP's
 * command handler under the verb's name, replacing the library's own. A verb reads its
 * arguments, consults the {@link LabSession} and {@link SubmissionPolicy}, and sends the
 * reply texts of {@link M365Replies}.
 * <p>
 * Instances are shared by all connections of one server and hold no per-connection
 * state, so they are thread-safe; per-connection state lives in {@link LabSession}.
 */
abstract class LabVerb extends BaseCommand {

    protected final LabContext lab;

    LabVerb(LabContext lab, String verb, String help) {
        super(verb, help);
        this.lab = lab;
    }

    @Override
    public final void execute(String commandString, Session session) throws IOException, DropConnectionException {
        handle(argument(commandString), session, lab.session(session));
    }

    /**
     * Handles one command.
     *
     * @param argument everything after the verb, trimmed; empty if none
     */
    abstract void handle(String argument, Session smtp, LabSession session) throws IOException;

    /** The text after the verb ({@code "MAIL FROM:<a@b>"} gives {@code "FROM:<a@b>"}), trimmed. */
    static String argument(String commandLine) {
        String line = commandLine.strip();
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).strip();
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
