package org.smtpdoctor.check;

import java.util.Locale;
import java.util.Set;
import org.smtpdoctor.smtp.Capabilities;

/**
 * auth-mechanisms: which AUTH mechanism to use, from what the server offers on the
 * current (TLS, if any) session and what was asked for. Needs the request's user,
 * {@code --no-auth}, token, mechanism and {@code --allow-plaintext-auth}, and
 * {@code s.client}; sets {@code s.mechanism}. SKIP without credentials; FAIL
 * {@code auth.requires-tls}, {@code auth.not-offered}, {@code auth.plaintext-refused} or
 * {@code auth.no-common-mechanism}; PASS with the offer and the choice.
 */
final class AuthMechanismsStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        CheckRequest r = s.request;
        if (r.noAuth()) {
            return Outcome.skip("--no-auth: not authenticating, as a device without credentials would");
        }
        if (r.user().isEmpty()) {
            return Outcome.skip("no --user given: not authenticating");
        }
        Capabilities caps = s.client.capabilities();
        Set<String> offered = caps.authMechanisms();
        if (offered.isEmpty()) {
            boolean tlsWouldHelp = !s.client.isTls() && caps.startTls();
            return Outcome.fail("the server offers no AUTH" + (s.client.isTls() ? "" : " on this unencrypted session"),
                    s.event(StepId.AUTH_MECHANISMS, tlsWouldHelp ? "auth.requires-tls" : "auth.not-offered"));
        }
        String wanted;
        if (r.token().isPresent()) {
            wanted = "XOAUTH2";
        } else if (r.mechanism().isPresent()) {
            wanted = r.mechanism().get().toUpperCase(Locale.ROOT);
        } else {
            wanted = offered.contains("PLAIN") ? "PLAIN" : offered.contains("LOGIN") ? "LOGIN" : null;
        }
        if (!s.client.isTls() && !r.allowPlaintextAuth()) {
            return Outcome.fail("not sending credentials over an unencrypted connection (use TLS, or --allow-plaintext-auth)",
                    s.event(StepId.AUTH_MECHANISMS, "auth.plaintext-refused"));
        }
        if (wanted == null || !offered.contains(wanted)) {
            return Outcome.fail("offered: " + String.join(" ", offered) + "; none that we can use"
                            + (wanted == null ? " (LOGIN, PLAIN or XOAUTH2)" : " (" + wanted + ")"),
                    s.event(StepId.AUTH_MECHANISMS, "auth.no-common-mechanism"));
        }
        s.mechanism = wanted;
        return Outcome.pass("offered: " + String.join(" ", offered) + "; using " + wanted);
    }
}
