package org.smtpdoctor.diagnosis;

import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.smtp.Reply;

/**
 * What a rule is matched against: one of a server reply, a named event
 * ({@code tcp.refused}, {@code cert.untrusted}...) or raw text (a client library's
 * error message without a server reply); the phase it happened in ({@code auth},
 * {@code mail-from}..., or empty when unknown, as for a pasted line); whose server
 * it was; and values that fill the placeholders of remedies ({@code {user}},
 * {@code {host}}, {@code {port}}). Immutable.
 *
 * @param codeInferred the reply's code was not in the evidence (only an enhanced
 *                     code was, as .NET reports it) and was derived from its class
 */
public record Evidence(String phase, Optional<Reply> reply, Optional<String> event, Optional<String> raw,
                       boolean codeInferred, Vendor vendor, Map<String, String> values) {

    public Evidence {
        phase = phase == null ? "" : phase;
        values = Map.copyOf(values);
    }

    public static Evidence reply(String phase, Reply reply, Vendor vendor, Map<String, String> values) {
        return new Evidence(phase, Optional.of(reply), Optional.empty(), Optional.empty(), false, vendor, values);
    }

    /** A reply known only by its enhanced code (class 5 becomes 550, class 4 450). */
    public static Evidence replyWithoutCode(String phase, Reply reply, Vendor vendor) {
        return new Evidence(phase, Optional.of(reply), Optional.empty(), Optional.empty(), true, vendor, Map.of());
    }

    public static Evidence event(String phase, String event, Vendor vendor, Map<String, String> values) {
        return new Evidence(phase, Optional.empty(), Optional.of(event), Optional.empty(), false, vendor, values);
    }

    public static Evidence raw(String text, Vendor vendor) {
        return new Evidence("", Optional.empty(), Optional.empty(), Optional.of(text), false, vendor, Map.of());
    }

    /** The text rules match on: the reply as one line, the event name, or the raw text. */
    public String text() {
        if (reply.isPresent()) {
            return codeInferred ? reply.get().text() : reply.get().oneLine();
        }
        return event.orElseGet(() -> raw.orElse(""));
    }
}
