package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.MASKED;
import static org.smtpdoctor.check.StepSupport.ehloName;
import static org.smtpdoctor.check.StepSupport.keywords;
import static org.smtpdoctor.check.StepSupport.shorten;
import static org.smtpdoctor.check.StepSupport.transportFailure;

import java.util.List;
import java.util.regex.Pattern;
import org.smtpdoctor.smtp.Capabilities;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.TransportException;

/**
 * ehlo: EHLO (HELO when the server does not know EHLO) and the extensions it offers
 * before any STARTTLS. Needs {@code s.client}; sets {@code s.plainCapabilities} and
 * {@code s.keywordsMasked}. FAIL with the reply as evidence, or {@code transport.*}; WARN
 * {@code ehlo.helo-only} or {@code ehlo.masked}; PASS with the keywords as details.
 */
final class EhloStep implements Step {

    /** A keyword overwritten with X's (Cisco ESMTP inspection turns STARTTLS into XXXXXXXA). */
    private static final Pattern X_KEYWORD = Pattern.compile("^X{4,}[A-Z]?$");

    @Override
    public Outcome run(CheckSession s) {
        Reply reply;
        try {
            reply = s.client.hello(ehloName(s));
        } catch (TransportException e) {
            return transportFailure(s, StepId.EHLO, e);
        }
        if (!reply.isPositive()) {
            return Outcome.fail("EHLO and HELO refused: " + shorten(reply.oneLine()), s.reply(StepId.EHLO, reply));
        }
        Capabilities caps = s.client.capabilities();
        s.plainCapabilities = caps;
        if (!s.client.extended()) {
            return Outcome.warn("the server knows only HELO: no STARTTLS, no AUTH, no extensions",
                    s.event(StepId.EHLO, "ehlo.helo-only"));
        }
        List<String> masked = caps.names().stream().filter(k -> X_KEYWORD.matcher(k).matches()).toList();
        if (!masked.isEmpty() || MASKED.matcher(caps.greeting()).find()) {
            s.keywordsMasked = true;
            return Outcome.warn("EHLO keywords are masked " + masked + ": an SMTP inspection device rewrites them",
                    s.event(StepId.EHLO, "ehlo.masked"), keywords(caps));
        }
        return Outcome.pass(caps.names().size() + " extensions: " + String.join(" ", caps.names()), keywords(caps));
    }
}
