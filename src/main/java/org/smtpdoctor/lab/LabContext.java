package org.smtpdoctor.lab;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Everything the verbs of one {@link LabServer} share: the scenario and its policy, the
 * store of accepted messages, the clock, and the {@link LabSession} of each open
 * connection. Created once per server; thread-safe (the session map is concurrent, the
 * rest is immutable or internally synchronized).
 */
final class LabContext {

    /** The largest message the lab keeps in memory; larger ones get 552 5.3.4 after DATA. */
    static final int MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
    /** Recipients per transaction the lab accepts (Exchange Online allows more). */
    static final int MAX_RECIPIENTS = 100;
    /** Accepted messages kept for {@link LabServer#receivedMessages()}. */
    static final int MAX_STORED_MESSAGES = 100;

    /**
     * What the lab is now: replaced as a whole when the lab switches scenario.
     *
     * @param logins logins accepted since the scenario started (see {@link SubmissionPolicy#proxy})
     */
    private record Setup(Scenario scenario, Fault fault, SubmissionPolicy policy, java.util.concurrent.atomic.AtomicInteger logins) {}

    private final String demoToken;
    private volatile Setup setup;
    private final ReceivedMessages messages = new ReceivedMessages(MAX_STORED_MESSAGES);
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<Session, LabSession> sessions = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private final LabDirectory directory;

    LabContext(Scenario scenario, Fault fault, String demoToken, Optional<ExchangeTokenValidator> entraTokens, Clock clock) {
        this(scenario, fault, demoToken, entraTokens, clock, new LabDirectory(scenario, fault, clock));
    }

    LabContext(Scenario scenario, Fault fault, String demoToken, Optional<ExchangeTokenValidator> entraTokens, Clock clock,
               LabDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.demoToken = Objects.requireNonNull(demoToken, "demoToken");
        this.clock = Objects.requireNonNull(clock, "clock");
        switchTo(scenario, fault, entraTokens);
    }

    /** From the next command on, the lab answers as this scenario (open sessions keep their state). */
    void switchTo(Scenario scenario, Fault fault, Optional<ExchangeTokenValidator> entraTokens) {
        setup = new Setup(Objects.requireNonNull(scenario, "scenario"), Objects.requireNonNull(fault, "fault"),
                new SubmissionPolicy(scenario, fault, demoToken, entraTokens), new java.util.concurrent.atomic.AtomicInteger());
        if (directory != null) {
            directory.switchTo(scenario, fault);
        }
    }

    Scenario scenario() {
        return setup.scenario();
    }

    Fault fault() {
        return setup.fault();
    }

    SubmissionPolicy policy() {
        return setup.policy();
    }

    /** Counts one more accepted login in this scenario and returns its number (from 1). */
    int nextLogin() {
        return setup.logins().incrementAndGet();
    }

    /** The tenant's directory: the sign-in log that AUTH LOGIN attempts are recorded in. */
    LabDirectory directory() {
        return directory;
    }

    ReceivedMessages messages() {
        return messages;
    }

    Clock clock() {
        return clock;
    }

    /** Session ids shaped like Exchange Online's ({@code 08DCE8B62813AB2B}): 16 upper-case hex digits. */
    String newSessionId() {
        byte[] bytes = new byte[7];
        random.nextBytes(bytes);
        return ("08D" + HexFormat.of().withUpperCase().formatHex(bytes)).substring(0, 16);
    }

    /** Creates a {@link LabSession} when a connection is accepted and forgets it when it ends. */
    SessionHandler sessionHandler() {
        return new SessionHandler() {
            @Override
            public SessionAcceptance accept(Session session) {
                if (closing) {
                    return SessionAcceptance.failure(421, M365Replies.SERVICE_NOT_AVAILABLE.substring(4));
                }
                sessions.put(session, newLabSession(session));
                return SessionAcceptance.success();
            }

            @Override
            public void onSessionEnd(Session session) {
                sessions.remove(session);
            }
        };
    }

    /** Refuses new connections and drops the open ones (see {@link LabSession#abort()}). */
    void closeConnections() {
        closing = true;
        sessions.values().forEach(LabSession::abort);
    }

    /** The lab state of a connection (created on first use if the handler has not run). */
    LabSession session(Session session) {
        return sessions.computeIfAbsent(session, this::newLabSession);
    }

    /**
     * Finishes a transaction after DATA's final "." or BDAT LAST: judges the message,
     * stores it if accepted, ends the transaction, and returns the reply to send.
     */
    String submit(LabSession session, byte[] message, boolean oversized) {
        MailTransaction transaction = session.transaction().orElseThrow();
        String identity = session.identity().orElseThrow();
        session.endTransaction();
        if (oversized) {
            return session.traced(M365Replies.MESSAGE_TOO_BIG);
        }
        var refusal = policy().endOfData(identity, transaction, message);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        messages.add(new String(message, StandardCharsets.UTF_8));
        String messageId = HeaderFields.messageId(message).orElseGet(() ->
                "<" + newSessionId().toLowerCase(Locale.ROOT) + "@" + M365Replies.MAILBOX_SERVER.toLowerCase(Locale.ROOT) + ">");
        return M365Replies.queued(messageId);
    }

    private LabSession newLabSession(Session session) {
        InetSocketAddress remote = session.getRemoteAddress();
        String ip = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
        String id = session.getSessionId() == null ? newSessionId() : session.getSessionId();
        LabSession lab = new LabSession(id, ip, clock, session.getSocket());
        lab.authLines(AuthLines.install(session));
        return lab;
    }
}
