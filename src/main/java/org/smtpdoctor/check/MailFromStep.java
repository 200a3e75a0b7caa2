package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.send;

import java.util.List;
import java.util.Optional;

/**
 * mail-from: MAIL FROM with {@code --from}, else the user name if it is an address. Needs
 * the request and {@code s.client}; sets {@code s.sender}. SKIP, blocking the rest, when
 * there is no sender; FAIL with the refusing reply or {@code transport.*}; PASS with the
 * server's reply.
 */
final class MailFromStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        String sender = s.request.from().orElse(s.request.user().filter(u -> u.contains("@")).orElse(null));
        if (sender == null) {
            return new Outcome(Status.SKIP, "no --from given (and the user name is not an address)", List.of(),
                    Optional.empty(), true);
        }
        s.sender = sender;
        return send(s, StepId.MAIL_FROM, "sender <" + sender + "> accepted", "sender <" + sender + "> refused",
                () -> s.client.mailFrom(sender));
    }
}
