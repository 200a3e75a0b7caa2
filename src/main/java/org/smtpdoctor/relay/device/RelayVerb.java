package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.config.DeviceRule;
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

    /**
     * Permanent refusals (5xx) a session may get before it is closed with {@code 421 4.7.0}:
     * Postfix's {@code smtpd_hard_error_limit} default. A device that works gets none or a few; a
     * client probing the relay, or a stream of junk read as commands, gets cut off, and with it the
     * log lines it causes.
     */
    static final int MAX_ERRORS = 20;

    /**
     * Answers a refusal and logs it: one WARN line {@code event=EVENT} per refused command, with
     * the listener, session, client and device first, then {@code fields}, then the reply. Every
     * refusal the relay's verbs give goes through here, so that each is logged exactly once. A
     * permanent refusal counts against {@link #MAX_ERRORS}; the one past it also closes the session.
     */
    void refuse(Session smtp, DeviceSession session, String reply, String event, Object... fields) throws IOException {
        logRefusal(session, reply, event, fields);
        smtp.sendResponse(reply);
        if (reply.startsWith("5") && session.error() > MAX_ERRORS) {
            RelayEvents.warn("connection.dropped", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                    "reason", "more than " + MAX_ERRORS + " refused commands", "reply", RelayReplies.TOO_MANY_ERRORS);
            smtp.sendResponse(RelayReplies.TOO_MANY_ERRORS);
            smtp.quit();
        }
    }

    static String argument(String commandLine) {
        String line = commandLine.strip();
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).strip();
    }

    /** The log line of {@link #refuse}, for a refusal the caller answers itself; returns {@code reply}. */
    String logRefusal(DeviceSession session, String reply, String event, Object... fields) {
        List<Object> line = new ArrayList<>(List.of("listener", listener.name(), "session", session.id(), "client", session.clientIp()));
        line.add("device");
        line.add(session.device().map(DeviceRule::name).orElse(null));
        line.addAll(Arrays.asList(fields));
        line.add("reply");
        line.add(reply);
        RelayEvents.warn(event, line.toArray());
        return reply;
    }

    /**
     * A verb the relay answers with one fixed reply (NOOP, VRFY), or never honours ({@link
     * #refused}: {@code 502 5.5.1}, logged as {@code command.refused} with the reason).
     */
    static final class Fixed extends RelayVerb {
        private final String reply;
        private final String refusal;

        Fixed(DeviceListener listener, String verb, String reply) {
            this(listener, verb, reply, null);
        }

        private Fixed(DeviceListener listener, String verb, String reply, String refusal) {
            super(listener, verb, verb);
            this.reply = reply;
            this.refusal = refusal;
        }

        /**
         * XCLIENT and XFORWARD (Postfix's, which let a trusted proxy say who the client is: here
         * nobody is trusted to, so a client can never pose as an allowed address), ETRN, TURN and
         * ATRN (queue runs and role reversal, RFC 1985, RFC 821, RFC 2645), EXPN, BDAT.
         */
        static Fixed refused(DeviceListener listener, String verb, String reason) {
            return new Fixed(listener, verb, RelayReplies.NOT_IMPLEMENTED, reason);
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            if (refusal == null) {
                smtp.sendResponse(reply);
            } else {
                refuse(smtp, session, reply, "command.refused", "command", getName(), "reason", refusal);
            }
        }
    }
}
