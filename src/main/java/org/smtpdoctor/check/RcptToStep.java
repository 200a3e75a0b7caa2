package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.send;

import java.util.List;
import java.util.Optional;

/**
 * rcpt-to: RCPT TO with {@code --to}. Needs the request and {@code s.client} in a mail
 * transaction. SKIP, blocking the rest, without {@code --to}; FAIL with the refusing reply
 * or {@code transport.*}; PASS with the server's reply.
 */
final class RcptToStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        if (s.request.to().isEmpty()) {
            return new Outcome(Status.SKIP, "no --to given: add --to to test a recipient", List.of(),
                    Optional.empty(), true);
        }
        String to = s.request.to().get();
        return send(s, StepId.RCPT_TO, "recipient <" + to + "> accepted", "recipient <" + to + "> refused",
                () -> s.client.rcptTo(to));
    }
}
