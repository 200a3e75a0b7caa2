package org.smtpdoctor.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Making a relayed message's headers name exactly the envelope's recipients, and splitting a large one. */
class GraphMessageTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(GraphMessage.Addressed a) {
        return new String(a.content(), StandardCharsets.ISO_8859_1);
    }

    static final String MESSAGE = "From: scanner@contoso.com\r\nTo: Bob <bob@fabrikam.com>,\r\n\tcarol@fabrikam.com\r\n"
            + "Cc: dave@contoso.com\r\nSubject: s\r\n\r\nbody\r\n";

    @Test
    void headersThatNameTheEnvelopeAlreadyGoByteForByte() {
        GraphMessage.Addressed a = GraphMessage.address(bytes(MESSAGE),
                List.of("BOB@fabrikam.com", "carol@fabrikam.com", "dave@contoso.com"));
        assertThat(text(a)).isEqualTo(MESSAGE);
        assertThat(a.change()).isEmpty();
    }

    @Test
    void envelopeOnlyRecipientsGoInABccAtTheTop() {
        GraphMessage.Addressed a = GraphMessage.address(bytes(MESSAGE),
                List.of("bob@fabrikam.com", "carol@fabrikam.com", "dave@contoso.com", "audit@contoso.com"));
        assertThat(text(a)).isEqualTo("Bcc: audit@contoso.com\r\n" + MESSAGE);
    }

    @Test
    void headerAddressesThatAreNotRecipientsNowAreTakenOutAndNobodyElseGetsIt() {
        GraphMessage.Addressed a = GraphMessage.address(bytes(MESSAGE), List.of("carol@fabrikam.com", "erin@contoso.com"));
        String t = text(a);
        assertThat(t).startsWith("Bcc: erin@contoso.com\r\nFrom: scanner@contoso.com\r\nTo: carol@fabrikam.com\r\nSubject: s\r\n\r\nbody\r\n");
        assertThat(t).doesNotContain("bob@").doesNotContain("dave@").doesNotContain("Cc:");
        assertThat(a.change()).get().asString().contains("2 header address(es)");
    }

    @Test
    void aGroupAndAnExistingBccAreUnderstood() {
        String m = "From: a@contoso.com\r\nTo: undisclosed-recipients:;\r\nBcc: x@contoso.com\r\n\r\nb\r\n";
        GraphMessage.Addressed same = GraphMessage.address(bytes(m), List.of("x@contoso.com"));
        assertThat(text(same)).isEqualTo(m);
        GraphMessage.Addressed more = GraphMessage.address(bytes(m), List.of("x@contoso.com", "y@contoso.com"));
        assertThat(text(more)).startsWith("Bcc: x@contoso.com,\r\n\ty@contoso.com\r\n").containsOnlyOnce("Bcc:");
    }

    @Test
    void noRecipientIsRefused() {
        assertThatThrownBy(() -> GraphMessage.address(bytes(MESSAGE), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splittingKeepsTheBodiesAndHeadersAndTakesEveryAttachmentOutDecoded() throws Exception {
        String m = "From: a@contoso.com\r\nTo: b@fabrikam.com\r\nSubject: scans\r\nMessage-ID: <keep@printer.lan>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n"
                + "--o\r\nContent-Type: multipart/related; boundary=\"r\"\r\n\r\n"
                + "--r\r\nContent-Type: text/html\r\n\r\n<img src=\"cid:logo@x\">\r\n"
                + "--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n"
                + "--r--\r\n"
                + "--o\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0x\r\n--o--\r\n";
        GraphMessage.Split s = GraphMessage.split(bytes(m));
        String draft = new String(s.draft(), StandardCharsets.ISO_8859_1);
        assertThat(draft).contains("Message-ID: <keep@printer.lan>", "Subject: scans", "cid:logo@x").doesNotContain("JVBERi0x", "iVBORw0K");
        assertThat(s.attachments()).extracting(GraphMessage.Attachment::name).containsExactly("attachment-1", "a.pdf");
        GraphMessage.Attachment logo = s.attachments().get(0);
        assertThat(logo.inline()).isTrue();
        assertThat(logo.contentId()).contains("logo@x");
        assertThat(logo.bytes()).isEqualTo(java.util.Base64.getDecoder().decode("iVBORw0K"));
        assertThat(s.attachments().get(1).bytes()).isEqualTo("%PDF-1".getBytes(StandardCharsets.US_ASCII));
    }
}
