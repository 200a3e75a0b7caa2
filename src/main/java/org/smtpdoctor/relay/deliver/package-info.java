/**
 * Delivery: the relay's way from the spool to the upstream. Semantics (delivered, deferred,
 * failed, DSNs, pacing, retries, the Received line, what may happen twice) are written down in
 * docs/delivery.md.
 * <p>
 * Entry point: {@link org.smtpdoctor.relay.deliver.DeliveryWorker#start(org.smtpdoctor.relay.config.RelayConfig,
 * org.smtpdoctor.relay.spool.Spool)}. Wire-level work is {@link org.smtpdoctor.relay.deliver.SmtpUpstream}
 * over the SMTP engine; {@link org.smtpdoctor.relay.deliver.Classifier} turns replies into actions
 * and cause ids; {@link org.smtpdoctor.relay.deliver.Pacer} and
 * {@link org.smtpdoctor.relay.deliver.RetryPolicy} decide when; {@link org.smtpdoctor.relay.deliver.Dsn}
 * writes bounces; {@link org.smtpdoctor.relay.deliver.RelayStatus} is what {@code relay status} shows.
 */
package org.smtpdoctor.relay.deliver;
