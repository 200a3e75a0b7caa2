package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The notes a paste adds for the text rules: a port that is not a mail port, and what is not a port. */
class PasteNotesTest {

    private static String notes(String text) {
        return Paste.of(text).notes();
    }

    @Test
    void aConnectionToAPortThatIsNotAMailPortIsNoted() {
        assertThat(notes("Sending the email to the following server failed : smtp.gmail.com:625\nCouldn't connect to host"))
                .contains("port 625 is not a mail port");
        assertThat(notes("Could not connect to SMTP host: smtp.example.edu.cn, port: 995")).contains("port 995 is not a mail port");
        assertThat(notes("Connection timed out: smtp.example.com:587")).doesNotContain("not a mail port");
    }

    /**
     * NetEase's servers take implicit TLS on 994 beside 465 (fresh3 h-b-autocard3-zju-994 was a TLS version fault);
     * a logger's own "[host:443]" before the mail connection it reports (fresh76 by-b-peertube-...); Node's failed
     * HTTP request (type 'FETCH', fresh74 bw-b-ethereal-api-connect-timeout).
     */
    @Test
    void aMailPortInThePasteOrAnHttpRequestIsNoWrongPort() {
        assertThat(notes("Could not connect to SMTP host: smtp.163.com, port: 994")).doesNotContain("not a mail port");
        assertThat(notes("[videos.example.com:443] 2018-03-21 22:35:58.954 error: Failed to connect to SMTP localhost:25. {"))
                .doesNotContain("not a mail port");
        assertThat(notes("Error: connect ETIMEDOUT 192.0.2.10:443\n  code: 'ETIMEDOUT',\n  port: 443,\n  type: 'FETCH',"))
                .doesNotContain("not a mail port");
        assertThat(notes("Error: connect ETIMEDOUT 192.0.2.10:443\n  code: 'ETIMEDOUT',\n  port: 443,\n  command: 'CONN'"))
                .contains("port 443 is not a mail port");
        assertThat(notes("Failed to connect to localhost:8080: Connection refused")).contains("port 8080 is not a mail port");
    }

    /** An app's own web address, Node's address on a mail port, a JSON log's FETCH: no wrong port, or the right one named. */
    @Test
    void aWebAddressOrAnAddressOnAMailPortIsNoWrongPort() {
        assertThat(notes("POST http://localhost:3000/api/contact 500\nError: connect ETIMEDOUT 142.250.102.108:587"))
                .doesNotContain("not a mail port");
        assertThat(notes("[http://localhost:8080] ERROR mailer: Error: connect ECONNREFUSED 127.0.0.1:2526"))
                .doesNotContain("not a mail port");
        assertThat(notes("[http://localhost:8080] ERROR mailer: Error: connect ECONNREFUSED 127.0.0.1:5870\n  port: 5870,"))
                .contains("port 5870 is not a mail port");
        assertThat(notes("[mail.example.org:443] error: Failed to send mail: Error: connect ETIMEDOUT 10.0.0.5:587"))
                .doesNotContain("not a mail port");
        assertThat(notes("{\"msg\":\"connect ETIMEDOUT 192.0.2.10:443\",\"code\":\"ETIMEDOUT\",\"port\":443,\"type\":\"FETCH\"}"))
                .doesNotContain("not a mail port");
        assertThat(notes("smtps://smtp.example.com:993 Error: Connection timeout")).contains("port 993 is not a mail port");
    }

    /** fresh14 w-b-seafile-errno-110-timeout and fresh16 y-b-openhab-commons-email-port26-failed. */
    @Test
    void aLoggersModuleAndLineNumberIsNotAHostAndPort() {
        assertThat(notes("2013-04-08 20:59:19,878 [ERROR] share.views:504 send_shared_link [Errno 110] Connection timed out"))
                .doesNotContain("not a mail port");
        assertThat(notes("04:49:24.196 [ERROR] [nhab.action.mail.internal.Mail:156  ] - Could not send e-mail\n"
                + "org.apache.commons.mail.EmailException: Sending the email to the following server failed :"))
                .doesNotContain("not a mail port");
    }

    @Test
    void hostNamesEndInACountryCodeOrACommonTopLevelLabel() {
        assertThat(Paste.hostLike("smtp.gmail.com")).isTrue();
        assertThat(Paste.hostLike("mail.example.de")).isTrue();
        assertThat(Paste.hostLike("EXCH01.CORP.LOCAL")).isTrue();
        assertThat(Paste.hostLike("share.views")).isFalse();
        assertThat(Paste.hostLike("org.example.Mail")).isFalse();
    }
}
