package org.smtpdoctor.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.smtpdoctor.peers.Dnsmasq;
import org.smtpdoctor.testing.Ports;

/** MailDns against a real DNS server (dnsmasq with {@link Dnsmasq#MAIL_ZONE}), plus the pure helpers. */
class MailDnsTest {

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AgainstDnsmasq {

        private Dnsmasq server;
        private MailDns dns;

        @BeforeAll
        void start() {
            server = Dnsmasq.start(Dnsmasq.MAIL_ZONE);
            dns = new MailDns(List.of(server.address()), server.port(), Duration.ofSeconds(3));
        }

        @AfterAll
        void stop() {
            if (server != null) {
                server.close();
            }
        }

        @Test
        void mxRecordsComeBackSortedByPreferenceWithoutTheTrailingDot() {
            assertThat(dns.mx("fabrikam.test").found()).as(server.log()).contains(List.of(
                    new MailDnsMx("mx1.fabrikam.test", 10), new MailDnsMx("mx2.fabrikam.test", 20)));
        }

        @Test
        void aTenantMxAtExchangeOnlineIsRecognisedAsMicrosoft() {
            List<MailDnsMx> mx = dns.mx("contoso.test").found().orElseThrow();
            assertThat(mx).containsExactly(new MailDnsMx("contoso-test.mail.protection.outlook.com", 0));
            assertThat(mx.get(0).isMicrosoft()).isTrue();
            assertThat(dns.mx("fabrikam.test").found().orElseThrow()).noneMatch(MailDnsMx::isMicrosoft);
        }

        @Test
        void aNameThatExistsWithoutMxIsNoDataNotNxDomain() {
            assertThat(dns.mx("nomx.test")).isEqualTo(new MailDnsAnswer.NoData<>("nomx.test"));
        }

        @Test
        void anUnknownNameIsNxDomainForEveryType() {
            assertThat(dns.mx("nowhere.test")).isEqualTo(new MailDnsAnswer.NxDomain<>("nowhere.test"));
            assertThat(dns.txt("nowhere.test")).isEqualTo(new MailDnsAnswer.NxDomain<>("nowhere.test"));
            assertThat(dns.spf("nowhere.test")).isEmpty();
            assertThat(dns.mx("nowhere.test").isNegative()).isTrue();
        }

        @Test
        void allTxtRecordsAreReturnedAndTheSpfOneIsPickedOut() {
            assertThat(dns.txt("contoso.test").found().orElseThrow()).containsExactlyInAnyOrder(
                    "v=spf1 include:spf.protection.outlook.com -all", "MS=ms12345678");
            assertThat(dns.spf("contoso.test")).contains("v=spf1 include:spf.protection.outlook.com -all");
        }

        @Test
        void theSpfIncludeOfMicrosoftIsDetectedAndItsAbsenceToo() {
            assertThat(MailDns.spfIncludes(dns.spf("contoso.test").orElseThrow(),
                    "include:spf.protection.outlook.com")).isTrue();
            String fabrikam = dns.spf("fabrikam.test").orElseThrow();
            assertThat(MailDns.spfIncludes(fabrikam, "include:spf.protection.outlook.com")).isFalse();
            assertThat(MailDns.spfIncludes(fabrikam, "ip4:198.51.100.77")).isTrue();
        }

        @Test
        void aTxtRecordOfSeveralStringsIsJoinedWithoutSeparator() {
            assertThat(dns.spf("split.test")).contains("v=spf1 include:spf.protection.outlook.com -all");
        }

        @Test
        void aDomainWithOnlyOtherTxtRecordsHasNoSpf() {
            assertThat(dns.txt("nospf.test").found()).contains(List.of("google-site-verification=abc123"));
            assertThat(dns.spfRecords("nospf.test")).isEqualTo(new MailDnsAnswer.NoData<>("nospf.test"));
            assertThat(dns.spf("nospf.test")).isEmpty();
        }

        @Test
        void twoSpfRecordsAreAnErrorSoSpfIsEmptyAndSpfRecordsShowsBoth() {
            assertThat(dns.spf("twospf.test")).isEmpty();
            assertThat(dns.spfRecords("twospf.test").found().orElseThrow()).containsExactlyInAnyOrder(
                    "v=spf1 include:spf.protection.outlook.com -all", "v=spf1 mx ~all");
        }

        @Test
        void aNameOutsideTheLocalZoneIsAServerFailureNotAnAnswer() {
            // dnsmasq has no upstream at all: it says REFUSED rather than forwarding.
            MailDnsAnswer<List<MailDnsMx>> answer = dns.mx("example.org");
            assertThat(answer).isInstanceOf(MailDnsAnswer.Failed.class);
            assertThat(((MailDnsAnswer.Failed<?>) answer).kind()).isEqualTo(MailDnsAnswer.Kind.SERVER_FAILURE);
            assertThat(((MailDnsAnswer.Failed<?>) answer).message()).contains("REFUSED");
        }

        @Test
        void aNameWithATrailingDotIsTheSameName() {
            assertThat(dns.mx("contoso.test.").found()).isEqualTo(dns.mx("contoso.test").found());
        }
    }

