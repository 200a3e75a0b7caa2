package org.smtpdoctor.relay.config;

/**
 * How fast the relay may submit to one upstream mailbox. Defaults from Microsoft's
 * published limits for SMTP AUTH client submission (M365-FACTS.md, section (f)): 30 messages per
 * minute and 10,000 recipients per day per mailbox (verified in Microsoft's 2021 doc);
 * 3 concurrent connections, the figure commonly given for the "432 4.3.2 sender thread
 * limit exceeded" reply, which is UNVERIFIED (third-party sources only). Immutable.
 */
public record Pacing(int messagesPerMinute, int recipientsPerDay, int connections) {

    public static final Pacing M365_DEFAULTS = new Pacing(30, 10_000, 3);
}
