package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.ehloName;
import static org.smtpdoctor.check.StepSupport.keywords;
import static org.smtpdoctor.check.StepSupport.shorten;
import static org.smtpdoctor.check.StepSupport.transportFailure;

import java.util.Optional;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.TransportException;
import org.smtpdoctor.tls.TlsClient;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * tls: the TLS handshake, implicit (before the banner) or by STARTTLS followed by a second
 * EHLO. Needs {@code s.request.security()}, {@code s.client}, and for STARTTLS
 * {@code s.plainCapabilities} and the masking flags; sets {@code s.tls}. SKIP with
 * {@code --security none}; FAIL {@code tls.starttls-not-offered} or
 * {@code tls.starttls-stripped}, the refusing reply, {@code tls.starttls-plaintext},
 * {@code tls.plaintext-answer}, {@code tls.protocol-version}, {@code tls.handshake} or
 * {@code transport.*}; PASS with protocol and cipher suite (and, for STARTTLS, the keywords).
 */
final class TlsStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        Security security = s.request.security();
        if (security == Security.NONE) {
            return Outcome.skip("not requested (--security none): the session stays in plain text");
        }
        TlsClient tlsClient = new TlsClient(s.request.trusted(), s.request.tlsProtocols());
        if (security == Security.TLS) {
            try {
                s.tls = Optional.of(s.client.implicitTls(tlsClient, s.host, s.request.port()));
            } catch (TransportException e) {
                return tlsFailure(s, e);
            }
            return Outcome.pass("implicit TLS: " + describe(s.tls.get()));
        }
        if (!s.plainCapabilities.startTls()) {
            String event = s.bannerMasked || s.keywordsMasked ? "tls.starttls-stripped" : "tls.starttls-not-offered";
            return Outcome.fail("the server does not offer STARTTLS", s.event(StepId.TLS, event));
        }
        try {
            SmtpClient.StartTlsResult result = s.client.startTls(tlsClient, s.host, s.request.port());
            if (result.session().isEmpty()) {
                return Outcome.fail("STARTTLS refused: " + shorten(result.reply().oneLine()), s.reply(StepId.TLS, result.reply()));
            }
            s.tls = result.session();
            Reply again = s.client.hello(ehloName(s));
            if (!again.isPositive()) {
                return Outcome.fail("EHLO after STARTTLS refused: " + shorten(again.oneLine()), s.reply(StepId.TLS, again));
            }
        } catch (TransportException e) {
            return tlsFailure(s, e);
        }
        return Outcome.pass("STARTTLS: " + describe(s.tls.get()), keywords(s.client.capabilities()));
    }

    private static Outcome tlsFailure(CheckSession s, TransportException e) {
        if (e.kind() != TransportException.Kind.TLS_HANDSHAKE) {
            return transportFailure(s, StepId.TLS, e);
        }
        String m = e.getMessage();
        // In STARTTLS mode a plain-text answer means the 220 was not followed by TLS: not a port mix-up.
        String plain = s.request.security() == Security.STARTTLS ? "tls.starttls-plaintext" : "tls.plaintext-answer";
        String event = m.contains("plain text") ? plain
                : m.contains("no TLS version in common") ? "tls.protocol-version" : "tls.handshake";
        return Outcome.fail(m, s.event(StepId.TLS, event));
    }

    private static String describe(TlsSessionInfo info) {
        return info.protocol() + ", " + info.cipherSuite();
    }
}
