/**
 * What the relay remembers for the people who watch it, fed by
 * {@link org.smtpdoctor.relay.RelayObserver} events: the {@link org.smtpdoctor.relay.observe.DeviceRegistry}
 * (every device seen, kept in the spool directory across restarts), the
 * {@link org.smtpdoctor.relay.observe.Activity} (counts per minute over the last day and each
 * message's recent delivery attempts, in memory) and the {@link org.smtpdoctor.relay.observe.StuckMail}
 * alert. The console ({@code org.smtpdoctor.web}) shows them; nothing here serves HTTP or prints.
 */
package org.smtpdoctor.relay.observe;
