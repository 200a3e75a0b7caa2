package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.internal.io.CRLFTerminatedReader;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuthLinesTest {

    private static final String LONG = "A".repeat(3000);

    @Test
    void a_long_auth_line_reaches_subethasmtp_parked_and_its_response_is_handed_to_auth() throws IOException {
        AuthLines lines = new AuthLines(input("AUTH XOAUTH2 " + LONG + "\r\nMAIL FROM:<a@b>\r\n"));
        CRLFTerminatedReader reader = new CRLFTerminatedReader(lines);
        assertThat(reader.readLine()).isEqualTo("AUTH XOAUTH2 " + AuthLines.PARKED);
        assertThat(lines.initialResponse(AuthLines.PARKED)).isEqualTo(LONG);
        assertThat(reader.readLine()).isEqualTo("MAIL FROM:<a@b>");
    }

    @Test
    void other_lines_pass_unchanged_and_reading_stops_at_their_lf() throws IOException {
        InputStream raw = input("EHLO x\r\nAUTH LOGIN dXNlcg==\r\nDATA-BYTES");
        CRLFTerminatedReader reader = new CRLFTerminatedReader(new AuthLines(raw));
        assertThat(reader.readLine()).isEqualTo("EHLO x");
        assertThat(reader.readLine()).isEqualTo("AUTH LOGIN dXNlcg==");
        assertThat(new String(raw.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("DATA-BYTES");
    }

    @Test
    void a_response_to_a_challenge_may_be_up_to_12288_octets_and_no_more() throws IOException {
        assertThat(new AuthLines(input(LONG + "\r\n")).readResponse()).hasValue(LONG);
        assertThat(new AuthLines(input("B".repeat(12286) + "\r\n")).readResponse()).hasValue("B".repeat(12286));
        assertThat(new AuthLines(input("B".repeat(12287) + "\r\n")).readResponse()).isEmpty();
        assertThat(new AuthLines(input("")).readResponse()).isEmpty();
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
