package org.smtpdoctor.cli;

import java.io.PrintWriter;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.deliver.UpstreamCheck;
import org.smtpdoctor.relay.deliver.UpstreamSettings;
import org.smtpdoctor.report.DiagnosisText;
import org.smtpdoctor.report.TerminalStyle;

/**
 * {@code relay --check-config}'s look at its Microsoft Graph upstreams: the message size devices
 * will be told, then for each m365-graph:// upstream what was verified (token, permission,
 * mailbox scope), what could not be without sending mail, and the problem with its fix.
 */
final class GraphChecks {

    private GraphChecks() {
    }

    /** @return whether a problem was found */
    static boolean print(RelayConfig config, PrintWriter out) {
        RelayConfig limited = config.limitedToUpstreams();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig before = config.listeners().get(i);
            ListenerConfig after = limited.listeners().get(i);
            if (after.maxMessageBytes() < before.maxMessageBytes()) {
                out.println("  size        devices on " + before + " may send up to " + after.maxMessageBytes()
                        + " bytes (EHLO SIZE; larger ones get 552 5.3.4): " + config.upstreams().stream()
                        .filter(u -> u.maxMessageBytes().isPresent()).findFirst().map(u -> u.maxMessageReason()).orElse(""));
            }
        }
        boolean problem = false;
        java.util.List<UpstreamCheck.Result> results;
        try {
            results = UpstreamCheck.check(config.upstreams(), UpstreamSettings.defaults(config.hostName()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        for (UpstreamCheck.Result r : results) {
            out.println("  graph check " + r.upstream());
            r.verified().forEach(v -> out.println("    verified      " + v));
            r.notVerified().forEach(v -> out.println("    not verified  " + v));
            if (r.problem().isPresent()) {
                problem = true;
                out.println();
                DiagnosisText.print(out, TerminalStyle.PLAIN, r.problem().get(), "  Problem: ");
                out.println();
            }
        }
        return problem;
    }
}
