package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.shorten;
import static org.smtpdoctor.check.StepSupport.transportFailure;

import java.util.List;
import java.util.Optional;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.TransportException;

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
        try {
            Reply reply = s.client.rcptTo(to);
            if (reply.isPositive()) {
                return Outcome.pass("recipient <" + to + "> accepted: " + shorten(reply.oneLine()));
            }
            return Outcome.fail("recipient <" + to + "> refused: " + shorten(reply.oneLine()), s.reply(StepId.RCPT_TO, reply));
        } catch (TransportException e) {
            return transportFailure(s, StepId.RCPT_TO, e);
        }
    }
}
