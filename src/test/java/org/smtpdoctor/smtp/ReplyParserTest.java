package org.smtpdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ReplyParserTest {

    private static final String EHLO = "250-SN4PR0501CA0054.outlook.office365.com Hello [203.0.113.7]\r\n"
            + "250-SIZE 157286400\r\n250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n"
            + "250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n"
            + "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.\r\n";

    private static List<Reply> feedInChunks(byte[] input, Random random) throws MalformedReplyException {
        ReplyParser parser = new ReplyParser();
        List<Reply> out = new ArrayList<>();
        int i = 0;
        while (i < input.length) {
            int n = Math.min(input.length - i, 1 + random.nextInt(7));
            parser.feed(input, i, n);
            i += n;
            parser.poll().ifPresent(out::add);
            parser.poll().ifPresent(out::add);
        }
        while (true) {
            var r = parser.poll();
            if (r.isEmpty()) {
                break;
            }
            out.add(r.get());
        }
        return out;
    }

    @RepeatedTest(50)
    void repliesComeOutTheSameWhateverTheChunking() throws Exception {
        List<Reply> replies = feedInChunks(EHLO.getBytes(StandardCharsets.US_ASCII), new Random());
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).code()).isEqualTo(250);
        assertThat(replies.get(0).lines()).hasSize(10).endsWith("SMTPUTF8");
        assertThat(replies.get(1).code()).isEqualTo(535);
        assertThat(replies.get(1).enhanced()).map(Object::toString).contains("5.7.139");
    }

    @Test
    void bareLineFeedsAreAccepted() throws Exception {
        ReplyParser parser = new ReplyParser();
        parser.feed("220-first\n220 second\n".getBytes(StandardCharsets.US_ASCII));
        Reply reply = parser.poll().orElseThrow();
        assertThat(reply.lines()).containsExactly("first", "second");
        assertThat(reply.enhanced()).isEmpty();
    }

    @Test
    void aReplyWithoutEnhancedCodeOrTextIsAccepted() throws Exception {
        ReplyParser parser = new ReplyParser();
        parser.feed("250\r\n354 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(parser.poll().orElseThrow().code()).isEqualTo(250);
        Reply second = parser.poll().orElseThrow();
        assertThat(second.code()).isEqualTo(354);
        assertThat(second.enhanced()).isEmpty();
    }

    @Test
    void anIncompleteReplyIsNotReturnedYet() throws Exception {
        ReplyParser parser = new ReplyParser();
        parser.feed("250-one\r\n250 tw".getBytes(StandardCharsets.US_ASCII));
        assertThat(parser.poll()).isEmpty();
        assertThat(parser.inProgress()).isTrue();
    }

    @Test
    void textThatIsNotSmtpIsRefusedWithAnExcerpt() {
        ReplyParser parser = new ReplyParser();
        assertThatThrownBy(() -> parser.feed("HTTP/1.1 400 Bad Request\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedReplyException.class)
                .hasMessageContaining("HTTP/1.1 400");
    }

    @Test
    void anEndlessLineIsRefusedInsteadOfBuffered() {
        ReplyParser parser = new ReplyParser();
        byte[] junk = new byte[ReplyParser.MAX_LINE_BYTES + 10];
        java.util.Arrays.fill(junk, (byte) 'A');
        assertThatThrownBy(() -> parser.feed(junk)).isInstanceOf(MalformedReplyException.class)
                .hasMessageContaining("longer than");
    }

    @Test
    void anEndlessMultiLineReplyIsRefused() {
        ReplyParser parser = new ReplyParser();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= ReplyParser.MAX_LINES; i++) {
            many.append("250-x\r\n");
        }
        assertThatThrownBy(() -> parser.feed(many.toString().getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedReplyException.class);
    }

    @Test
    void latin1TextSurvives() throws Exception {
        ReplyParser parser = new ReplyParser();
        parser.feed("535 5.7.139 Autentica\u00e7\u00e3o falhou\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(parser.poll().orElseThrow().text()).contains("Autentica\u00e7\u00e3o");
    }

    @Test
    void utf8TextSurvives() throws Exception {
        ReplyParser parser = new ReplyParser();
        parser.feed("535 5.7.139 \u8eab\u4efd\u9a8c\u8bc1\u5931\u8d25\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(parser.poll().orElseThrow().text()).contains("\u8eab\u4efd");
    }

    @Test
    void enhancedCodesWithThreeDigitDetailAreParsed() {
        assertThat(EnhancedStatus.parseLeading("5.7.139 Authentication unsuccessful")).contains(new EnhancedStatus(5, 7, 139));
        assertThat(EnhancedStatus.parseLeading("Authentication 5.7.139")).isEmpty();
        assertThat(EnhancedStatus.parseLeading("2.0.0")).contains(new EnhancedStatus(2, 0, 0));
    }

    @Test
    void aReplyRendersBackToItsWireForm() {
        Reply reply = Reply.of(250, "host Hello", "SIZE 1", "AUTH LOGIN");
        assertThat(reply.wireLines()).containsExactly("250-host Hello", "250-SIZE 1", "250 AUTH LOGIN");
        assertThat(reply.isPositive()).isTrue();
        assertThat(Reply.of(432, "4.3.2 busy").isTransient()).isTrue();
        assertThat(Reply.of(550, "5.7.30 no").isPermanent()).isTrue();
    }
}
