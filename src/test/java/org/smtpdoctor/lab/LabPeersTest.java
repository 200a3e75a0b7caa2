package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.peers.Exec;
import org.smtpdoctor.peers.Peers;

/**
 * The lab against SMTP/TLS software nobody here wrote: OpenSSL (which, unlike Java 17,
 * can still offer TLS 1.1 at SECLEVEL=0, so the refusal really comes from the lab) and
 * swaks. Fails when CI=true and a peer is missing, skips otherwise (see {@link Peers}).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LabPeersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void an_openssl_client_limited_to_tls_1_1_is_refused_by_the_lab_itself() throws IOException {
        Peers.require("openssl");
        try (LabServer lab = LabServer.start(Scenarios.byName("healthy").orElseThrow(), 0)) {
            Exec.Result result = Exec.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + lab.port(),
                    "-starttls", "smtp", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-brief"), TIMEOUT);
            assertThat(result.exitCode()).as(result.output()).isNotZero();
            assertThat(result.output()).contains("alert protocol version");
        }
    }

    @Test
    void openssl_verifies_the_lab_certificate_for_localhost_over_tls_1_2() throws IOException {
        Peers.require("openssl");
        try (LabServer lab = LabServer.start(Scenarios.byName("healthy").orElseThrow(), 0)) {
            Path ca = Files.writeString(dir.resolve("lab.pem"), lab.certificatePem());
            Exec.Result result = Exec.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + lab.port(),
                    "-starttls", "smtp", "-tls1_2", "-CAfile", ca.toString(), "-verify_return_error",
                    "-verify_hostname", "localhost", "-brief"), TIMEOUT);
            assertThat(result.output()).contains("Protocol version: TLSv1.2").contains("Verification: OK");
        }
    }

    @Test
    void swaks_delivers_through_the_healthy_lab_with_auth_login() throws IOException {
        Peers.require("swaks");
        try (LabServer lab = LabServer.start(Scenarios.byName("healthy").orElseThrow(), 0)) {
            Path ca = Files.writeString(dir.resolve("lab.pem"), lab.certificatePem());
            Exec.Result result = Exec.run(List.of("swaks", "--server", "127.0.0.1:" + lab.port(), "--tls",
                    "--tls-verify", "--tls-ca-path", ca.toString(), "--auth", "LOGIN",
                    "--auth-user", "scanner@contoso.com", "--auth-password", Scenarios.PASSWORD,
                    "--from", "scanner@contoso.com", "--to", "reports@fabrikam.com", "--ehlo", "swaks.example"), TIMEOUT);
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("<~  250 2.0.0 OK <");
            assertThat(lab.receivedMessages()).singleElement().asString().contains("X-Mailer: swaks");
        }
    }

    @Test
    void swaks_requiring_tls_gives_up_behind_the_inspecting_firewall() throws IOException {
        Peers.require("swaks");
        try (LabServer lab = LabServer.start(Scenarios.byName("starttls-stripped").orElseThrow(), 0)) {
            Exec.Result result = Exec.run(List.of("swaks", "--server", "127.0.0.1:" + lab.port(), "--tls",
                    "--from", "scanner@contoso.com", "--to", "reports@fabrikam.com"), TIMEOUT);
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output()).contains("<-  250-XXXXXXXA").contains("Host did not advertise STARTTLS");
        }
    }
}
