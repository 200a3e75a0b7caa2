package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.ListenerMode;
import org.subethamail.smtp.server.Session;

/**
 * STARTTLS (RFC 3207) on a STARTTLS listener: {@code 220 2.0.0 Ready to start TLS}, then a
 * handshake with this listener's protocols and suites ({@link ListenerTls}). Replaces
 * SubEthaSMTP's own because that one builds its new reader over the raw socket, losing
 * the line-end handling of {@link DeviceInputStream}, and has no per-listener protocol
 * list. Bytes the device sent right after STARTTLS (its ClientHello, if it did not wait
 * for the 220) are handed to the TLS layer, not lost. A failed handshake closes the
 * connection: client and server no longer agree on what the bytes are.
 */
final class StartTlsVerb extends RelayVerb {

    StartTlsVerb(DeviceListener listener) {
        super(listener, "STARTTLS", "Start TLS.");
    }

    @Override
    void handle(String argument, Session smtp, DeviceSession session) throws IOException {
        if (listener.config().mode() != ListenerMode.STARTTLS) {
            refuse(smtp, session, RelayReplies.NOT_IMPLEMENTED, "command.refused", "command", "STARTTLS",
                    "reason", "not a STARTTLS listener (" + listener.config().mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
            return;
        }
        if (session.isTls()) {
            refuse(smtp, session, RelayReplies.ALREADY_TLS, "command.refused", "command", "STARTTLS", "reason", "TLS is already on");
            return;
        }
        if (!argument.isEmpty()) {
            refuse(smtp, session, RelayReplies.ARGUMENT_SYNTAX, "command.refused", "command", "STARTTLS", "reason", "an argument");
            return;
        }
        smtp.sendResponse(RelayReplies.READY_TO_START_TLS);
        DeviceSocket plain = (DeviceSocket) smtp.getSocket();
        SSLSocket tls;
        // A handshake trickled in a byte at a time would never trip the read timeout: it gets the idle timeout in all.
        DeviceListener.Deadline late = listener.closeIfLate(plain.raw());
        try {
            tls = listener.tls().serverSocket(plain.raw(), plain.deviceInput().takeBuffered());
            tls.startHandshake();
        } catch (IOException e) {
            String hint = ListenerTls.hint(listener.config(), e);
            String reason = late.passed() ? "the handshake did not finish within the idle timeout" : e.getMessage();
            RelayEvents.warn("tls.failed", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                    "reason", reason, "hint", hint);
            listener.observer().tlsFailed(listener.name(), session.clientIp(), String.valueOf(reason), Optional.ofNullable(hint));
            smtp.quit();
            return;
        } finally {
            late.cancel();
        }
        smtp.setSocket(new DeviceSocket(tls, plain.raw(), null, plain.deadlines(), plain.unread()));
        SessionBuffers.slim(smtp);
        smtp.resetSmtpProtocol();
        smtp.setTlsStarted(true);
        session.tlsStarted(tls.getSession().getProtocol(), plain.raw());
        RelayEvents.info("tls.started", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                "protocol", tls.getSession().getProtocol(), "cipher", tls.getSession().getCipherSuite());
        listener.observer().tlsStarted(listener.name(), session.clientIp(),
                new RelayObserver.Tls(tls.getSession().getProtocol(), tls.getSession().getCipherSuite()));
    }
}
