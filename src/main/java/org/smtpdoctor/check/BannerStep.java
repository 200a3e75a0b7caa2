package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.MASKED;
import static org.smtpdoctor.check.StepSupport.shorten;
import static org.smtpdoctor.check.StepSupport.transportFailure;

import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.TransportException;

/**
 * banner: the server's greeting (after the handshake, with implicit TLS). Needs
 * {@code s.client}; sets {@code s.banner} and {@code s.bannerMasked}. FAIL with the reply
 * as evidence when it is not 220, or {@code transport.*}; WARN {@code banner.masked};
 * PASS with the greeting.
 */
final class BannerStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        Reply banner;
        try {
            banner = s.client.greeting();
        } catch (TransportException e) {
            return transportFailure(s, StepId.BANNER, e);
        }
        s.banner = banner;
        if (banner.code() != 220) {
            return Outcome.fail("the server refused the session: " + shorten(banner.oneLine()), s.reply(StepId.BANNER, banner));
        }
        if (MASKED.matcher(banner.text()).find()) {
            s.bannerMasked = true;
            return Outcome.warn("banner is masked (" + shorten(banner.oneLine()) + "): something in between rewrites SMTP",
                    s.event(StepId.BANNER, "banner.masked"));
        }
        return Outcome.pass(shorten(banner.oneLine()));
    }
}
