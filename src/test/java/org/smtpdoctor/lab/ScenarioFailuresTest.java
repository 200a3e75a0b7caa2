package org.smtpdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.lab.WireClient.base64;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each scenario, driven by a client that follows the scenario's defaults (EHLO, STARTTLS,
 * EHLO, AUTH LOGIN, MAIL, RCPT, DATA), fails at the documented command with the documented
 * Microsoft reply; plus the details a diagnosis depends on.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ScenarioFailuresTest {

    /** One command of the default run and the reply it got. */
    record Exchange(String command, String reply) {
        boolean failed() {
            return reply.charAt(0) == '4' || reply.charAt(0) == '5';
        }
    }

    static Stream<Scenarios.Definition> definitions() {
        return Scenarios.allDefinitions().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void a_default_client_run_fails_at_the_documented_command_with_microsofts_reply(Scenarios.Definition definition)
            throws IOException {
        try (LabServer lab = LabServer.start(definition.scenario(), 0)) {
            List<Exchange> run = defaultRun(lab);
            Optional<Exchange> failure = run.stream().filter(Exchange::failed).findFirst();
            if (definition.failingCommand() == null) {
                assertThat(failure).as("healthy run %s", run).isEmpty();
                assertThat(lab.receivedMessages()).hasSize(1);
            } else {
                assertThat(failure).as("run %s", run).isPresent();
                assertThat(failure.get().command()).isEqualTo(definition.failingCommand());
                assertThat(failure.get().reply()).startsWith(definition.failureReply());
                assertThat(lab.receivedMessages()).isEmpty();
            }
        }
    }

    @Test
    void tenant_and_mailbox_switches_refuse_xoauth2_too() throws IOException {
        for (String name : List.of("tenant-smtp-auth-disabled", "mailbox-smtp-auth-disabled")) {
            try (LabServer lab = LabServer.start(Scenarios.byName(name).orElseThrow(), 0);
                    WireClient c = WireClient.connectOverTls(lab)) {
                assertThat(c.send("AUTH XOAUTH2 " + WireClient.xoauth2("scanner@contoso.com", lab.demoAccessToken())))
                        .as(name).startsWith("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the");
            }
        }
    }

    @Test
    void security_defaults_conditional_access_and_retired_basic_auth_still_accept_xoauth2() throws IOException {
        for (String name : List.of("security-defaults", "conditional-access", "basic-auth-retired")) {
            try (LabServer lab = LabServer.start(Scenarios.byName(name).orElseThrow(), 0);
                    WireClient c = WireClient.connectOverTls(lab)) {
                assertThat(c.send("AUTH XOAUTH2 " + WireClient.xoauth2("scanner@contoso.com", lab.demoAccessToken())))
                        .as(name).isEqualTo("235 2.7.0 Authentication successful");
            }
        }
    }

    @Test
    void a_locked_account_is_refused_whatever_the_password() throws IOException {
        try (LabServer lab = LabServer.start(Scenarios.byName("account-locked").orElseThrow(), 0);
                WireClient c = WireClient.connectOverTls(lab)) {
            c.expect("AUTH LOGIN " + base64("scanner@contoso.com"), "334 ");
            assertThat(c.send(base64("not-the-password")))
                    .startsWith("535 5.7.139 Authentication unsuccessful, account locked. Contact your administrator. [");
        }
    }

    @Test
    void wrong_password_scenario_accepts_the_real_password_so_the_fix_can_be_shown() throws IOException {
        try (LabServer lab = LabServer.start(Scenarios.byName("wrong-password").orElseThrow(), 0);
                WireClient c = WireClient.connectOverTls(lab)) {
            c.expect("AUTH LOGIN " + base64("scanner@contoso.com"), "334 ");
            assertThat(c.send(base64(Scenarios.PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void sendas_denied_scenario_succeeds_when_the_sender_is_the_mailbox() throws IOException {
        Scenario sendAs = Scenarios.byName("sendas-denied").orElseThrow();
        try (LabServer lab = LabServer.start(sendAs, 0); WireClient c = loggedIn(lab, sendAs)) {
            c.expect("MAIL FROM:<" + sendAs.mailbox() + ">", "250 ");
            c.expect("RCPT TO:<" + sendAs.recipient() + ">", "250 ");
            c.expect("DATA", "354 ");
            assertThat(c.send("From: " + sendAs.mailbox() + "\r\n\r\nok\r\n.")).startsWith("250 2.0.0 OK <");
        }
    }

    @Test
    void throttling_is_transient_and_named_by_the_store_driver() throws IOException {
        Scenario throttled = Scenarios.byName("throttled").orElseThrow();
        try (LabServer lab = LabServer.start(throttled, 0)) {
            Exchange data = defaultRun(lab).stream().filter(Exchange::failed).findFirst().orElseThrow();
            assertThat(data.reply()).isEqualTo("432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded"
                    + " [Hostname=DB9PR10MB7151.EURPRD10.PROD.OUTLOOK.COM]");
        }
    }

    @Test
    void behind_the_inspecting_firewall_the_banner_is_masked_and_starttls_is_gone() throws IOException {
        try (LabServer lab = LabServer.start(Scenarios.byName("starttls-stripped").orElseThrow(), 0);
                WireClient c = WireClient.connect(lab.port())) {
            String banner = c.readReply();
            assertThat(banner).matches("220 [*20]+").contains("***");
            List<String> ehlo = List.of(c.send("EHLO client.example").split("\n"));
            assertThat(ehlo).contains("250-XXXXXXXA", "250-SIZE 157286400")
                    .noneMatch(l -> l.contains("STARTTLS") || l.contains("AUTH"));
            assertThat(c.send("STARTTLS")).startsWith("500 5.3.3 Unrecognized command 'XXXXXXXX' [");
            assertThat(c.send("AUTH LOGIN")).startsWith("504 5.7.4 Unrecognized authentication type");
            assertThat(c.send("MAIL FROM:<scanner@contoso.com>")).startsWith("451 5.7.3 STARTTLS is required to send mail");
        }
    }

    /**
     * EHLO, STARTTLS, EHLO, AUTH LOGIN (XOAUTH2 with a token from the lab's Entra in the oauth-*
     * scenarios), MAIL, RCPT, DATA with the scenario's defaults; stops at the first 4xx/5xx.
     */
    private static List<Exchange> defaultRun(LabServer lab) throws IOException {
        Scenario s = lab.scenario();
        List<Exchange> run = new ArrayList<>();
        try (WireClient c = WireClient.connect(lab.port())) {
            run.add(new Exchange("banner", c.readReply()));
            record(run, "EHLO", c.send("EHLO client.example"));
            // sent even when EHLO does not advertise it, as a careful client does to prove stripping
            if (failedLast(run, "STARTTLS", c.send("STARTTLS"))) {
                return run;
            }
            c.startTls(lab.certificate(), "localhost");
            record(run, "EHLO", c.send("EHLO client.example"));
            String auth;
            if (lab.oauth().isPresent()) {
                String token = TokenRequests.clientCredentials(lab.oauth().get());
                auth = c.send("AUTH XOAUTH2 " + WireClient.xoauth2(s.mailbox(), token));
            } else {
                c.expect("AUTH LOGIN", "334 ");
                c.expect(base64(s.mailbox()), "334 ");
                auth = c.send(base64(s.password()));
            }
            if (failedLast(run, "AUTH", auth)
                    || failedLast(run, "MAIL", c.send("MAIL FROM:<" + s.sender() + ">"))
                    || failedLast(run, "RCPT", c.send("RCPT TO:<" + s.recipient() + ">"))
                    || failedLast(run, "DATA", c.send("DATA"))) {
                return run;
            }
            record(run, "DATA", c.send("From: <" + s.sender() + ">\r\nTo: <" + s.recipient() + ">\r\n"
                    + "Subject: lab\r\n\r\nscan attached\r\n."));
            return run;
        }
    }

    private static String record(List<Exchange> run, String command, String reply) {
        run.add(new Exchange(command, reply));
        return reply;
    }

    private static boolean failedLast(List<Exchange> run, String command, String reply) {
        record(run, command, reply);
        return run.get(run.size() - 1).failed();
    }

    private static WireClient loggedIn(LabServer lab, Scenario s) throws IOException {
        WireClient c = WireClient.connectOverTls(lab);
        c.expect("AUTH LOGIN " + base64(s.mailbox()), "334 ");
        c.expect(base64(s.password()), "235 ");
        return c;
    }
}
