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
            smtp.sendResponse(RelayReplies.NOT_IMPLEMENTED);
            return;
        }
        if (session.isTls()) {
            smtp.sendResponse(RelayReplies.ALREADY_TLS);
            return;
        }
        if (!argument.isEmpty()) {
            smtp.sendResponse(RelayReplies.ARGUMENT_SYNTAX);
            return;
        }
        smtp.sendResponse(RelayReplies.READY_TO_START_TLS);
        DeviceSocket plain = (DeviceSocket) smtp.getSocket();
        SSLSocket tls;
        try {
            tls = listener.tls().serverSocket(plain.raw(), plain.deviceInput().takeBuffered());
            tls.startHandshake();
        } catch (IOException e) {
            String hint = ListenerTls.hint(listener.config(), e);
            RelayEvents.warn("tls.failed", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                    "reason", e.getMessage(), "hint", hint);
            listener.observer().tlsFailed(listener.name(), session.clientIp(), String.valueOf(e.getMessage()), Optional.ofNullable(hint));
            smtp.quit();
            return;
        }
        smtp.setSocket(new DeviceSocket(tls, plain.raw(), null));
        smtp.resetSmtpProtocol();
        smtp.setTlsStarted(true);
        session.tlsStarted(tls.getSession().getProtocol(), plain.raw());
        RelayEvents.info("tls.started", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                "protocol", tls.getSession().getProtocol(), "cipher", tls.getSession().getCipherSuite());
        listener.observer().tlsStarted(listener.name(), session.clientIp(),
                new RelayObserver.Tls(tls.getSession().getProtocol(), tls.getSession().getCipherSuite()));
    }
}
