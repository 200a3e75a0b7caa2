/**
 * The lab: an embedded simulator of Microsoft 365's SMTP submission endpoint
 * (smtp.office365.com:587) that reproduces named failure modes on demand, for demos,
 * training and the project's own tests.
 * <p>
 * Entry points: {@link org.smtpdoctor.lab.Scenarios} (the scenario catalogue, a public
 * interface) and {@link org.smtpdoctor.lab.LabServer} (start one scenario on 127.0.0.1).
 * <p>
 * Design: SubEthaSMTP provides the listener, sessions and line reading; every verb the
 * lab answers is its own class ({@code EhloVerb}, {@code AuthVerb}, ...) registered over
 * the library's, deciding through the pure {@code SubmissionPolicy} and speaking only the
 * texts of {@link org.smtpdoctor.lab.M365Replies}, each of which names its public source.
 * Per-connection state is an explicit state machine ({@code LabSession}); a mail
 * transaction is an immutable value. The {@code starttls-stripped} scenario puts a model
 * of a firewall's SMTP inspection ({@code InspectingFirewall}) between client and lab.
 * The {@code oauth-*} scenarios run the lab's own Entra ID ({@link org.smtpdoctor.lab.LabOAuth},
 * the JDK's HTTP server on 127.0.0.1, tokens signed with Nimbus JOSE) and judge XOAUTH2 tokens as Exchange Online does
 * ({@code ExchangeTokenValidator}: signature, lifetime, issuer, audience, SMTP permission,
 * mailbox permission), answering every refusal with Exchange's {@code 535 5.7.3}.
 */
package org.smtpdoctor.lab;
