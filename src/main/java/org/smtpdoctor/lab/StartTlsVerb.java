package org.smtpdoctor.lab;

import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/**
 * STARTTLS (RFC 3207): {@code 220 2.0.0 SMTP server ready}, then a TLS 1.2/1.3 handshake
 * ({@link StartTlsSockets}). On success the session starts over, unauthenticated and
 * ungreeted; a failed handshake closes the connection, as the client and server no
 * longer agree on what the bytes are.
 * <p>
 * Behind the {@link InspectingFirewall} the client's STARTTLS reaches the server as
 * {@code XXXXXXXX}, which Exchange does not know: the reply is
 * {@code 500 5.3.3 Unrecognized command 'XXXXXXXX'}.
 */
final class StartTlsVerb extends LabVerb {

    private static final Logger log = LoggerFactory.getLogger(StartTlsVerb.class);

    StartTlsVerb(LabContext lab) {
        super(lab, "STARTTLS", "Start a TLS session.");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        if (lab.fault() == Fault.INSPECTING_FIREWALL) {
            smtp.sendResponse(session.traced(M365Replies.unrecognized(InspectingFirewall.MASKED_STARTTLS_COMMAND)));
            return;
        }
        if (session.isTls()) {
            // not advertised once TLS is up, so Exchange treats it as unknown (lab choice)
            smtp.sendResponse(session.traced(M365Replies.unrecognized("STARTTLS")));
            return;
        }
        if (!argument.isEmpty()) {
            smtp.sendResponse(session.traced(M365Replies.INVALID_ARGUMENTS));
            return;
        }
        if (session.state() == LabSession.State.CONNECTED) {
            smtp.sendResponse(session.traced(M365Replies.SEND_HELLO_FIRST));
            return;
        }
        smtp.sendResponse(M365Replies.STARTTLS_READY);
        SSLSocket tls;
        try {
            tls = smtp.getServer().createSSLSocket(smtp.getSocket());
            tls.startHandshake();
        } catch (IOException e) {
            log.debug("STARTTLS handshake failed for {}: {}", session.clientIp(), e.toString());
            smtp.quit();
            return;
        }
        // New streams over TLS: anything the client pipelined in clear text after
        // STARTTLS is discarded with the old buffered reader (RFC 3207 §4.2).
        smtp.setSocket(tls);
        session.authLines(AuthLines.install(smtp));
        String protocol = tls.getSession().getProtocol();
        if (protocol.equals("TLSv1") || protocol.equals("TLSv1.1")) {
            // Exchange Online completes the handshake, then refuses the legacy client.
            smtp.sendResponse(session.traced(M365Replies.TLS_LEGACY_NOT_SUPPORTED));
            smtp.quit();
            return;
        }
        smtp.resetSmtpProtocol();
        smtp.setTlsStarted(true);
        session.tlsStarted();
    }
}
