package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.config.DeviceRule;
import org.subethamail.smtp.server.Session;

/**
 * AUTH PLAIN and LOGIN (RFC 4954, RFC 4616, draft-murchison-sasl-login) against the hashed
 * device accounts. Only these two: CRAM-MD5 and its kin need the clear password on the
 * server. Offered after TLS, or before it only on a listener with allow-plaintext-auth;
 * otherwise {@code 538 5.7.11}.
 * <ul>
 *   <li>LOGIN: {@code 334 VXNlcm5hbWU6} and {@code 334 UGFzc3dvcmQ6} exactly ("Username:",
 *       "Password:"); the user name may come on the AUTH line as an initial response.</li>
 *   <li>PLAIN: initial response, or after an empty {@code 334 } challenge.</li>
 * </ul>
 * Continuation lines are read here, so SubEthaSMTP never sees or logs them; nothing here
 * logs a password or a payload. Three failures close the connection.
 */
final class AuthVerb extends RelayVerb {

    static final int MAX_FAILURES = 3;

    AuthVerb(DeviceListener listener) {
        super(listener, "AUTH", "Authentication.");
    }

    private record Credentials(String user, String password) {}

    @Override
    void handle(String argument, Session smtp, DeviceSession session) throws IOException {
        if (session.isAuthenticated()) {
            smtp.sendResponse(RelayReplies.ALREADY_AUTHENTICATED);
            return;
        }
        if (session.transaction().isPresent()) {
            smtp.sendResponse("503 5.5.1 AUTH not allowed during a mail transaction");
            return;
        }
        String[] parts = argument.split("\\s+", 2);
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        Optional<String> initial = parts.length > 1 ? Optional.of(parts[1]) : Optional.empty();
        if (!mechanism.equals("PLAIN") && !mechanism.equals("LOGIN")) {
            smtp.sendResponse(argument.isEmpty() ? RelayReplies.ARGUMENT_SYNTAX : RelayReplies.AUTH_MECHANISM_UNKNOWN);
            return;
        }
        if (!listener.offersAuth(session)) {
            boolean noAccounts = !listener.policy().hasAccounts();
            String reason = noAccounts
                    ? "no device accounts are configured; turn AUTH off on the device (its address decides)"
                    : "AUTH before TLS; the device should use STARTTLS, or set allow-plaintext-auth on this listener";
            RelayEvents.warn("auth.refused", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                    "device", session.device().map(DeviceRule::name).orElse(null), "reason", reason);
            listener.observer().refused(listener.peer(session), session.device().map(DeviceRule::name), "auth.refused", reason);
            smtp.sendResponse(session.isTls() || noAccounts ? RelayReplies.AUTH_MECHANISM_UNKNOWN : RelayReplies.ENCRYPTION_REQUIRED);
            return;
        }
        Optional<Credentials> credentials = mechanism.equals("PLAIN") ? plain(initial, smtp, session) : login(initial, smtp, session);
        if (credentials.isEmpty()) {
            return; // cancelled or undecodable, already answered
        }
        String user = credentials.get().user();
        Optional<DeviceRule> device = listener.policy().authenticate(session.client(), user, credentials.get().password());
        if (device.isPresent()) {
            session.authenticated(device.get(), user);
            RelayEvents.info("auth.succeeded", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                    "user", user, "device", device.get().name(), "mechanism", mechanism);
            listener.observer().authSucceeded(listener.peer(session), user, device.get().name());
            smtp.sendResponse(RelayReplies.AUTH_OK);
            return;
        }
        int failures = session.authFailed();
        RelayEvents.warn("auth.failed", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                "user", user, "mechanism", mechanism, "failures", failures);
        listener.observer().authFailed(listener.peer(session), user);
        if (failures >= MAX_FAILURES) {
            smtp.sendResponse(RelayReplies.TOO_MANY_AUTH_FAILURES);
            smtp.quit();
            return;
        }
        smtp.sendResponse(RelayReplies.AUTH_INVALID);
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd; an authzid other than the user is refused. */
    private Optional<Credentials> plain(Optional<String> initial, Session smtp, DeviceSession session) throws IOException {
        Optional<String> payload = initial.isPresent() && !initial.get().equals("=")
                ? decode(initial.get(), smtp)
                : initial.isPresent() ? Optional.of("") : challenge(RelayReplies.AUTH_EMPTY_CHALLENGE, smtp, session);
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        String[] fields = payload.get().split("\u0000", -1);
        if (fields.length != 3 || (!fields[0].isEmpty() && !fields[0].equals(fields[1]))) {
            return Optional.of(new Credentials(fields.length == 3 ? fields[1] : "", "")); // fails: no empty passwords
        }
        return Optional.of(new Credentials(fields[1], fields[2]));
    }

    private Optional<Credentials> login(Optional<String> initial, Session smtp, DeviceSession session) throws IOException {
        Optional<String> user = initial.isPresent() ? decode(initial.get(), smtp) : challenge(RelayReplies.AUTH_LOGIN_USERNAME, smtp, session);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> password = challenge(RelayReplies.AUTH_LOGIN_PASSWORD, smtp, session);
        return password.map(p -> new Credentials(user.get(), p));
    }

    private Optional<String> challenge(String challenge, Session smtp, DeviceSession session) throws IOException {
        smtp.sendResponse(challenge);
        // The device may take its time; a shutdown need not wait for it.
        if (session.awaiting(DeviceSession.Phase.WAITING)) {
            listener.sayShutdown(smtp, session);
            throw new IOException("the relay is shutting down");
        }
        String line = smtp.getReader().readLine();
        if (!session.working()) {
            throw new IOException("the relay is shutting down");
        }
        if (line == null) {
            smtp.quit();
            return Optional.empty();
        }
        if (line.strip().equals("*")) {
            smtp.sendResponse(RelayReplies.AUTH_CANCELLED);
            return Optional.empty();
        }
        return decode(line, smtp);
    }

    private Optional<String> decode(String base64, Session smtp) throws IOException {
        try {
            return Optional.of(new String(Base64.getMimeDecoder().decode(base64.strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            smtp.sendResponse(RelayReplies.AUTH_BAD_BASE64);
            return Optional.empty();
        }
    }
}
