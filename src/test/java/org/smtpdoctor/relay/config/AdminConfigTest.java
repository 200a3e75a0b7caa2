package org.smtpdoctor.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admin: and alerts: sections of the relay configuration. */
class AdminConfigTest {

    private static final String MINIMAL = """
            listeners:
              - port: 2525
            devices:
              - name: lan
                networks: [192.168.1.0/24]
            upstream: ["smtp://smarthost.example.com"]
            spool: /var/spool/relay
            """;
    private static final String HASH = PasswordHash.create("s3cret-admin".toCharArray()).toString();

    private static RelayConfig parse(String yaml) throws ConfigException {
        return RelayConfigReader.parse(yaml, "relay.yaml");
    }

    @Test
    void without_an_admin_section_there_is_no_console_and_alerts_have_their_defaults() throws Exception {
        RelayConfig c = parse(MINIMAL);
        assertThat(c.admin()).isEmpty();
        assertThat(c.alerts()).isEqualTo(AlertsConfig.DEFAULTS);
        assertThat(c.alerts().stuckAfter()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void the_example_turns_the_console_on_for_loopback_only() throws Exception {
        RelayConfig c = parse(RelayConfigExample.text());
        AdminConfig a = c.admin().orElseThrow();
        assertThat(a.hostPort()).isEqualTo("127.0.0.1:8025");
        assertThat(a.loginRequired()).isFalse();
        assertThat(a.https()).isFalse();
        assertThat(c.alerts()).isEqualTo(AlertsConfig.DEFAULTS);
    }

    @Test
    void a_console_off_loopback_needs_a_password_hash_and_then_has_a_login_and_https() throws Exception {
        assertThatThrownBy(() -> parse(MINIMAL + "admin:\n  listen: 0.0.0.0:8025\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("relay.yaml:9: admin:").hasMessageContaining("needs a login: set admin.password-hash");
        RelayConfig c = parse(MINIMAL + "admin:\n  listen: 192.168.1.5:8443\n  user: it\n  password-hash: \"" + HASH + "\"\n");
        AdminConfig a = c.admin().orElseThrow();
        assertThat(a.loginRequired()).isTrue();
        assertThat(a.https()).isTrue();
        assertThat(a.user()).isEqualTo("it");
        assertThat(a.certificate()).isEqualTo(new CertificateSource.SelfSigned());
        assertThat(a.passwordHash().orElseThrow().matches("s3cret-admin")).isTrue();
    }

    @Test
    void admin_mistakes_name_line_and_key() {
        assertThatThrownBy(() -> parse(MINIMAL + "admin:\n  listen: console.lan:8025\n"))
                .hasMessageStartingWith("relay.yaml:9: admin.listen: the address must be an IP address");
        assertThatThrownBy(() -> parse(MINIMAL + "admin:\n  password-hash: hunter2\n"))
                .hasMessageStartingWith("relay.yaml:9: admin.password-hash: expected pbkdf2-sha512$")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> parse(MINIMAL + "admin:\n  port: 8025\n"))
                .hasMessageStartingWith("relay.yaml:9: admin.port: unknown key; known here: certificate, listen, password-hash, tls, user");
    }

    @Test
    void alerts_take_a_threshold_an_address_and_an_interval() throws Exception {
        RelayConfig c = parse(MINIMAL + "alerts:\n  stuck-after: 30m\n  mail-to: it@contoso.com\n  interval: 4h\n");
        assertThat(c.alerts()).isEqualTo(new AlertsConfig(Duration.ofMinutes(30), Optional.of("it@contoso.com"), Duration.ofHours(4)));
        assertThatThrownBy(() -> parse(MINIMAL + "alerts:\n  mail-to: it\n"))
                .hasMessageStartingWith("relay.yaml:9: alerts.mail-to: expected an address");
    }

    @Test
    void listen_takes_host_port_or_a_port() {
        assertThat(AdminConfig.parseListen("8025")).isEqualTo(new ListenAddress("127.0.0.1", 8025));
        assertThat(AdminConfig.parseListen("[::1]:9000")).isEqualTo(new ListenAddress("::1", 9000));
        assertThatThrownBy(() -> AdminConfig.parseListen("127.0.0.1:99999")).hasMessageContaining("0-65535");
    }
}
