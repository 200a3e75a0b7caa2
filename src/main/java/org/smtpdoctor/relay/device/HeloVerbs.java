package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.smtpdoctor.relay.config.ListenerMode;
import org.subethamail.smtp.server.Session;

/**
 * HELO and EHLO. Any name is taken, also none and also names that are not domains (RFC
 * 5321 §4.1.4 wants a domain; devices send "printer", their IP without brackets, or
 * nothing). EHLO lists SIZE, 8BITMIME, PIPELINING, ENHANCEDSTATUSCODES, STARTTLS (on a
 * STARTTLS listener before TLS) and AUTH PLAIN LOGIN when AUTH is offered here: after TLS,
 * or before it on a listener with allow-plaintext-auth. {@code AUTH=PLAIN LOGIN} is listed
 * too, for clients that only know the pre-RFC 2554 form (as Postfix's
 * broken_sasl_auth_clients does).
 */
final class HeloVerbs {

    private HeloVerbs() {
    }

    static final class Helo extends RelayVerb {
        Helo(DeviceListener listener) {
            super(listener, "HELO", "Introduce yourself.");
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            session.greet(argument, false);
            listener.observer().greeted(listener.peer(session), argument);
            smtp.sendResponse("250 " + listener.hostName() + " Hello " + session.clientIp());
        }
    }

    static final class Ehlo extends RelayVerb {
        Ehlo(DeviceListener listener) {
            super(listener, "EHLO", "Introduce yourself.");
        }

        @Override
        void handle(String argument, Session smtp, DeviceSession session) throws IOException {
            session.greet(argument, true);
            listener.observer().greeted(listener.peer(session), argument);
            List<String> lines = new ArrayList<>();
            lines.add(listener.hostName() + " Hello " + session.clientIp());
            lines.add("SIZE " + listener.config().maxMessageBytes());
            lines.add("8BITMIME");
            lines.add("PIPELINING");
            lines.add("ENHANCEDSTATUSCODES");
            if (listener.config().mode() == ListenerMode.STARTTLS && !session.isTls()) {
                lines.add("STARTTLS");
            }
            if (listener.offersAuth(session)) {
                lines.add("AUTH PLAIN LOGIN");
                lines.add("AUTH=PLAIN LOGIN");
            }
            StringBuilder reply = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                reply.append(i == 0 ? "" : "\r\n").append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
            }
            smtp.sendResponse(reply.toString());
        }
    }
}
