package org.smtpdoctor.check;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.smtp.Capabilities;
import org.smtpdoctor.smtp.Redactor;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.SmtpClient;
import org.smtpdoctor.smtp.Transcript;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * The state of one check while its steps run: what earlier steps learned and the
 * open client. Owned by one {@link CheckRunner#run} call on one thread; fields are
 * set by the step that learns them and read by later steps.
 */
final class CheckSession {
    final CheckRequest request;
    final Transcript transcript;
    final Redactor redactor;
    /** The access token the token step acquired, and what it says. */
    org.smtpdoctor.smtp.Secret accessToken;
    org.smtpdoctor.oauth.AccessToken tokenClaims;
    /** The host connected to: the request's, or the MX the dns step chose for an MX route. */
    String host;
    List<InetAddress> addresses = List.of();
    InetAddress connectedTo;
    SmtpClient client;
    Reply banner;
    boolean bannerMasked;
    boolean keywordsMasked;
    Capabilities plainCapabilities;
    Optional<TlsSessionInfo> tls = Optional.empty();
    String mechanism;
    boolean authenticated;
    String sender;

    CheckSession(CheckRequest request, Redactor redactor, java.util.function.Consumer<Transcript.Entry> observer) {
        this.request = request;
        this.redactor = redactor;
        this.transcript = new Transcript(java.time.Clock.systemUTC(), redactor, observer);
        this.host = request.host();
    }

    /**
     * A session for a follow-up probe's own connection: the same request, transcript and
     * redactor, the host and addresses the dns step found, the token the token step got; nothing
     * of the first connection's state.
     */
    CheckSession followUp() {
        CheckSession p = new CheckSession(request, redactor, transcript);
        p.host = host;
        p.addresses = addresses;
        p.accessToken = accessToken;
        p.tokenClaims = tokenClaims;
        return p;
    }

    private CheckSession(CheckRequest request, Redactor redactor, Transcript transcript) {
        this.request = request;
        this.redactor = redactor;
        this.transcript = transcript;
        this.host = request.host();
    }

    /** Whose server this is, from the host name, the lab, or the server's own words. */
    Vendor vendor() {
        Vendor v = request.lab() ? Vendor.MICROSOFT : Vendor.fromHost(host);
        if (banner != null) {
            v = v.or(Vendor.fromText(banner.text()));
        }
        if (plainCapabilities != null) {
            v = v.or(Vendor.fromText(plainCapabilities.greeting()));
        }
        return v;
    }

    /** Values that fill remedy placeholders. */
    Map<String, String> values() {
        Map<String, String> m = new HashMap<>();
        m.put("host", host);
        m.put("port", String.valueOf(request.port()));
        request.user().ifPresent(u -> m.put("user", u));
        request.from().or(() -> Optional.ofNullable(sender)).ifPresent(f -> m.put("from", f));
        request.to().ifPresent(t -> m.put("to", t));
        if (tokenClaims != null) {
            tokenClaims.appId().ifPresent(a -> m.put("app_id", a));
            tokenClaims.objectId().ifPresent(o -> m.put("object_id", o));
        }
        return m;
    }

    Evidence reply(StepId phase, Reply reply) {
        return Evidence.reply(phase.id(), reply, vendor(), values());
    }

    Evidence event(StepId phase, String event) {
        return Evidence.event(phase.id(), event, vendor(), values());
    }
}
