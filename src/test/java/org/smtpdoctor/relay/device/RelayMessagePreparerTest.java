package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelayMessagePreparerTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 11, 28, 12, 0, 0, 0, ZoneOffset.UTC);
    private final MessagePreparer preparer = new MessagePreparer("relay.test");

    private String prepared(String message, Optional<String> rewrite) {
        byte[] head = message.getBytes(StandardCharsets.ISO_8859_1);
        MessagePreparer.Prepared p = preparer.prepare(MessagePreparer.headers(head), rewrite, NOW);
        return new String(p.header(), StandardCharsets.ISO_8859_1) + message.substring(p.bodyOffset());
    }

    @Test
    void a_complete_message_is_left_as_it_is() {
        String m = "Message-ID: <1@x>\r\nDate: Sat, 28 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\nSubject: s\r\n\r\nbody\r\n";
        assertThat(prepared(m, Optional.empty())).isEqualTo(m);
    }

    @Test
    void header_names_are_matched_without_regard_to_case_and_folded_values_are_kept() {
        String m = "message-id: <1@x>\r\nDATE: x\r\nMime-Version: 1.0\r\nSubject: a\r\n  folded\r\n\r\nbody\r\n";
        assertThat(prepared(m, Optional.empty())).isEqualTo(m);
    }

    @Test
    void missing_fields_are_added_at_the_end_of_the_header_section() {
        assertThat(prepared("Subject: s\r\n\r\nbody\r\n", Optional.empty())).startsWith("Subject: s\r\nMessage-ID: <")
                .contains("@relay.test>\r\nDate: Sat, 28 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n\r\nbody\r\n");
    }

    @Test
    void rewriting_from_keeps_an_existing_reply_to_and_a_bare_address_gets_no_display_name() {
        String m = "From: scan@lan\r\nReply-To: helpdesk@contoso.com\r\nMessage-ID: <1@x>\r\nDate: x\r\nMIME-Version: 1.0\r\n\r\nb\r\n";
        assertThat(prepared(m, Optional.of("relay@contoso.com"))).isEqualTo(
                "Reply-To: helpdesk@contoso.com\r\nMessage-ID: <1@x>\r\nDate: x\r\nMIME-Version: 1.0\r\nFrom: <relay@contoso.com>\r\n\r\nb\r\n");
    }

    @Test
    void addresses_are_found_in_from_values() {
        assertThat(MessagePreparer.address("\"Scan, 3rd\" <Scan@Contoso.com>")).contains("scan@contoso.com");
        assertThat(MessagePreparer.address("scan@contoso.com (Scanner)")).contains("scan@contoso.com");
        assertThat(MessagePreparer.address("undisclosed")).isEmpty();
    }

    @Test
    void a_header_section_longer_than_the_memory_part_is_known_to_be_truncated() {
        String big = "X-Big: " + "a".repeat(70) + "\r\n";
        String m = big.repeat(MessagePreparer.MAX_HEADER_BYTES / big.length() + 1);
        byte[] head = m.substring(0, MessagePreparer.MAX_HEADER_BYTES).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(MessagePreparer.headers(head).truncated(head.length)).isTrue();
        byte[] small = "Subject: s\r\n\r\nbody".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(MessagePreparer.headers(small).truncated(small.length)).isFalse();
    }

    @Test
    void rewriting_from_leaves_exactly_one_from_and_drops_a_sender_that_would_name_someone_else() {
        String m = "From: a@lan\r\nSender: ceo@contoso.com\r\nMessage-ID: <1@x>\r\nDate: x\r\nMIME-Version: 1.0\r\n\r\nb\r\n";
        assertThat(prepared(m, Optional.of("relay@contoso.com"))).isEqualTo(
                "Message-ID: <1@x>\r\nDate: x\r\nMIME-Version: 1.0\r\nFrom: <relay@contoso.com>\r\nReply-To: a@lan\r\n\r\nb\r\n");
    }

    @Test
    void the_address_of_a_from_value_is_read_as_rfc_5322_reads_it_not_from_a_comment() {
        assertThat(MessagePreparer.address("(<me@test.local>) ceo@contoso.com")).contains("ceo@contoso.com");
        assertThat(MessagePreparer.address("me@test.local <CEO@contoso.com>")).contains("ceo@contoso.com");
    }

    @Test
    void a_field_folded_over_sixty_thousand_lines_is_read_whole_without_quadratic_work() {
        // Joining each continuation line to a growing String took over 10 s of CPU for this header.
        String header = "From: scan@contoso.com\r\nX-Folded: start\r\n" + " y\r\n".repeat(60_000) + "Subject: s\r\n\r\nbody";
        byte[] head = header.getBytes(StandardCharsets.ISO_8859_1);
        long t0 = System.nanoTime();
        MessagePreparer.Headers h = MessagePreparer.headers(head);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(h.fields()).hasSize(3);
        assertThat(h.value("X-Folded")).hasValueSatisfying(v -> assertThat(v).hasSize(5 + 2 * 60_000));
        assertThat(h.value("Subject")).contains("s");
        assertThat(h.bodyOffset()).isEqualTo(header.length() - 4);
        assertThat(ms).as("milliseconds (generous: a busy machine)").isLessThan(5_000);
    }

    @Test
    void the_header_section_ends_at_the_first_empty_line_whatever_follows_it() {
        MessagePreparer.Headers h = MessagePreparer.headers("A: 1\r\nB: 2\r\n\r\nC: 3\r\n\r\nbody".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(h.fields()).containsExactly("A: 1", "B: 2");
        assertThat(h.bodyOffset()).isEqualTo(14);
        MessagePreparer.Headers empty = MessagePreparer.headers("\r\nA: 1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(empty.fields()).isEmpty();
        assertThat(empty.bodyOffset()).isEqualTo(2);
        MessagePreparer.Headers none = MessagePreparer.headers("A: 1\r\nnot a field\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(none.fields()).containsExactly("A: 1");
        assertThat(none.bodyOffset()).as("no separator: the body begins at 6").isEqualTo(-6 - 1);
        MessagePreparer.Headers unended = MessagePreparer.headers("A: 1\r\nB: 2".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(unended.fields()).containsExactly("A: 1");
        assertThat(unended.bodyOffset()).isEqualTo(-6 - 1);
        MessagePreparer.Headers part = MessagePreparer.headers("A: 1\r\n\r\nbody".getBytes(StandardCharsets.ISO_8859_1), 6);
        assertThat(part.bodyOffset()).as("only the first 6 bytes are the head: no separator in them").isEqualTo(-6 - 1);
    }

    @Test
    void a_field_is_found_by_its_whole_name_in_any_case_with_blanks_before_its_colon() {
        MessagePreparer.Headers h = MessagePreparer.headers(
                "From-Name: no\r\nFROM \t: a@x\r\nFromage: no\r\nfrom:b@x\r\nX: From: no\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(h.values("From")).containsExactly("a@x", "b@x");
        assertThat(h.value("From-Name")).contains("no");
        assertThat(h.value("Fro")).isEmpty();
    }
}
