package org.smtpdoctor.relay.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * <p>
 * Password guessing ({@link AuthThrottle}, {@link org.smtpdoctor.relay.config.AuthLimits}): an
 * address locked out after too many failures gets {@code 421 4.7.0} at once, before any
 * challenge and without a password check; past the first failures, the answer to each failure
 * waits, doubling (the session counts as waiting for its device meanwhile, so a shutdown does not
 * wait for it). Checks run through the relay's {@link PasswordChecks}: one that gets no turn
 * within {@link PasswordChecks#WAIT} is answered {@code 454 4.7.0} (RFC 4954 §6), the password
 * not judged either way.
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
            refuse(smtp, session, RelayReplies.ALREADY_AUTHENTICATED, "auth.refused", "reason", "already authenticated");
            return;
        }
        if (session.transaction().isPresent()) {
            refuse(smtp, session, "503 5.5.1 AUTH not allowed during a mail transaction", "auth.refused",
                    "reason", "AUTH inside a mail transaction");
            return;
        }
        String[] parts = argument.split("\\s+", 2);
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        Optional<String> initial = parts.length > 1 ? Optional.of(parts[1]) : Optional.empty();
        if (!mechanism.equals("PLAIN") && !mechanism.equals("LOGIN")) {
            refuse(smtp, session, argument.isEmpty() ? RelayReplies.ARGUMENT_SYNTAX : RelayReplies.AUTH_MECHANISM_UNKNOWN, "auth.refused",
                    "mechanism", mechanism.isEmpty() ? null : mechanism, "reason", argument.isEmpty() ? "no mechanism"
                            : "only PLAIN and LOGIN are offered (the relay keeps password hashes, which other mechanisms cannot use)");
            return;
        }
        if (!listener.offersAuth(session)) {
            boolean noAccounts = !listener.policy().hasAccounts();
            String reason = noAccounts
                    ? "no device accounts are configured; turn AUTH off on the device (its address decides)"
                    : "AUTH before TLS; the device should use STARTTLS, or set allow-plaintext-auth on this listener";
            listener.observer().refused(listener.peer(session), session.device().map(DeviceRule::name), "auth.refused", reason);
            refuse(smtp, session, session.isTls() || noAccounts ? RelayReplies.AUTH_MECHANISM_UNKNOWN : RelayReplies.ENCRYPTION_REQUIRED,
                    "auth.refused", "mechanism", mechanism, "reason", reason);
            return;
        }
        Optional<Instant> locked = listener.authThrottle().lockedOut(session.client());
        if (locked.isPresent()) {
            refuse(smtp, session, RelayReplies.AUTH_LOCKED_OUT, "auth.locked-out", "mechanism", mechanism,
                    "address", ClientBlock.describe(ClientBlock.of(session.client())), "until", locked.get().truncatedTo(ChronoUnit.SECONDS));
            smtp.quit();
            return;
        }
        Optional<Credentials> credentials = mechanism.equals("PLAIN") ? plain(initial, smtp, session) : login(initial, smtp, session);
        if (credentials.isEmpty()) {
            return; // cancelled or undecodable, already answered
        }
        String user = credentials.get().user();
        Optional<Optional<DeviceRule>> checked = listener.passwordChecks().run(
                () -> listener.policy().authenticate(session.client(), user, credentials.get().password()));
        if (checked.isEmpty()) {
            refuse(smtp, session, RelayReplies.AUTH_TEMPORARY_FAILURE, "auth.refused", "user", user, "mechanism", mechanism,
                    "reason", "too many password checks at once (auth.concurrent-checks); the device should try again");
            return;
        }
        Optional<DeviceRule> device = checked.get();
        if (device.isPresent()) {
            listener.authThrottle().succeeded(session.client());
            session.authenticated(device.get(), user);
            RelayEvents.info("auth.succeeded", "listener", listener.name(), "session", session.id(), "client", session.clientIp(),
                    "user", user, "device", device.get().name(), "mechanism", mechanism);
            listener.observer().authSucceeded(listener.peer(session), user, device.get().name());
            smtp.sendResponse(RelayReplies.AUTH_OK);
            return;
        }
        failed(smtp, session, user, mechanism);
    }

    /** A wrong user or password: counted for the connection and the address, the answer slowed down or the address locked out. */
    private void failed(Session smtp, DeviceSession session, String user, String mechanism) throws IOException {
        int failures = session.authFailed();
        listener.observer().authFailed(listener.peer(session), user);
        AuthThrottle.Failure f = listener.authThrottle().failed(session.client());
        String reply = f.lockedUntil().isPresent() ? RelayReplies.AUTH_LOCKED_OUT
                : failures >= MAX_FAILURES ? RelayReplies.TOO_MANY_AUTH_FAILURES : RelayReplies.AUTH_INVALID;
        if (!f.delay().isZero() && f.lockedUntil().isEmpty() && session.pause(f.delay())) {
            smtp.quit(); // the relay is stopping and answered 421 while the answer waited
            return;
        }
        refuse(smtp, session, reply, "auth.failed", "user", user, "mechanism", mechanism, "failures", failures,
                "address_failures", f.count(), "delay", f.delay().isZero() ? null : f.delay().toMillis() + "ms",
                "locked_until", f.lockedUntil().map(t -> t.truncatedTo(ChronoUnit.SECONDS)).orElse(null));
        if (!reply.equals(RelayReplies.AUTH_INVALID)) {
            smtp.quit();
        }
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd; an authzid other than the user is refused. */
    private Optional<Credentials> plain(Optional<String> initial, Session smtp, DeviceSession session) throws IOException {
        Optional<String> payload = initial.isPresent() && !initial.get().equals("=")
                ? decode(initial.get(), smtp, session)
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
        Optional<String> user = initial.isPresent() ? decode(initial.get(), smtp, session) : challenge(RelayReplies.AUTH_LOGIN_USERNAME, smtp, session);
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
            refuse(smtp, session, RelayReplies.AUTH_CANCELLED, "auth.refused", "reason", "cancelled by the client");
            return Optional.empty();
        }
        return decode(line, smtp, session);
    }

    private Optional<String> decode(String base64, Session smtp, DeviceSession session) throws IOException {
        try {
            return Optional.of(new String(Base64.getMimeDecoder().decode(base64.strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            refuse(smtp, session, RelayReplies.AUTH_BAD_BASE64, "auth.refused", "reason", "a response that is not base64");
            return Optional.empty();
        }
    }
}
