package org.smtpdoctor.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.subethamail.smtp.server.Session;

/**
 * AUTH (RFC 4954) as Exchange Online offers it: only after STARTTLS, only LOGIN and
 * XOAUTH2. Any other mechanism, and any mechanism before TLS, gets
 * {@code 504 5.7.4 Unrecognized authentication type}.
 * <ul>
 *   <li>LOGIN: {@code 334 VXNlcm5hbWU6} ("Username:") and {@code 334 UGFzc3dvcmQ6}
 *       ("Password:"), the user name may come as an initial response.</li>
 *   <li>XOAUTH2: {@code base64("user=" u "^Aauth=Bearer " token "^A^A")} as initial
 *       response or after an empty {@code 334 } challenge.</li>
 * </ul>
 * The outcome comes from {@link SubmissionPolicy}. Continuation lines are read here, so
 * SubEthaSMTP never logs them; credentials are never logged by the lab either. AUTH
 * lines may be 12288 octets long (RFC 4954 §4), see {@link AuthLines}.
 */
final class AuthVerb extends LabVerb {

    AuthVerb(LabContext lab) {
        super(lab, "AUTH", "Authentication service");
    }

    @Override
    void handle(String argument, Session smtp, LabSession session) throws IOException {
        if (session.state() == LabSession.State.CONNECTED) {
            smtp.sendResponse(session.traced(M365Replies.SEND_HELLO_FIRST));
            return;
        }
        if (session.state() == LabSession.State.AUTHENTICATED) {
            smtp.sendResponse(session.traced(M365Replies.AUTH_ALREADY));
            return;
        }
        if (argument.isEmpty()) {
            smtp.sendResponse(session.traced(M365Replies.INVALID_ARGUMENTS));
            return;
        }
        String[] parts = argument.split("\\s+", 2);
        String mechanism = upper(parts[0]);
        String initial = parts.length > 1 ? session.authLines().initialResponse(parts[1]) : null;
        if (!session.isTls() || !(mechanism.equals("LOGIN") || mechanism.equals("XOAUTH2"))) {
            smtp.sendResponse(session.traced(M365Replies.AUTH_MECHANISM_UNRECOGNIZED));
            return;
        }
        Optional<SubmissionPolicy.AuthOutcome> result = mechanism.equals("LOGIN")
                ? login(initial, smtp, session)
                : xoauth2(initial, smtp, session);
        if (result.isEmpty()) {
            return; // the exchange was aborted and already answered, or the client went away
        }
        SubmissionPolicy.AuthOutcome outcome = result.get();
        if (outcome instanceof SubmissionPolicy.Accepted) {
            // The credentials are good; the front end still has to reach the mailbox's server.
            Optional<SubmissionPolicy.Rejected> proxy = lab.policy().proxy(lab.nextLogin());
            if (proxy.isPresent()) {
                outcome = proxy.get();
            }
        }
        if (outcome instanceof SubmissionPolicy.Accepted accepted) {
            session.authenticated(accepted.identity());
            smtp.sendResponse(M365Replies.AUTH_SUCCESSFUL);
        } else if (outcome instanceof SubmissionPolicy.Rejected rejected) {
            smtp.sendResponse(session.traced(rejected.reply()));
        }
    }

    /** Runs the LOGIN exchange; empty if it ended without credentials (already answered). */
    private Optional<SubmissionPolicy.AuthOutcome> login(String initial, Session smtp, LabSession session) throws IOException {
        Optional<String> user = initial != null
                ? decode(initial, smtp, session)
                : challenge(M365Replies.AUTH_LOGIN_USERNAME, smtp, session);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> password = challenge(M365Replies.AUTH_LOGIN_PASSWORD, smtp, session);
        if (password.isEmpty()) {
            return Optional.empty();
        }
        SubmissionPolicy.AuthOutcome outcome = lab.policy().basic(user.get(), password.get());
        // Entra's side of the same attempt, for the lab's Graph (LabDirectory says which code for which reply).
        lab.directory().recordBasic(user.get(), outcome instanceof SubmissionPolicy.Rejected r ? r.reply() : null, session.clientIp());
        return Optional.of(outcome);
    }

    /** Runs the XOAUTH2 exchange; empty if it ended without a usable token (already answered). */
    private Optional<SubmissionPolicy.AuthOutcome> xoauth2(String initial, Session smtp, LabSession session) throws IOException {
        Optional<String> payload = initial != null
                ? decode(initial, smtp, session)
                : challenge(M365Replies.AUTH_EMPTY_CHALLENGE, smtp, session);
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        String user = null;
        String token = null;
        for (String field : payload.get().split("\u0001")) {
            if (field.startsWith("user=")) {
                user = field.substring("user=".length());
            } else if (field.regionMatches(true, 0, "auth=Bearer ", 0, "auth=Bearer ".length())) {
                token = field.substring("auth=Bearer ".length()).strip();
            }
        }
        if (user == null || token == null || token.isEmpty()) {
            smtp.sendResponse(session.traced(M365Replies.AUTH_XOAUTH2_INVALID));
            return Optional.empty();
        }
        return Optional.of(lab.policy().xoauth2(user, token));
    }

    /** Sends a 334 challenge and decodes the client's base64 answer; empty if answered otherwise. */
    private Optional<String> challenge(String challenge, Session smtp, LabSession session) throws IOException {
        smtp.sendResponse(challenge);
        Optional<String> response = session.authLines().readResponse();
        if (response.isEmpty()) {
            smtp.quit();
            return Optional.empty();
        }
        String line = response.get();
        if (line.strip().equals("*")) {
            smtp.sendResponse(session.traced(M365Replies.AUTH_CANCELLED));
            return Optional.empty();
        }
        return decode(line, smtp, session);
    }

    private Optional<String> decode(String base64, Session smtp, LabSession session) throws IOException {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            smtp.sendResponse(session.traced(M365Replies.AUTH_CANNOT_DECODE));
            return Optional.empty();
        }
    }
}
