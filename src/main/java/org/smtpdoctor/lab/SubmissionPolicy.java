package org.smtpdoctor.lab;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's decisions, as pure functions of the scenario: who may authenticate, with
 * which mechanism, and whether a finished message is accepted. No I/O; the verbs send
 * what these methods return. Replies are returned without the trace, which the caller adds.
 * <p>
 * General rules, in every scenario:
 * <ul>
 *   <li>AUTH LOGIN succeeds for the scenario's mailbox with the account password (the
 *       scenario's default password, except in {@code wrong-password}); other credentials
 *       get 5.7.139 "the user credentials were incorrect".</li>
 *   <li>XOAUTH2 succeeds for the mailbox with the lab's demo token; anything else gets
 *       535 5.7.3. In the {@code oauth-*} scenarios ({@link Fault#usesEntra()}) the demo
 *       token is not accepted: the {@link ExchangeTokenValidator} judges tokens of the
 *       lab's Entra, and every refusal is 535 5.7.3 (its reason goes to the DEBUG log).</li>
 *   <li>A message whose MAIL FROM or From: address is not the authenticated mailbox is
 *       refused after DATA with 554 5.2.252 SendAsDenied: in the lab no mailbox holds Send
 *       As rights on another address.</li>
 * </ul>
 * Then each {@link Fault} overrides one step. Immutable and thread-safe.
 */
final class SubmissionPolicy {

    /** Outcome of an authentication attempt. */
    sealed interface AuthOutcome permits Accepted, Rejected {
    }

    /** @param identity the mailbox the session is now authenticated as */
    record Accepted(String identity) implements AuthOutcome {
    }

    /** @param reply the untraced reply to send */
    record Rejected(String reply) implements AuthOutcome {
    }

    private static final Logger log = LoggerFactory.getLogger(SubmissionPolicy.class);

    private final Scenario scenario;
    private final Fault fault;
    private final String accountPassword;
    private final byte[] demoToken;
    private final Optional<ExchangeTokenValidator> entraTokens;

    SubmissionPolicy(Scenario scenario, Fault fault, String demoToken) {
        this(scenario, fault, demoToken, Optional.empty());
    }

    /**
     * @param entraTokens the validator of the lab's Entra tokens: present when {@link Fault#usesEntra()}, and in
     *        any scenario of a lab started with its Entra ({@link LabServer#startWithEntra}); XOAUTH2 then takes
     *        only that Entra's tokens, not the demo token
     */
    SubmissionPolicy(Scenario scenario, Fault fault, String demoToken, Optional<ExchangeTokenValidator> entraTokens) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.fault = Objects.requireNonNull(fault, "fault");
        this.accountPassword = fault == Fault.WRONG_PASSWORD ? Scenarios.PASSWORD : scenario.password();
        this.demoToken = demoToken.getBytes(StandardCharsets.UTF_8);
        this.entraTokens = Objects.requireNonNull(entraTokens, "entraTokens");
        if (fault.usesEntra() && entraTokens.isEmpty()) {
            throw new IllegalArgumentException("fault " + fault + " needs a token validator");
        }
    }

    /** AUTH LOGIN (Basic authentication) with the decoded user name and password. */
    AuthOutcome basic(String user, String password) {
        if (fault == Fault.ACCOUNT_LOCKED) {
            return new Rejected(M365Replies.AUTH_ACCOUNT_LOCKED); // smart lockout answers whatever the password
        }
        if (!isMailbox(user) || !constantTimeEquals(password, accountPassword.getBytes(StandardCharsets.UTF_8))) {
            return new Rejected(M365Replies.AUTH_CREDENTIALS_INCORRECT);
        }
        return switch (fault) {
            case TENANT_SMTP_AUTH_DISABLED -> new Rejected(M365Replies.AUTH_TENANT_DISABLED);
            case MAILBOX_SMTP_AUTH_DISABLED -> new Rejected(M365Replies.AUTH_MAILBOX_DISABLED);
            case SECURITY_DEFAULTS -> new Rejected(M365Replies.AUTH_SECURITY_DEFAULTS);
            case CONDITIONAL_ACCESS -> new Rejected(M365Replies.AUTH_CRITERIA_NOT_MET);
            case BASIC_AUTH_RETIRED -> new Rejected(M365Replies.AUTH_BASIC_NOT_SUPPORTED);
            default -> new Accepted(scenario.mailbox());
        };
    }

    /** AUTH XOAUTH2 with the {@code user=} and bearer token of the SASL message. */
    AuthOutcome xoauth2(String user, String token) {
        if (entraTokens.isPresent()) {
            ExchangeTokenValidator.Verdict verdict = entraTokens.get().validate(user, token);
            if (verdict instanceof ExchangeTokenValidator.Refused refused) {
                log.debug("XOAUTH2 for {} refused: {}", user, refused.reason()); // never the token
                return new Rejected(M365Replies.AUTH_UNSUCCESSFUL);
            }
        } else if (!isMailbox(user) || !constantTimeEquals(token, demoToken)) {
            return new Rejected(M365Replies.AUTH_UNSUCCESSFUL);
        }
        return switch (fault) {
            // the SMTP AUTH switches gate OAuth too (jstedfast/MailKit#700)
            case TENANT_SMTP_AUTH_DISABLED -> new Rejected(M365Replies.AUTH_TENANT_DISABLED);
            case MAILBOX_SMTP_AUTH_DISABLED -> new Rejected(M365Replies.AUTH_MAILBOX_DISABLED);
            // a locked or disabled account's token is refused; Microsoft's catch-all for XOAUTH2
            case ACCOUNT_LOCKED -> new Rejected(M365Replies.AUTH_UNSUCCESSFUL);
            default -> new Accepted(scenario.mailbox());
        };
    }

    /**
     * Exchange Online's front end proxying an accepted login to the mailbox's server: the
     * refusal when it cannot, for the {@code login}-th login the lab accepted (from 1) since
     * the scenario started; empty when it can. In {@code auth-server-busy} only the first
     * login fails (a passing problem); in {@code mailbox-unlicensed} every one does.
     */
    Optional<Rejected> proxy(int login) {
        return switch (fault) {
            case MAILBOX_UNLICENSED -> Optional.of(new Rejected(M365Replies.AUTH_PROXY_FAILED));
            case PROXY_BUSY_ONCE -> login == 1 ? Optional.of(new Rejected(M365Replies.AUTH_PROXY_FAILED)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /**
     * Judges a complete message after the final "." (or BDAT LAST): empty if accepted,
     * otherwise the reply, which already carries its {@code [Hostname=...]} trace.
     */
    Optional<String> endOfData(String identity, MailTransaction transaction, byte[] message) {
        if (fault == Fault.SENDER_THREAD_LIMIT) {
            return Optional.of(M365Replies.SENDER_THREAD_LIMIT);
        }
        List<String> senders = new ArrayList<>();
        if (!transaction.sender().isEmpty()) {
            senders.add(transaction.sender());
        }
        senders.addAll(HeaderFields.fromAddresses(message));
        for (String sender : senders) {
            if (!sender.equalsIgnoreCase(identity)) {
                return Optional.of(M365Replies.sendAsDenied(identity, sender));
            }
        }
        return Optional.empty();
    }

    private boolean isMailbox(String user) {
        return user != null && user.equalsIgnoreCase(scenario.mailbox());
    }

    private static boolean constantTimeEquals(String given, byte[] expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected);
    }
}
