package org.smtpdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStuffTest {

    private static String stuff(String in) {
        return new String(SmtpClient.dotStuff(in.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void leadingDotsAreDoubledAndLineEndsBecomeCrlf() {
        assertThat(stuff("a\n.b\r\n..c\rd")).isEqualTo("a\r\n..b\r\n...c\r\nd\r\n");
    }

    @Test
    void aLoneDotLineCannotEndTheMessageEarly() {
        assertThat(stuff("x\r\n.\r\ny")).isEqualTo("x\r\n..\r\ny\r\n");
    }

    @Test
    void aDotInsideALineIsLeftAlone() {
        assertThat(stuff("a.b\r\n")).isEqualTo("a.b\r\n");
        assertThat(stuff("")).isEmpty();
    }

    /** The streamed form (DATA from a spool file, in chunks) sends exactly the bytes of the whole-array form. */
    @Test
    void streamingInChunksOfAnySizeSendsTheSameWireBytesAndShowsTheFirst40Lines() throws Exception {
        java.util.Random random = new java.util.Random(13);
        byte[] alphabet = ".\r\nab\u00e9".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 300; round++) {
            byte[] message = new byte[random.nextInt(round < 200 ? 400 : 70_000)];
            for (int i = 0; i < message.length; i++) {
                message[i] = alphabet[random.nextInt(alphabet.length)];
            }
            byte[] expected = SmtpClient.dotStuff(message);
            Transcript transcript = new Transcript(new Redactor());
            assertThat(streamed(message, transcript, random, false)).as("round " + round).isEqualTo(expected);
            String[] lines = new String(expected, StandardCharsets.UTF_8).split("\r\n", -1);
            java.util.List<String> shown = transcript.entries().stream().map(Transcript.Entry::text).toList();
            int total = lines.length - 1;
            assertThat(shown.subList(0, Math.min(40, total))).containsExactly(java.util.Arrays.copyOf(lines, Math.min(40, total)));
            assertThat(shown).hasSize(total > 40 ? 41 : total);

            Transcript discarding = Transcript.discarding(new Redactor());
            byte[] withDot = java.util.Arrays.copyOf(expected, expected.length + 3);
            System.arraycopy(".\r\n".getBytes(StandardCharsets.US_ASCII), 0, withDot, expected.length, 3);
            assertThat(streamed(message, discarding, random, true)).as("round " + round + ", with the final dot").isEqualTo(withDot);
            assertThat(discarding.entries()).isEmpty();
        }
    }

    /** One output buffer for every message, as SmtpClient reuses its own: nothing of one message may reach the next. */
    private static final byte[] OUT = SmtpClient.DotStuffer.buffer();

    /** The wire bytes of {@code message} written to a DotStuffer in chunks of 1-7 bytes (or up to 20,000 for long ones). */
    private static byte[] streamed(byte[] message, Transcript transcript, java.util.Random random, boolean dot) throws Exception {
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        SmtpClient.DotStuffer stuffer = new SmtpClient.DotStuffer((b, off, len) -> wire.write(b, off, len), OUT, transcript, false);
        int most = message.length > 400 ? 20_000 : 7;
        for (int at = 0; at < message.length; ) {
            int len = Math.min(message.length - at, 1 + random.nextInt(most));
            stuffer.write(java.util.Arrays.copyOfRange(message, at, at + len), len);
            at += len;
        }
        stuffer.finish(dot);
        return wire.toByteArray();
    }
}
