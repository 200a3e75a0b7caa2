package org.smtpdoctor.lab;

import java.util.Objects;

/**
 * One named failure mode of the Microsoft 365 submission endpoint that the lab can
 * reproduce, with the defaults a check run against it should use.
 * <p>
 * The names and {@code expectedCause} ids are a public interface (scripts, tests and the
 * {@code lab} command key on them); see {@link Scenarios} for the list. The defaults
 * ({@code mailbox}, {@code password}, {@code sender}, {@code recipient}) are chosen so
 * that a check run with them reaches the scenario's failure: for {@code wrong-password}
 * the password is not the lab account's, for {@code sendas-denied} the sender is not the
 * mailbox. They are demo values, not secrets.
 *
 * @param name stable scenario name, e.g. {@code tenant-smtp-auth-disabled}
 * @param summary one line for people: what is wrong and where it shows
 * @param expectedCause the cause id from CAUSES.md a correct diagnosis reaches; {@code null} for {@code healthy}
 * @param mailbox the account to authenticate as (AUTH LOGIN user name, XOAUTH2 {@code user=})
 * @param password the password a client would send by default
 * @param sender the MAIL FROM and From: address a client would use by default
 * @param recipient a recipient the lab accepts
 * @param source where the scenario's Microsoft reply was observed (URL or owner/repo#issue)
 */
public record Scenario(String name, String summary, String expectedCause, String mailbox, String password,
        String sender, String recipient, String source) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(source, "source");
    }

    /**
     * Whether the scenario is about the lab's Microsoft Graph (a relay's {@code m365-graph://}
     * upstream, {@code relay --check-config}): its SMTP endpoint is healthy, so {@code check}
     * passes; {@code expectedCause} is what the Graph upstream is diagnosed as.
     */
    public boolean graph() {
        return name.startsWith("graph-");
    }

    /** Whether a client authenticates with XOAUTH2 and a token from the lab's Entra by default (the oauth-* scenarios). */
    public boolean oauth() {
        return name.startsWith("oauth-");
    }

    /**
     * Whether the scenario's reply alone does not decide {@code expectedCause}: {@code check}
     * answers {@code unknown} with it as the most likely candidate, and {@code check
     * --tenant-diagnostics} decides it from the lab's sign-in log.
     */
    public boolean signInLogDecides() {
        return Scenarios.definition(name).fault() == Fault.CONDITIONAL_ACCESS;
    }

    /** The password is a demo value, but it still stays out of logs. */
    @Override
    public String toString() {
        return "Scenario[name=" + name + ", expectedCause=" + expectedCause + ", mailbox=" + mailbox
                + ", password=***, sender=" + sender + ", recipient=" + recipient + "]";
    }
}
