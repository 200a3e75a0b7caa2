/**
 * The relay: a durable SMTP relay on the LAN for devices that cannot meet Microsoft 365's
 * bar. One room per concern, dependencies pointing one way:
 * <ul>
 *   <li>{@code config}: the configuration (YAML file or quick-start flags) read and
 *       validated into an immutable {@link org.smtpdoctor.relay.config.RelayConfig}: listeners,
 *       device rules, upstream URLs, pacing, the open-relay guard. No I/O beyond reading files.</li>
 *   <li>{@code device}: the listeners and everything a device meets on the wire (verbs,
 *       policy, line-end repair, the header checks), up to the 250 after the spool took the
 *       message.</li>
 *   <li>{@code spool}: the durable queue, its formats and its administration.</li>
 *   <li>{@code deliver}: workers that take due messages from the spool to an upstream, with
 *       retries, pacing, bounces and the status file.</li>
 *   <li>{@code service}: the relay as one running service, composing the others: the start
 *       check ({@code --check-config} and every start), start, reload, stop.</li>
 * </ul>
 * {@code device} and {@code deliver} read {@code config} and write to {@code spool}; they do
 * not know each other. {@code config} names the spool's reserve with the spool's own type;
 * {@code spool} depends on nothing here but the event log. Both log through {@link org.smtpdoctor.relay.RelayEvents}, one line per
 * event.
 */
package org.smtpdoctor.relay;
