package org.smtpdoctor.check;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.smtpdoctor.smtp.Capabilities;
import org.smtpdoctor.smtp.TransportException;

/**
 * What several steps share: the EHLO name, the mark an inspection proxy leaves, and how a
 * broken wire, a long reply and the EHLO keywords read in a finding. Stateless.
 */
final class StepSupport {

    /** A banner or greeting with a run of asterisks: an SMTP inspection proxy masked it. */
    static final Pattern MASKED = Pattern.compile("\\*{5,}");

    private StepSupport() {
    }

    /** The EHLO name: as given, else this side's address literal (RFC 5321 section 4.1.3). */
    static String ehloName(CheckSession s) {
        if (!s.request.ehloName().isBlank()) {
            return s.request.ehloName();
        }
        InetAddress local = s.client.localAddress();
        return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress() + "]" : "[" + local.getHostAddress() + "]";
    }

    /** A broken wire in any step: named by its kind, as event {@code transport.<kind>}. */
    static Outcome transportFailure(CheckSession s, StepId step, TransportException e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return Outcome.fail(e.getMessage(), s.event(step, "transport." + kind));
    }

    /** The EHLO keywords with their parameters, one a line. */
    static String[] keywords(Capabilities caps) {
        List<String> out = new ArrayList<>();
        caps.keywords().forEach((k, v) -> out.add(v.isEmpty() ? k : k + " " + String.join(" ", v)));
        return out.toArray(new String[0]);
    }

    /** A reply line cut to fit a summary. */
    static String shorten(String text) {
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }
}
