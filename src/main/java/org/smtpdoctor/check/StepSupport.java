package org.smtpdoctor.check;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.smtp.Capabilities;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.TransportException;

/**
 * What several steps share: the EHLO name, the mark an inspection proxy leaves, the
 * judgement of a mail transaction command, and how a broken wire, a long reply and the
 * EHLO keywords read in a finding. Stateless.
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
        return addressLiteral(s.client.localAddress());
    }

    /** An address as an EHLO address literal: {@code [192.0.2.10]}, {@code [IPv6:2001:db8::10]} (RFC 5321 section 4.1.3). */
    static String addressLiteral(InetAddress local) {
        return local instanceof Inet6Address ? "[IPv6:" + HostPort.literal(local) + "]" : "[" + local.getHostAddress() + "]";
    }

    /** One command on the session's client. */
    interface Command {
        Reply send() throws TransportException;
    }

    /**
     * Sends a mail transaction command (MAIL FROM, RCPT TO, DATA): PASS when the server
     * accepts it, FAIL with the reply as evidence when it refuses, or the broken wire.
     *
     * @param accepted what the summary says, before the reply, when the server accepts
     * @param refused what it says when the server refuses
     */
    static Outcome send(CheckSession s, StepId step, String accepted, String refused, Command command) {
        try {
            Reply reply = command.send();
            if (reply.isPositive()) {
                return Outcome.pass(accepted + ": " + shorten(reply.oneLine()));
            }
            return Outcome.fail(refused + ": " + shorten(reply.oneLine()), s.reply(step, reply));
        } catch (TransportException e) {
            return transportFailure(s, step, e);
        }
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
