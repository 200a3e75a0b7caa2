/**
 * The relay's device side: listeners that accept mail from printers, scanners, UPS cards
 * and old applications on the LAN, decide whether the sender is an allowed device, and
 * hand each complete message to a {@link org.smtpdoctor.relay.spool.MessageSink} (the
 * durable spool) before answering 250. Delivery upstream is elsewhere.
 * <p>
 * Entry points: {@link org.smtpdoctor.relay.config.RelayConfigReader} /
 * {@link org.smtpdoctor.relay.config.RelayConfig#quickStart} build a validated
 * {@link org.smtpdoctor.relay.config.RelayConfig}; {@link RelayServer#start}
 * runs it.
 * <p>
 * Design: SubEthaSMTP provides the sessions (a thread each), command dispatch and the idle
 * timeout. Where it cannot meet what real devices send, or costs too much, the relay extends or
 * replaces it, each time saying why in the class:
 * <ul>
 *   <li>{@code DeviceFrontEnd}: on plain and STARTTLS listeners, a selector accepts, applies the
 *       connection limits, says the banner and holds each connection until its device speaks;
 *       only then does it get a session and a thread.</li>
 *   <li>{@code DeviceSocket} / {@code DeviceInputStream}: SubEthaSMTP's readers never end a
 *       line at a bare LF or CR; device bytes are normalised beneath them, and a TLS
 *       ClientHello on a plain port is noticed and logged.</li>
 *   <li>Every verb is the relay's ({@code HeloVerbs}, {@code EnvelopeVerbs},
 *       {@code AuthVerb}, {@code StartTlsVerb}, {@code DataVerb}), registered over the
 *       library's: lenient parsing, the exact LOGIN challenges, the sink contract.</li>
 *   <li>Connection limits are enforced by the listener (front end, or session handler on an
 *       implicit-TLS listener), so refusals carry {@code 421 4.7.0}.</li>
 *   <li>{@code SessionThreads} / {@code SessionBuffers}: what an idle connection costs. A
 *       virtual thread per session on Java 24+ (a platform thread with a 512 KB stack before),
 *       and small buffers between messages instead of SubEthaSMTP's 40 KB.</li>
 * </ul>
 * Policy ({@code DevicePolicy}) is pure: a client is a device by source network and/or
 * device account (hashed passwords, {@link org.smtpdoctor.relay.config.PasswordHash}); nobody
 * else gets past RCPT. Every event is one log line ({@link org.smtpdoctor.relay.RelayEvents}); no password or
 * AUTH payload is ever logged.
 */
package org.smtpdoctor.relay.device;
