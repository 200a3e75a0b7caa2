package org.smtpdoctor.relay.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;
import org.smtpdoctor.peers.Swaks;
import org.smtpdoctor.relay.config.Cidr;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerMode;

/**
 * Real device-side clients on 127.0.0.1 against the relay's listeners: swaks, curl,
 * Python's smtplib and openssl s_client as a TLS 1.0 device. Each message is a complete
 * one (Message-ID, Date, MIME-Version present), so the relay adds nothing and the sink
 * must get exactly the file's bytes. With CI=true a missing client fails the test.
 */
class RelayPeersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String MESSAGE = "From: Scanner <scan@contoso.com>\r\nTo: you@contoso.com\r\nSubject: %s\r\n"
            + "Message-ID: <%s@device.example>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nPage 1 of the scan.\r\n.leading dot line\r\nend\r\n";

    private final RecordingSink sink = new RecordingSink();
    private RelayServer relay;
    private Process child;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String message(String subject) {
        return String.format(MESSAGE, subject, subject.replace(' ', '-'));
    }

    private int start(ListenerMode mode, DeviceRule device) throws Exception {
        relay = RelayServer.start(TestRelay.config(mode, device), sink);
        return relay.ports().get(0);
    }

    private Path file(String content) throws Exception {
        return Files.write(dir.resolve("msg-" + System.nanoTime() + ".eml"), content.getBytes(StandardCharsets.US_ASCII));
    }

    /** swaks ends DATA with CRLF "." CRLF itself: give it the message without its last CRLF. */
    private String swaksData(String msg) throws Exception {
        return "@" + file(msg.substring(0, msg.length() - 2));
    }

    private List<String> swaks(int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + port, "--from", "scan@contoso.com",
                "--to", "you@contoso.com", "--helo", "swaks-device"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void swaks_in_plain_text_gets_its_message_through_byte_for_byte() throws Exception {
        Peers.require("swaks");
        int port = start(ListenerMode.PLAIN, TestRelay.loopback());
        String msg = message("swaks plain");
        Swaks.Result r = Swaks.run(swaks(port, "--data", swaksData(msg)), TIMEOUT);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("<-  250 2.0.0 OK queued as Q1").contains(" -> ..leading dot line");
        assertThat(sink.only().text()).isEqualTo(msg);
        assertThat(sink.only().envelope().heloName()).isEqualTo("swaks-device");
    }

    @Test
    void swaks_with_starttls_and_auth_login_and_auth_plain_gets_its_messages_through() throws Exception {
        Peers.require("swaks");
        int port = start(ListenerMode.STARTTLS, TestRelay.account("nas01"));
        for (String mechanism : List.of("LOGIN", "PLAIN")) {
            String msg = message("swaks starttls " + mechanism);
            Swaks.Result r = Swaks.run(swaks(port, "-tls", "--auth", mechanism, "--auth-user", "nas01",
                    "--auth-password", TestRelay.PASSWORD, "--data", swaksData(msg)), TIMEOUT);
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("~> AUTH " + mechanism).contains("<~  235 2.7.0 Authentication successful");
            assertThat(sink.accepted().get(sink.accepted().size() - 1).text()).isEqualTo(msg);
        }
        assertThat(sink.accepted()).extracting(a -> a.envelope().authUser().orElseThrow()).containsExactly("nas01", "nas01");
    }

    @Test
    void swaks_with_a_wrong_password_is_refused() throws Exception {
        Peers.require("swaks");
        int port = start(ListenerMode.STARTTLS, TestRelay.account("nas01"));
        Swaks.Result r = Swaks.run(swaks(port, "-tls", "--auth", "LOGIN", "--auth-user", "nas01", "--auth-password", "wrong"), TIMEOUT);
        assertThat(r.exitCode()).as(r.output()).isEqualTo(28);
        assertThat(r.output()).contains("535 5.7.8 Authentication credentials invalid");
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void curl_uploads_a_file_in_plain_text_and_with_starttls_and_auth() throws Exception {
        Peers.require("curl");
        int port = start(ListenerMode.STARTTLS, TestRelay.account("nas01"));
        String msg = message("curl starttls");
        Exec.Result r = Exec.run(List.of("curl", "-sS", "--url", "smtp://127.0.0.1:" + port + "/curl-device", "--ssl-reqd", "-k",
                "--user", "nas01:" + TestRelay.PASSWORD, "--mail-from", "scan@contoso.com", "--mail-rcpt", "you@contoso.com",
                "--upload-file", file(msg).toString()), TIMEOUT);
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(sink.only().text()).isEqualTo(msg);
        relay.close();

        RecordingSink plainSink = new RecordingSink();
        relay = RelayServer.start(TestRelay.config(ListenerMode.PLAIN, TestRelay.loopback()), plainSink);
        String plain = message("curl plain");
        Exec.Result p = Exec.run(List.of("curl", "-sS", "--url", "smtp://127.0.0.1:" + relay.ports().get(0), "--mail-from",
                "scan@contoso.com", "--mail-rcpt", "you@contoso.com", "--mail-rcpt", "other@contoso.com",
                "--upload-file", file(plain).toString()), TIMEOUT);
        assertThat(p.ok()).as(p.toString()).isTrue();
        assertThat(plainSink.only().text()).isEqualTo(plain);
        assertThat(plainSink.only().envelope().recipients()).containsExactly("you@contoso.com", "other@contoso.com");
    }

    @Test
    void python_smtplib_with_starttls_and_login_gets_its_message_through() throws Exception {
        Peers.require("python3");
        int port = start(ListenerMode.STARTTLS, TestRelay.account("nas01"));
        String msg = message("python smtplib");
        String script = String.join("\n",
                "import smtplib, ssl, sys",
                "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='python-device', timeout=20)",
                "s.starttls(context=ssl._create_unverified_context())",
                "s.login('nas01', sys.argv[2])",
                "s.sendmail('scan@contoso.com', ['you@contoso.com'], open(sys.argv[3], 'rb').read())",
                "s.quit()");
        Exec.Result r = Exec.run(List.of("python3", "-c", script, String.valueOf(port), TestRelay.PASSWORD, file(msg).toString()), TIMEOUT);
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(sink.only().text()).isEqualTo(msg);
        assertThat(sink.only().envelope().heloName()).isEqualTo("python-device");
    }

    @Test
    void python_smtplib_from_an_unlisted_address_is_refused() throws Exception {
        Peers.require("python3");
        int port = start(ListenerMode.PLAIN, DeviceRule.network(Cidr.parse("192.0.2.0/24")));
        String script = String.join("\n",
                "import smtplib, sys",
                "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=20)",
                "try:",
                "    s.sendmail('scan@contoso.com', ['victim@example.org'], b'Subject: x\\r\\n\\r\\ny\\r\\n')",
                "except smtplib.SMTPRecipientsRefused as e:",
                "    print('refused', e.recipients['victim@example.org'][0], e.recipients['victim@example.org'][1].decode())",
                "s.quit()");
        Exec.Result r = Exec.run(List.of("python3", "-c", script, String.valueOf(port)), TIMEOUT);
        assertThat(r.output()).contains("refused 550 5.7.1 Relaying denied");
        assertThat(sink.accepted()).isEmpty();
    }

    @Test
    void openssl_s_client_as_a_tls_1_0_device_gets_its_message_through_a_legacy_listener() throws Exception {
        Peers.require("openssl");
        Path out = Files.createDirectories(dir.resolve("child"));
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RelayTestMain.class.getName(), out.toString());
        child = new ProcessBuilder(java).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(out.resolve("port")) || !child.isAlive());
        assertThat(child.isAlive()).as(() -> read(dir.resolve("child.log"))).isTrue();
        int port = Integer.parseInt(Files.readString(out.resolve("port")));
        assertThat(Files.readAllLines(out.resolve("suites"))).as("3DES for the oldest devices, re-enabled for the legacy listener")
                .contains("SSL_RSA_WITH_3DES_EDE_CBC_SHA");

        String msg = message("tls1 device");
        String input = "MAIL FROM:<scan@contoso.com>\nRCPT TO:<you@contoso.com>\nDATA\n" + msg.replace("\r\n", "\n").replace("\n.", "\n..") + ".\nQUIT\n";
        Path stdin = Files.writeString(dir.resolve("stdin.txt"), input, StandardCharsets.US_ASCII);
        List<String> sClient = List.of("sh", "-c", "exec openssl s_client -connect 127.0.0.1:" + port
                + " -starttls smtp -tls1 -cipher 'DEFAULT@SECLEVEL=0' -crlf -quiet -nocommands -ign_eof < " + stdin);
        Exec.Result r = Exec.run(sClient, TIMEOUT);
        assertThat(r.output()).as(r.toString()).contains("250 2.0.0 OK queued as Q1").contains("221 2.0.0");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(out.resolve("1.eml")));
        assertThat(Files.readString(out.resolve("1.eml"), StandardCharsets.US_ASCII)).isEqualTo(msg);

        // openssl's own report: TLS 1.0, with the old suites such devices have (ECDHE-RSA and
        // plain RSA key exchange, AES-CBC). Debian's OpenSSL has no 3DES left to try.
        for (String cipher : List.of("DEFAULT", "ECDHE-RSA-AES256-SHA", "AES128-SHA")) {
            Exec.Result proto = Exec.run(List.of("sh", "-c", "echo QUIT | openssl s_client -connect 127.0.0.1:" + port
                    + " -starttls smtp -tls1 -cipher '" + cipher + "@SECLEVEL=0' -crlf 2>&1"), TIMEOUT);
            assertThat(proto.output()).as(cipher).contains("Protocol  : TLSv1\n").containsPattern("Cipher\\s+: [A-Z0-9-]+-SHA\\b");
        }
    }

    @Test
    void a_tls_1_0_device_on_a_listener_without_tls_1_0_is_refused_and_the_log_says_what_to_change() throws Exception {
        Peers.require("openssl");
        try (LogCapture logs = new LogCapture()) {
            int port = start(ListenerMode.STARTTLS, TestRelay.loopback());
            Exec.Result r = Exec.run(List.of("sh", "-c", "echo QUIT | openssl s_client -connect 127.0.0.1:" + port
                    + " -starttls smtp -tls1 -cipher 'DEFAULT@SECLEVEL=0' -crlf 2>&1"), TIMEOUT);
            assertThat(r.output()).contains("alert protocol version").contains("Cipher is (NONE)");
            await().atMost(Duration.ofSeconds(5)).until(() -> !logs.events("tls.failed").isEmpty());
            assertThat(logs.events("tls.failed").get(0)).contains("hint=\"the device speaks only TLSv1: add it to this listener's tls-versions");
        }
        assertThat(sink.accepted()).isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
