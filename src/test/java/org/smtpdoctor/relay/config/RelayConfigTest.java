package org.smtpdoctor.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelayConfigTest {

    private static final String MINIMAL = """
            listeners:
              - port: 2525
            devices:
              - name: lan
                networks: [192.168.1.0/24]
            upstream: ["smtp://smarthost.example.com"]
            spool: /var/spool/relay
            """;

    private static RelayConfig parse(String yaml) throws ConfigException {
        return RelayConfigReader.parse(yaml, "relay.yaml");
    }

    @Test
    void the_spool_reserve_is_a_size_or_a_share_of_the_volume() throws Exception {
        assertThat(parse(MINIMAL).spoolReserve()).isEqualTo(org.smtpdoctor.relay.spool.SpoolReserve.DEFAULT);
        assertThat(parse(MINIMAL + "spool-reserve: 5%\n").spoolReserve().percent()).isEqualTo(5);
        assertThat(parse(MINIMAL + "spool-reserve: 1GB\n").spoolReserve().bytes()).isEqualTo(1L << 30);
        assertThat(parse(MINIMAL + "spool-reserve: 512 KB\n").spoolReserve().bytes()).isEqualTo(512L << 10);
        assertThat(parse(MINIMAL + "spool-reserve: 0\n").spoolReserve().bytes()).isZero();
        assertThatThrownBy(() -> parse(MINIMAL + "spool-reserve: 150%\n")).isInstanceOf(ConfigException.class)
                .hasMessage("relay.yaml:8: spool-reserve: expected a size like 64MB or 1GB, or a share of the volume like 5% (0-99%), got '150%'");
        assertThatThrownBy(() -> parse(MINIMAL + "spool-reserve: plenty\n")).hasMessageContaining("got 'plenty'");
        assertThat(parse(RelayConfigExample.text()).spoolReserve()).hasToString("64 MB");
    }

    @Test
    void the_example_written_by_init_is_a_valid_configuration_with_every_section() throws Exception {
        RelayConfig c = parse(RelayConfigExample.text());
        assertThat(c.hostName()).isEqualTo("relay.contoso.local");
        assertThat(c.listeners()).hasSize(1);
        ListenerConfig l = c.listeners().get(0);
        assertThat(l.mode()).isEqualTo(ListenerMode.STARTTLS);
        assertThat(l.tlsVersions()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(l.maxMessageBytes()).isEqualTo(25L * 1024 * 1024);
        assertThat(l.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.devices()).extracting(DeviceRule::name).containsExactly("printers", "nas");
        assertThat(c.devices().get(0).senders()).containsExactly("scanner@contoso.com", "@printers.contoso.com");
        assertThat(c.devices().get(1).rewriteFrom()).contains("relay@contoso.com");
        assertThat(c.upstreams().get(0).scheme()).isEqualTo(UpstreamUrl.Scheme.M365_OAUTH);
        assertThat(c.recipientDomains()).containsExactly("contoso.com");
        assertThat(c.pacing()).isEqualTo(Pacing.M365_DEFAULTS);
        assertThat(c.retryMaxAge()).isEqualTo(Duration.ofDays(5));
        assertThat(c.spoolDir()).isEqualTo(Path.of("/var/spool/smtp-doctor"));
    }

    @Test
    void every_key_of_the_example_has_a_comment() {
        List<String> lines = RelayConfigExample.text().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.matches("\\s*-?\\s*[a-z-]+:.*") && !line.strip().startsWith("#")) {
                boolean commented = line.contains("#") || lines.get(i + 1).strip().startsWith("#") || lines.get(i - 1).strip().startsWith("#");
                assertThat(commented).as("explained: " + line).isTrue();
            }
        }
    }

    @Test
    void defaults_fill_what_a_minimal_file_leaves_out() throws Exception {
        RelayConfig c = parse(MINIMAL);
        ListenerConfig l = c.listeners().get(0);
        assertThat(l.address()).isEqualTo("127.0.0.1");
        assertThat(l.mode()).isEqualTo(ListenerMode.STARTTLS);
        assertThat(l.certificate()).isEqualTo(new CertificateSource.SelfSigned());
        assertThat(l.maxConnections()).isEqualTo(100);
        assertThat(l.maxConnectionsPerIp()).isEqualTo(10);
        assertThat(l.allowPlaintextAuth()).isFalse();
        assertThat(c.pacing()).isEqualTo(new Pacing(30, 10_000, 3));
    }

    @Test
    void an_unknown_key_is_an_error_naming_file_line_and_key() {
        String yaml = MINIMAL.replace("  - port: 2525", "  - port: 2525\n    max-conections: 5");
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("relay.yaml:3: listeners[0].max-conections: unknown key; known here: address, allow-plaintext-auth");
        assertThatThrownBy(() -> parse(MINIMAL + "retries: 3\n")).hasMessageStartingWith("relay.yaml:8: retries: unknown key");
    }

    @Test
    void collections_nested_deeper_than_any_relay_yaml_are_refused_before_the_yaml_scanner_slows_down() {
        // The shape of RelayConfigFuzzTest's timeout finding: flow sequences opened and never closed.
        assertThatThrownBy(() -> parse("a: " + "[".repeat(2000))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML: Document nesting depth (" + (ConfigNode.MAX_NESTING + 1) + ") exceeds the maximum allowed ("
                        + ConfigNode.MAX_NESTING);
        assertThatThrownBy(() -> parse(MINIMAL + "pacing: " + "{a: ".repeat(40))).hasMessageContaining("nesting depth");
    }

    @Test
    void a_bad_value_names_its_line_and_key() throws Exception {
        assertThatThrownBy(() -> parse(MINIMAL.replace("  - port: 2525", "  - port: 2525\n    mode: ssl")))
                .hasMessage("relay.yaml:3: listeners[0].mode: expected plain, starttls or tls, got 'ssl'");
        assertThatThrownBy(() -> parse(MINIMAL.replace("192.168.1.0/24", "192.168.1.0/33")))
                .hasMessageStartingWith("relay.yaml:5: devices[0].networks[0]: '192.168.1.0/33': the prefix length must be 0 to 32");
        assertThatThrownBy(() -> parse(MINIMAL.replace("  - port: 2525", "  - port: 2525\n    idle-timeout: forever")))
                .hasMessageStartingWith("relay.yaml:3: listeners[0].idle-timeout: expected a duration");
        assertThatThrownBy(() -> parse(MINIMAL.replace("  - port: 2525", "  - port: 2525\n    idle-timeout: 200000d")))
                .hasMessageStartingWith("relay.yaml:3: listeners[0].idle-timeout: at most 24h");
        assertThat(parse(MINIMAL.replace("  - port: 2525", "  - port: 2525\n    idle-timeout: 24h")).listeners().get(0).idleTimeout())
                .isEqualTo(java.time.Duration.ofHours(24));
        assertThatThrownBy(() -> parse(MINIMAL.replace("  - port: 2525", "  - port: 70000")))
                .hasMessageStartingWith("relay.yaml:2: listeners[0].port: expected a whole number from 0 to 65535");
        assertThatThrownBy(() -> parse(MINIMAL.replace("  - port: 2525", "  - port: 2525\n    tls-versions: [TLSv1.2, SSLv3]")))
                .hasMessageStartingWith("relay.yaml:3: listeners[0].tls-versions[1]: unknown TLS version 'SSLv3'");
        assertThatThrownBy(() -> parse(MINIMAL.replace("  - port: 2525", "  - port: 2525\n    mode: plain\n    tls-versions: [TLSv1.2]")))
                .hasMessageStartingWith("relay.yaml:4: listeners[0].tls-versions: a plain listener has no TLS");
        assertThatThrownBy(() -> parse(MINIMAL + "spool: /other\n")).hasMessageStartingWith("relay.yaml:8: spool: given twice");
        assertThatThrownBy(() -> parse("listeners: [\n")).hasMessageStartingWith("relay.yaml:").hasMessageContaining("not valid YAML");
    }

    @Test
    void a_password_inside_an_upstream_url_is_refused_with_a_clear_message_that_does_not_repeat_it() {
        assertThatThrownBy(() -> parse(MINIMAL.replace("smtp://smarthost.example.com", "smtp+starttls://u:Hunter2@smarthost.example.com")))
                .hasMessageContaining("relay.yaml:6: upstream[0]: ")
                .hasMessageContaining("a password inside the URL is refused")
                .hasMessageContaining("?password-env=VAR")
                .hasMessageNotContaining("Hunter2");
        assertThatThrownBy(() -> UpstreamUrl.parse("smtps://u@h?password=Hunter2")).hasMessageNotContaining("Hunter2")
                .hasMessageContaining("password inside the URL is refused");
    }

    @Test
    void upstream_urls_are_parsed_and_validated() {
        UpstreamUrl oauth = UpstreamUrl.parse("m365-oauth://relay@contoso.com?tenant=t&client-id=c");
        assertThat(oauth.host()).isEqualTo("smtp.office365.com");
        assertThat(oauth.port()).isEqualTo(587);
        assertThat(oauth.mailbox()).contains("relay@contoso.com");
        UpstreamUrl hve = UpstreamUrl.parse("smtp+starttls://relay%40contoso.com@smtp-hve.office365.com?password-env=HVE");
        assertThat(hve.user()).contains("relay@contoso.com");
        assertThat(hve.port()).isEqualTo(587);
        assertThat(hve.mailbox()).contains("relay@contoso.com");
        assertThat(UpstreamUrl.parse("smtps://smtp.example.net").port()).isEqualTo(465);
        assertThat(UpstreamUrl.parse("smtp://[::1]:2526").host()).isEqualTo("::1");
        assertThat(UpstreamUrl.parse("mx://Contoso.com").host()).isEqualTo("contoso.com");
        assertThatThrownBy(() -> UpstreamUrl.parse("m365-oauth://relay@contoso.com?tenant=t")).hasMessageContaining("needs ?client-id=");
        assertThatThrownBy(() -> UpstreamUrl.parse("smtp://u@host")).hasMessageContaining("a user needs ?password-env=VAR or ?password-file=PATH");
        assertThatThrownBy(() -> UpstreamUrl.parse("mx://not a domain")).hasMessageContaining("mx:// needs a domain");
        assertThatThrownBy(() -> UpstreamUrl.parse("http://x")).hasMessageContaining("unknown upstream scheme 'http'");
        assertThatThrownBy(() -> UpstreamUrl.parse("smtp://host?pasword-env=X")).hasMessageContaining("unknown parameter 'pasword-env'");
    }

    @Test
    void rewrite_from_upstream_takes_the_mailbox_of_the_first_upstream_that_has_one() throws Exception {
        String yaml = MINIMAL.replace("networks: [192.168.1.0/24]", "networks: [192.168.1.0/24]\n    rewrite-from: upstream")
                .replace("\"smtp://smarthost.example.com\"", "\"smtp://smarthost.example.com\", \"m365-oauth://r@contoso.com?tenant=t&client-id=c\"");
        assertThat(parse(yaml).devices().get(0).rewriteFrom()).contains("r@contoso.com");
        assertThatThrownBy(() -> parse(MINIMAL.replace("networks: [192.168.1.0/24]", "networks: [192.168.1.0/24]\n    rewrite-from: upstream")))
                .hasMessageStartingWith("relay.yaml:6: devices[0].rewrite-from: 'upstream' needs an upstream with a mailbox");
    }

    @Test
    void a_device_needs_networks_or_an_account_and_an_account_needs_a_hash_not_a_password() {
        assertThatThrownBy(() -> parse(MINIMAL.replace("    networks: [192.168.1.0/24]\n", "")))
                .hasMessage("relay.yaml:4: devices[0]: a device needs networks, or a user and password-hash, or both");
        assertThatThrownBy(() -> parse(MINIMAL.replace("networks: [192.168.1.0/24]", "user: nas\n    password-hash: secret123")))
                .hasMessageStartingWith("relay.yaml:6: devices[0].password-hash: expected pbkdf2-sha512$");
    }

    @Test
    void quick_start_flags_need_no_file_and_default_to_localhost_2525() throws Exception {
        RelayConfig c = RelayConfig.quickStart(Optional.empty(), List.of(), List.of("smtp://smarthost:25"),
                List.of("192.168.1.0/24"), Optional.of(Path.of("/tmp/spool")), false);
        assertThat(c.listeners()).extracting(ListenerConfig::address, ListenerConfig::port).containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", 2525));
        assertThat(c.devices().get(0).networks()).containsExactly(Cidr.parse("192.168.1.0/24"));
        RelayConfig two = RelayConfig.quickStart(Optional.empty(), List.of("0.0.0.0:25", "[::]:587"), List.of("mx://contoso.com"),
                List.of("10.1.2.3"), Optional.of(Path.of("/s")), false);
        assertThat(two.listeners()).extracting(ListenerConfig::port).containsExactly(25, 587);
        assertThatThrownBy(() -> RelayConfig.quickStart(Optional.empty(), List.of(), List.of("smtp://h"), List.of(), Optional.of(Path.of("/s")), false))
                .hasMessageStartingWith("no device may send");
        assertThatThrownBy(() -> RelayConfig.quickStart(Optional.empty(), List.of("printer:25"), List.of("smtp://h"), List.of("10.0.0.0/8"), Optional.of(Path.of("/s")), false))
                .hasMessageContaining("--listen printer:25: the address must be an IP address");
        assertThatThrownBy(() -> RelayConfig.quickStart(Optional.empty(), List.of(), List.of("smtp://h"), List.of("lan"), Optional.of(Path.of("/s")), false))
                .hasMessageStartingWith("--allow: 'lan' is not a network");
    }

    @Test
    void cidr_matching() throws Exception {
        assertThat(Cidr.parse("192.168.1.0/24").contains(InetAddress.getByName("192.168.1.77"))).isTrue();
        assertThat(Cidr.parse("192.168.1.0/24").contains(InetAddress.getByName("192.168.2.1"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("::1"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse("printer.local")).hasMessageContaining("is not a network");
    }

    @Test
    void password_hashes_verify_and_round_trip_through_their_text() {
        PasswordHash h = PasswordHash.create("s3cret".toCharArray());
        assertThat(h.toString()).startsWith("pbkdf2-sha512$210000$");
        assertThat(PasswordHash.parse(h.toString())).isEqualTo(h);
        assertThat(h.matches("s3cret")).isTrue();
        assertThat(h.matches("s3cret ")).isFalse();
        assertThatThrownBy(() -> PasswordHash.parse("s3cret")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bouncesCanGoToAnAdminAddressAndABadOneIsNamedWithItsLine() throws Exception {
        String base = "listeners:\n  - port: 2525\ndevices:\n  - name: lan\n    networks: [192.168.1.0/24]\n"
                + "upstream: [\"smtp://127.0.0.1:25\"]\nspool: /var/spool/r\n";
        assertThat(RelayConfigReader.parse(base, "r.yaml").bouncesTo()).isEmpty();
        assertThat(RelayConfigReader.parse(base + "retry:\n  bounces-to: it@contoso.com\n", "r.yaml").bouncesTo())
                .contains("it@contoso.com");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayConfigReader.parse(base + "retry:\n  bounces-to: nobody\n", "r.yaml"))
                .hasMessageStartingWith("r.yaml:9: retry.bounces-to: expected an address");
    }

    @Test
    void anOAuthUpstreamMayUseAPasswordProtectedCertificateButNoSeparateKeyFile() {
        UpstreamUrl u = UpstreamUrl.parse("m365-oauth://relay@contoso.com?tenant=contoso.onmicrosoft.com&client-id=c"
                + "&certificate=/etc/relay/app.pfx&certificate-password-env=PFX_PASSWORD");
        assertThat(u.parameters()).containsEntry("certificate-password-env", "PFX_PASSWORD");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UpstreamUrl.parse("m365-oauth://relay@contoso.com?tenant=t"
                + "&client-id=c&certificate=/a.pem&certificate-key=/a.key")).hasMessageContaining("certificate-key");
    }

    @Test
    void a_device_network_wider_than_slash_8_is_refused_unless_the_open_relay_override_is_set() throws Exception {
        for (String wide : List.of("0.0.0.0/0", "::/0", "0.0.0.0/1", "2000::/3", "10.0.0.0/7")) {
            assertThatThrownBy(() -> parse(MINIMAL.replace("192.168.1.0/24", "'" + wide + "'")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("relay.yaml:5: devices[0].networks[0]: " + wide + " is wider than /8")
                    .hasMessageContaining("open relay").hasMessageContaining("i-know-this-is-an-open-relay");
            assertThatThrownBy(() -> RelayConfig.quickStart(Optional.empty(), List.of(), List.of("smtp://h"), List.of(wide),
                    Optional.of(Path.of("/s")), false)).hasMessageStartingWith("--allow: " + wide + " is wider than /8");
            assertThat(RelayConfig.quickStart(Optional.empty(), List.of(), List.of("smtp://h"), List.of(wide), Optional.of(Path.of("/s")), true)
                    .guard().acceptedWide(List.of(DeviceRule.network(Cidr.parse(wide))))).hasSize(1);
        }
        assertThat(parse(MINIMAL.replace("192.168.1.0/24", "10.0.0.0/8")).devices()).hasSize(1);
        assertThat(parse(MINIMAL.replace("192.168.1.0/24", "'fd00::/8'")).devices()).hasSize(1);
        RelayConfig accepted = parse(MINIMAL.replace("192.168.1.0/24", "0.0.0.0/0") + "i-know-this-is-an-open-relay: true\n");
        assertThat(accepted.guard().acceptedWide(accepted.devices())).containsExactly(Cidr.parse("0.0.0.0/0"));
        assertThatThrownBy(() -> parse(MINIMAL.replace("192.168.1.0/24", "10.0.0.0/8") + "widest-network: 16\n"))
                .hasMessageContaining("10.0.0.0/8 is wider than /16");
        RelayConfig file = parse(MINIMAL + "i-know-this-is-an-open-relay: true\n");
        assertThat(RelayConfig.quickStart(Optional.of(file), List.of(), List.of(), List.of("0.0.0.0/0"), Optional.empty(), false)
                .devices()).hasSize(2);
        assertThatThrownBy(() -> new RelayConfig("h", List.of(), List.of(DeviceRule.network(Cidr.parse("0.0.0.0/0"))), List.of(),
                List.of(), Path.of("/s"), Pacing.M365_DEFAULTS, Duration.ofDays(1), Optional.empty(), NetworkGuard.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_network_with_host_bits_set_is_an_error_naming_the_network_it_probably_meant() {
        assertThatThrownBy(() -> Cidr.parse("192.168.1.5/24"))
                .hasMessage("'192.168.1.5/24' has host bits set: the network is 192.168.1.0/24 (write 192.168.1.5 for that one host)");
        assertThatThrownBy(() -> parse(MINIMAL.replace("192.168.1.0/24", "10.1.2.3/8")))
                .hasMessageStartingWith("relay.yaml:5: devices[0].networks[0]: '10.1.2.3/8' has host bits set: the network is 10.0.0.0/8");
        assertThat(Cidr.parse("192.168.1.5/32").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("192.168.1.5").prefixLength()).isEqualTo(32);
    }

    @Test
    void an_upstream_url_in_a_message_or_log_never_shows_a_value_that_could_be_a_secret() {
        assertThat(UpstreamUrl.redacted("smtp://u:pw@h?password-env=PW&client-secret=abc&api-key=k1&helo=relay&token-file=/t"))
                .isEqualTo("smtp://u:***@h?password-env=PW&client-secret=***&api-key=***&helo=relay&token-file=/t");
        assertThat(UpstreamUrl.redacted("m365-oauth://r@contoso.com?tenant=t&client-id=c&client-secret-env=Not!AName"))
                .isEqualTo("m365-oauth://r@contoso.com?tenant=t&client-id=c&client-secret-env=***");
        assertThatThrownBy(() -> UpstreamUrl.parse("smtp+starttls://u@h?password-env=hunter2%21"))
                .hasMessageContaining("password-env takes the NAME of an environment variable").hasMessageNotContaining("hunter2");
    }

    @Test
    void a_password_typed_where_no_url_has_one_is_never_shown_in_the_error() {
        // Found by UpstreamUrlFuzzTest: the scheme forgotten, mistyped, or a second '?' before a secret.
        for (String url : List.of("scanner:hunter2@smtp.example.com:587", "smtp+sta rttls://scanner:hunter2@h",
                "smtp://u@h?pass=/x&helo=[1.2.3.4]?token=hunter2",
                "smtp://u@h?password-smtp://u:hunter2@h=1", "smtp://u:hun@ter/2@h")) {
            assertThatThrownBy(() -> UpstreamUrl.parse(url)).as(url).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("hunter2").hasMessageNotContaining("ter/2");
        }
        // A file name may hold a '?'; as logs show the URL, what follows it is still hidden.
        assertThat(UpstreamUrl.parse("smtp://u@h?password-file=/p?client-secret=hunter2")).asString().doesNotContain("hunter2");
    }
}
