package org.smtpdoctor.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.smtpdoctor.relay.config.AdminConfig;

/**
 * Who may use the console: sessions, the login, CSRF tokens and the brute-force delay.
 * <ul>
 *   <li>Every browser gets a session (a 256-bit random token in a cookie: {@code HttpOnly},
 *       {@code SameSite=Strict}, {@code Secure} and the {@code __Host-} prefix under HTTPS),
 *       also before it logs in, so that the login form itself carries a CSRF token. A session
 *       ends after {@value #IDLE_MINUTES} idle minutes or {@value #MAX_HOURS} hours.</li>
 *   <li>Each session has its own CSRF token; every POST must carry it ({@link #CSRF_FIELD}),
 *       compared in constant time (the synchronizer-token pattern).</li>
 *   <li>When {@link AdminConfig#loginRequired()}, a session must log in (user and PBKDF2 hash
 *       from the configuration); a successful login gets a new session token (no fixation).</li>
 *   <li>Brute force: after a failed login (or HTTP Basic attempt on /metrics) from an address,
 *       the next attempt from it is refused unchecked for 1 s, then 2, 4, ... up to
 *       {@value #MAX_DELAY_SECONDS} s; and one password is checked at a time in the whole
 *       process (PBKDF2 costs CPU on purpose).</li>
 * </ul>
 * Sessions live in memory: a restart logs everyone out. Thread-safe.
 */
final class ConsoleAuth {

    static final String CSRF_FIELD = "_csrf";
    static final int IDLE_MINUTES = 30;
    static final int MAX_HOURS = 12;
    static final int MAX_DELAY_SECONDS = 300;
    static final int MAX_SESSIONS = 10_000;

    /** One browser's session. */
    static final class Session {
        final String token;
        final String csrf;
        final Instant created;
        volatile Instant lastSeen;
        final boolean loggedIn;

        Session(String token, String csrf, Instant created, boolean loggedIn) {
            this.token = token;
            this.csrf = csrf;
            this.created = created;
            this.lastSeen = created;
            this.loggedIn = loggedIn;
        }
    }

    /** How a login went. */
    sealed interface Login permits LoggedIn, Refused, TooSoon {}

    record LoggedIn(Session session) implements Login {}

    /** Wrong user or password; the next try from this address waits {@code retryAfter}. */
    record Refused(Duration retryAfter) implements Login {}

    /** Tried again before the delay was over: not checked. */
    record TooSoon(Duration retryAfter) implements Login {}

    private record Throttle(int failures, Instant notBefore) {}

    private final AdminConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Throttle> throttles = new ConcurrentHashMap<>();
    private final Map<String, Instant> basicOk = new ConcurrentHashMap<>();
    private final Semaphore checking = new Semaphore(1, true);

    ConsoleAuth(AdminConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    boolean loginRequired() {
        return config.loginRequired();
    }

    /** The login name (the one user). */
    String user() {
        return config.user();
    }

    String cookieName() {
        return config.https() ? "__Host-smtpdoctor" : "smtpdoctor";
    }

    /** The Set-Cookie header value for a session. */
    String cookie(Session s) {
        return cookieName() + "=" + s.token + "; Path=/; HttpOnly; SameSite=Strict" + (config.https() ? "; Secure" : "");
    }

    /** The cookie that removes the session cookie. */
    String clearCookie() {
        return cookieName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (config.https() ? "; Secure" : "");
    }

    /** The live session with this token, if any (touching it). */
    Optional<Session> find(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        Session s = sessions.get(token);
        Instant now = clock.instant();
        if (s == null) {
            return Optional.empty();
        }
        if (expired(s, now)) {
            sessions.remove(token);
            return Optional.empty();
        }
        s.lastSeen = now;
        return Optional.of(s);
    }

    /** A new session, logged in when no login is required. */
    Session anonymous() {
        return create(!loginRequired());
    }

    boolean csrfValid(Session s, String presented) {
        return presented != null && MessageDigest.isEqual(s.csrf.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Checks user and password for {@code client}, with the brute-force delay. */
    Login login(String client, String user, String password) {
        Instant now = clock.instant();
        Throttle t = throttles.get(client);
        if (t != null && t.notBefore().isAfter(now)) {
            return new TooSoon(Duration.between(now, t.notBefore()));
        }
        if (!check(user, password)) {
            return new Refused(failed(client));
        }
        throttles.remove(client);
        return new LoggedIn(create(true));
    }

    /**
     * An HTTP Basic {@code Authorization} header for /metrics (Prometheus's basic_auth), with the
     * same delay; a header that passed is remembered (by its SHA-256) for ten minutes, so a
     * scrape every 15 s does not cost a PBKDF2 each.
     */
    boolean basic(String client, String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        Instant now = clock.instant();
        String digest = sha256(header);
        Instant until = basicOk.get(digest);
        if (until != null && until.isAfter(now)) {
            return true;
        }
        Throttle t = throttles.get(client);
        if (t != null && t.notBefore().isAfter(now)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            failed(client);
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !check(decoded.substring(0, colon), decoded.substring(colon + 1))) {
            failed(client);
            return false;
        }
        throttles.remove(client);
        if (basicOk.size() > 100) {
            basicOk.clear();
        }
        basicOk.put(digest, now.plus(Duration.ofMinutes(10)));
        return true;
    }

    void logout(Session s) {
        sessions.remove(s.token);
    }

    private boolean check(String user, String password) {
        if (config.passwordHash().isEmpty()) {
            return false;
        }
        checking.acquireUninterruptibly();
        try {
            // The hash is computed even for a wrong user name, so that timing does not tell which was wrong.
            boolean passwordOk = config.passwordHash().get().matches(password == null ? "" : password);
            return passwordOk & MessageDigest.isEqual(config.user().getBytes(StandardCharsets.UTF_8),
                    (user == null ? "" : user).getBytes(StandardCharsets.UTF_8));
        } finally {
            checking.release();
        }
    }

    /** Records a failure; returns how long this client now waits. */
    private Duration failed(String client) {
        Instant now = clock.instant();
        Throttle t = throttles.merge(client, new Throttle(1, now.plusSeconds(1)), (old, one) -> {
            int n = old.failures() + 1;
            long delay = Math.min(MAX_DELAY_SECONDS, 1L << Math.min(20, n - 1));
            return new Throttle(n, now.plusSeconds(delay));
        });
        if (throttles.size() > MAX_SESSIONS) {
            throttles.entrySet().removeIf(e -> e.getValue().notBefore().isBefore(now.minus(Duration.ofHours(1))));
        }
        return Duration.between(now, t.notBefore());
    }

    private Session create(boolean loggedIn) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> expired(s, now));
            if (sessions.size() >= MAX_SESSIONS) {
                // Someone is making sessions without end: the least recently used go first.
                sessions.values().stream().min(Comparator.comparing((Session s) -> s.lastSeen)).ifPresent(s -> sessions.remove(s.token));
            }
        }
        Session s = new Session(token(), token(), now, loggedIn);
        sessions.put(s.token, s);
        return s;
    }

    private boolean expired(Session s, Instant now) {
        return s.lastSeen.plus(Duration.ofMinutes(IDLE_MINUTES)).isBefore(now) || s.created.plus(Duration.ofHours(MAX_HOURS)).isBefore(now);
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String sha256(String s) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
