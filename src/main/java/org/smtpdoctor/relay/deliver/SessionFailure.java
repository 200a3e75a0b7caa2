package org.smtpdoctor.relay.deliver;

import java.util.Optional;
import org.smtpdoctor.smtp.Reply;

/**
 * Why no usable upstream session could be had, or why one broke: the server's reply when
 * it said no (greeting, EHLO, STARTTLS, AUTH), or a named event when the wire or TLS
 * failed ({@code transport.closed}, {@code tcp.refused}, {@code cert.untrusted}, the
 * {@code token.*} events...). Never carries a secret. Immutable.
 *
 * @param host    the host it happened with
 * @param phase   the step, in the knowledge base's phase names ({@code tcp}, {@code banner},
 *                {@code tls}, {@code auth}, {@code data}...)
 * @param text    one line for logs and DSNs: the reply, or what broke
 */
public record SessionFailure(String host, String phase, Optional<Reply> reply, Optional<String> event, String text) {

    public static SessionFailure reply(String host, String phase, Reply reply) {
        return new SessionFailure(host, phase, Optional.of(reply), Optional.empty(), reply.oneLine());
    }

    public static SessionFailure event(String host, String phase, String event, String text) {
        return new SessionFailure(host, phase, Optional.empty(), Optional.of(event), text);
    }
}