    @Test
    void aSilentServerGivesTheTimeoutAnswerWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // 3 s: a lookup that waited its timeout twice (a retry) would take 6 s, past the bound.
            Duration timeout = Duration.ofSeconds(3);
            MailDns dns = new MailDns(List.of(InetAddress.getLoopbackAddress()), silent.getLocalPort(), timeout);
            long t0 = System.nanoTime();
            MailDnsAnswer<List<MailDnsMx>> answer = dns.mx("contoso.test");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(answer).isInstanceOf(MailDnsAnswer.Failed.class);
            MailDnsAnswer.Failed<?> failed = (MailDnsAnswer.Failed<?>) answer;
            assertThat(failed.kind()).as(failed.message()).isEqualTo(MailDnsAnswer.Kind.TIMEOUT);
            assertThat(failed.message()).contains("127.0.0.1:" + silent.getLocalPort()).contains("3000 ms");
            assertThat(took).isBetween(timeout.minusMillis(100), timeout.plusMillis(2500));
        }
    }

    @Test
    void aPortWhereNothingListensIsANetworkErrorAtOnce() throws Exception {
        int closed = Ports.free();
        MailDns dns = new MailDns(List.of(InetAddress.getLoopbackAddress()), closed, Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        MailDnsAnswer<List<String>> answer = dns.txt("contoso.test");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(answer).isInstanceOf(MailDnsAnswer.Failed.class);
        MailDnsAnswer.Failed<?> failed = (MailDnsAnswer.Failed<?>) answer;
        assertThat(failed.kind()).as(failed.message()).isEqualTo(MailDnsAnswer.Kind.NETWORK_ERROR);
        assertThat(failed.message()).contains("port unreachable").contains("127.0.0.1:" + closed);
        assertThat(took).isLessThan(Duration.ofSeconds(4)); // ICMP says so at once: no waiting for the timeout
    }

    @Test
    void anInvalidNameIsABadArgumentNotADnsAnswer() {
        MailDns dns = new MailDns(List.of(InetAddress.getLoopbackAddress()), 9, Duration.ofMillis(100));
        assertThatThrownBy(() -> dns.mx("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.mx("a..b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void microsoftMxHostsOfEveryCloudAreRecognised() {
        assertThat(MailDns.isMicrosoftMx("contoso-com.mail.protection.outlook.com")).isTrue();
        assertThat(MailDns.isMicrosoftMx("Contoso-com.MAIL.protection.outlook.com.")).isTrue();
        assertThat(MailDns.isMicrosoftMx("contoso-us.mail.protection.office365.us")).isTrue();
        assertThat(MailDns.isMicrosoftMx("contoso-cn.mail.protection.partner.outlook.cn")).isTrue();
        assertThat(MailDns.isMicrosoftMx("mail.protection.outlook.com")).isFalse();
        assertThat(MailDns.isMicrosoftMx(".mail.protection.outlook.com")).isFalse();
        assertThat(MailDns.isMicrosoftMx("contoso.mail.protection.outlook.com.evil.example")).isFalse();
        assertThat(MailDns.isMicrosoftMx("outlook-com.olc.protection.outlook.com")).isFalse();
        assertThat(MailDns.isMicrosoftMx("aspmx.l.google.com")).isFalse();
    }

    @Test
    void aNullMxIsRecognised() {
        assertThat(new MailDnsMx(".", 0).isNullMx()).isTrue();
        assertThat(new MailDnsMx("mx1.fabrikam.test", 0).isNullMx()).isFalse();
    }

    @Test
    void spfIncludeIsMatchedCaseInsensitivelyAndWithOrWithoutTheTrailingDot() {
        String spf = "v=spf1 include:SPF.protection.outlook.com. -all";
        assertThat(MailDns.spfIncludes(spf, "include:spf.protection.outlook.com")).isTrue();
        assertThat(MailDns.spfIncludes(spf, "include:spf.protection.outlook.com.")).isTrue();
        assertThat(MailDns.spfIncludes(spf, "include:protection.outlook.com")).isFalse();
        assertThat(MailDns.spfIncludes("v=spf1 -include:spf.protection.outlook.com -all",
                "+include:spf.protection.outlook.com")).isFalse();
    }

    @Test
    void ip4MatchesByCidrContainment() {
        String spf = "v=spf1 ip4:203.0.113.0/24 ip4:192.0.2.10 ip6:2001:db8::/32 -all";
        assertThat(MailDns.spfIncludes(spf, "ip4:203.0.113.5")).isTrue();
        assertThat(MailDns.spfIncludes(spf, "ip4:203.0.113.128/25")).isTrue();
        assertThat(MailDns.spfIncludes(spf, "ip4:203.0.112.0/23")).isFalse();
        assertThat(MailDns.spfIncludes(spf, "ip4:203.0.114.5")).isFalse();
        assertThat(MailDns.spfIncludes(spf, "ip4:192.0.2.10")).isTrue();
        assertThat(MailDns.spfIncludes(spf, "ip4:192.0.2.11")).isFalse();
        assertThat(MailDns.spfIncludes(spf, "ip6:2001:db8:1::25")).isTrue();
        assertThat(MailDns.spfIncludes(spf, "ip6:2001:db9::25")).isFalse();
        assertThat(MailDns.spfIncludes("v=spf1 ip4:0.0.0.0/0 -all", "ip4:198.51.100.1")).isTrue();
        // Not addresses: never a match, and never a DNS lookup.
        assertThat(MailDns.spfIncludes(spf, "ip4:mail.example.org")).isFalse();
        assertThat(MailDns.spfIncludes("v=spf1 ip4:203.0.113.0/33 -all", "ip4:203.0.113.5")).isFalse();
        assertThat(MailDns.spfIncludes("v=spf1 ip4:203.0.113.256 -all", "ip4:203.0.113.5")).isFalse();
    }

    @Test
    void allMatchesByQualifierWhenOneIsGiven() {
        String strict = "v=spf1 include:spf.protection.outlook.com -all";
        assertThat(MailDns.spfIncludes(strict, "-all")).isTrue();
        assertThat(MailDns.spfIncludes(strict, "~all")).isFalse();
        assertThat(MailDns.spfIncludes(strict, "all")).isTrue();
        assertThat(MailDns.spfIncludes("v=spf1 mx ~all", "-all")).isFalse();
        assertThat(MailDns.spfIncludes("v=spf1 mx all", "+all")).isTrue();
    }

    @Test
    void onlyAnSpfRecordIsSearched() {
        assertThat(MailDns.spfIncludes("include:spf.protection.outlook.com", "include:spf.protection.outlook.com"))
                .isFalse();
        assertThat(MailDns.spfIncludes("v=spf10 include:spf.protection.outlook.com", "include:spf.protection.outlook.com"))
                .isFalse();
        assertThat(MailDns.spfIncludes("V=SPF1  include:spf.protection.outlook.com  -all ",
                "include:spf.protection.outlook.com")).isTrue();
        assertThat(MailDns.spfIncludes("v=spf1 -all", "")).isFalse();
        assertThat(MailDns.isSpfRecord("v=spf1")).isTrue();
        assertThat(MailDns.isSpfRecord("v=spf1x")).isFalse();
    }

    @Test
    void modifiersAreTermsToo() {
        assertThat(MailDns.spfIncludes("v=spf1 redirect=_spf.contoso.test", "redirect=_spf.contoso.test")).isTrue();
        assertThat(MailDns.spfIncludes("v=spf1 a/24 mx:contoso.test/28 -all", "a/24")).isTrue();
        assertThat(MailDns.spfIncludes("v=spf1 a/24 -all", "a")).isFalse();
    }
}
