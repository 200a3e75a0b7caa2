package org.smtpdoctor.check;

import static org.smtpdoctor.check.StepSupport.send;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.smtpdoctor.net.HostPort;

/**
 * data: DATA with a short test message, only with {@code --send}. Needs {@code s.sender},
 * the request's recipient, {@code s.host} and {@code s.client} with a recipient accepted.
 * SKIP without {@code --send}; FAIL with the refusing reply or {@code transport.*}; PASS
 * with the server's reply.
 */
final class DataStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        if (!s.request.send()) {
            return Outcome.skip("not sending (add --send to deliver a test message)");
        }
        return send(s, StepId.DATA, "test message accepted", "message refused", () -> s.client.data(testMessage(s)));
    }

    private static byte[] testMessage(CheckSession s) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String text = "From: <" + s.sender + ">\r\n"
                + "To: <" + s.request.to().orElseThrow() + ">\r\n"
                + "Subject: smtp-doctor test message\r\n"
                + "Date: " + date + "\r\n"
                + "Message-ID: <" + UUID.randomUUID() + "@smtp-doctor>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "\r\n"
                + "This test message was sent by smtp-doctor to verify mail submission through\r\n"
                + HostPort.display(s.host, s.request.port()) + ". No action is needed.\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
