package org.smtpdoctor.diagnosis;

import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.smtp.Reply;

/**
 * What a rule is matched against: the phase it happened in ({@code auth},
 * {@code mail-from}...), a server reply or a named event ({@code tcp.refused},
 * {@code cert.untrusted}...), whose server it was, and values that fill the
 * placeholders of remedies ({@code {user}}, {@code {host}}, {@code {port}}).
 */
public record Evidence(String phase, Optional<Reply> reply, Optional<String> event, Vendor vendor,
                       Map<String, String> values) {

    public Evidence {
        values = Map.copyOf(values);
    }

    public static Evidence reply(String phase, Reply reply, Vendor vendor, Map<String, String> values) {
        return new Evidence(phase, Optional.of(reply), Optional.empty(), vendor, values);
    }

    public static Evidence event(String phase, String event, Vendor vendor, Map<String, String> values) {
        return new Evidence(phase, Optional.empty(), Optional.of(event), vendor, values);
    }

    /** The text rules match on: the reply as one line, or the event name. */
    public String text() {
        return reply.map(Reply::oneLine).orElseGet(() -> event.orElse(""));
    }
}
