package org.smtpdoctor.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.check.CheckListener;
import org.smtpdoctor.check.CheckRequest;
import org.smtpdoctor.check.CheckResult;
import org.smtpdoctor.check.CheckRunner;
import org.smtpdoctor.check.Finding;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.check.StepId;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.net.MailDns;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.smtp.Security;
import org.smtpdoctor.testing.FakeSmtpServer;
import org.smtpdoctor.tls.TlsClient;

/**
 * The Direct Send / connector route of check: MX and SPF from a real DNS server (dnsmasq on
 * 127.0.0.1 serving a test zone), the MX host then reached on 127.0.0.1 (a fake SMTP server
 * stands in for Exchange Online Protection; nothing leaves this machine).
 */
class MxRouteCheckTest {

    private static Dnsmasq dns;
    private static FakeSmtpServer eop;

    @BeforeAll
    static void start() throws Exception {
        dns = Dnsmasq.start(Dnsmasq.MAIL_ZONE);
        eop = new FakeSmtpServer(FakeSmtpServer.reply("220 eop.test Microsoft ESMTP MAIL Service ready"), FakeSmtpServer.plainServer());
    }

    @AfterAll
    static void stop() throws Exception {
        if (eop != null) {
            eop.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static CheckResult check(String domain) {
        Resolver toLoopback = (host, timeout) -> List.of(InetAddress.getLoopbackAddress());
        CheckRequest request = new CheckRequest("(MX of --domain)", eop.port(), Security.NONE, Optional.of("m365-direct-send"),
                "device.test", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true,
                Optional.of("scanner@" + domain), Optional.of("reception@" + domain), false, Duration.ofSeconds(5), List.of(),
                false, TlsClient.MODERN, false, Optional.of(domain));
        return new CheckRunner(toLoopback, t -> new MailDns(List.of(dns.address()), dns.port(), t), KnowledgeBase::bundled,
                e -> { }).run(request, CheckListener.NONE);
    }

    private static Finding dnsStep(CheckResult r) {
        return r.findings().stream().filter(f -> f.step() == StepId.DNS).findFirst().orElseThrow();
    }

    @Test
    void aMicrosoftMxWithSpfPassesAndBecomesTheHost() {
        CheckResult r = check("contoso.test");
        assertThat(dnsStep(r).status()).isEqualTo(Status.PASS);
        assertThat(dnsStep(r).summary()).contains("contoso-test.mail.protection.outlook.com");
        assertThat(r.transcript().toString()).contains("MX of contoso.test: contoso-test.mail.protection.outlook.com");
        assertThat(r.verdict()).isEqualTo(Status.PASS);
    }

    @Test
    void aMissingSpfIncludeIsAWarningAndTheRouteIsStillChecked() {
        CheckResult r = check("nospf.test");
        assertThat(dnsStep(r).status()).isEqualTo(Status.WARN);
        assertThat(dnsStep(r).diagnosis().orElseThrow().ruleId()).isEqualTo("route.spf-missing");
        assertThat(r.findings().stream().filter(f -> f.step() == StepId.RCPT_TO).findFirst().orElseThrow().status())
                .isEqualTo(Status.PASS);
    }

    @Test
    void anMxElsewhereIsNamed() {
        CheckResult r = check("fabrikam.test");
        assertThat(dnsStep(r).status()).isEqualTo(Status.FAIL);
        assertThat(dnsStep(r).summary()).contains("mx1.fabrikam.test");
        assertThat(r.cause().orElseThrow().id()).isEqualTo("config_host_or_port");
    }

    @Test
    void aDomainWithoutMxIsADnsProblem() {
        assertThat(check("nomx.test").cause().orElseThrow().id()).isEqualTo("dns_resolution");
        assertThat(check("nothing-here.test").cause().orElseThrow().id()).isEqualTo("dns_resolution");
    }
}
