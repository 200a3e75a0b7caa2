package org.smtpdoctor.relay.device;

import java.io.IOException;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * Base of the relay's SMTP verbs: one subclass per verb, registered over SubEthaSMTP's own
 * (whose MAIL parser, for one, refuses {@code MAIL FROM: <a@b>} and bare addresses that
 * devices send). SubEthaSMTP upper-cases the verb before looking it up, so lowercase verbs
 * work. Instances are shared by all connections of a listener and hold no per-connection
 * state; that lives in {@link DeviceSession}.
 */
abstract class RelayVerb extends BaseCommand {

    protected final DeviceListener listener;

    RelayVerb(DeviceListener listener, String verb, String help) {
        super(verb, help);
        this.listener = listener;
    }

    @Override
    public final void execute(String commandLine, Session smtp) throws IOException, DropConnectionException {
        DeviceSession session = listener.session(smtp);
        if (!session.beginCommand()) {
            return; // the relay is stopping and said 421 already; the closed socket ends the session
        }
        boolean sayShutdown;
        try {
            handle(argument(commandLine), smtp, session);
        } finally {
            sayShutdown = session.endCommand();
        }
        if (sayShutdown) {
            listener.sayShutdown(smtp, session); // the shutdown came while this command ran: its reply went first
        }
    }

    /** @param argument everything after the verb, stripped; empty if none */
    abstract void handle(String argument, Session smtp, DeviceSession session) throws IOException;

    static String argument(String commandLine) {
        String line = commandLine.strip();
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).strip();
    }

    /** A verb the relay answers with one fixed reply (NOOP, VRFY, BDAT...). */
    static final class Fixed extends RelayVerb {
        private final String reply;

        Fixed(DeviceListener listener, String verb, String reply) {
            super(listener, verb, verb);
            this.reply = reply;
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            smtp.sendResponse(reply);
        }
    }
}
