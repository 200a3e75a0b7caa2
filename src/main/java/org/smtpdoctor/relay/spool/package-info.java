/**
 * The relay's durable queue ({@link org.smtpdoctor.relay.spool.Spool}), written down in
 * docs/spool.md. In short: a message is stored before the listener says 250 (temp file,
 * fsync, atomic rename, fsync of the directory) and exists exactly when its envelope file
 * is in {@code msg/}. Each recipient is <em>pending</em> (not tried), <em>deferred</em>
 * (a temporary failure, due again at its next attempt), <em>delivered</em> (the upstream
 * took it) or <em>failed</em> (a permanent failure or given up: "bounced", the sender is
 * owed a DSN); delivered and failed are final, and a message whose recipients are all
 * final is removed by the delivery worker once any DSN is sent. A crash may deliver a
 * recipient twice (delivered upstream, not yet marked), never zero times.
 */
package org.smtpdoctor.relay.spool;
