package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.shorten;
import static org.smtpdoctor.check.StepSupport.transportFailure;

import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.TransportException;

/**
 * auth: AUTH with the chosen mechanism. Needs {@code s.mechanism}, the user, and the
 * password or {@code s.accessToken} (and {@code s.tokenClaims}); sets
 * {@code s.authenticated}. SKIP when no mechanism was chosen; FAIL with the refusing reply
 * (phase {@code xoauth2} for XOAUTH2), {@code xoauth2.app-token-refused}, or
 * {@code transport.*}; PASS on 235.
 */
final class AuthStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        CheckRequest r = s.request;
        if (s.mechanism == null) {
            return Outcome.skip(r.noAuth() ? "--no-auth" : "not authenticating");
        }
        String user = r.user().orElseThrow();
        Reply reply;
        try {
            reply = switch (s.mechanism) {
                case "XOAUTH2" -> s.client.authXoauth2(user, s.accessToken);
                case "PLAIN" -> s.client.authPlain(user, r.password().orElseThrow());
                default -> s.client.authLogin(user, r.password().orElseThrow());
            };
        } catch (TransportException e) {
            return transportFailure(s, StepId.AUTH, e);
        }
        if (reply.code() == 235) {
            s.authenticated = true;
            return Outcome.pass("authenticated as " + user + " with " + s.mechanism);
        }
        // An OAuth rejection means something else than a password one (rules phase "xoauth2").
        Evidence evidence = "XOAUTH2".equals(s.mechanism)
                ? Evidence.reply("xoauth2", reply, s.vendor(), s.values()) : s.reply(StepId.AUTH, reply);
        boolean catchAll = reply.code() == 535 && reply.enhanced().map(e -> e.toString().equals("5.7.3")).orElse(false);
        if ("XOAUTH2".equals(s.mechanism) && catchAll && s.tokenClaims != null && s.tokenClaims.appOnly()
                && s.vendor() == Vendor.MICROSOFT) {
            // The token step found nothing wrong with the token: what is left is Exchange's side.
            evidence = s.event(StepId.AUTH, "xoauth2.app-token-refused");
        }
        return Outcome.fail("authentication failed: " + shorten(reply.oneLine()), evidence);
    }
}
