package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.lab.Scenarios;
import org.smtpdoctor.net.Resolver;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.spool.Spool;
import org.smtpdoctor.smtp.TransportException;

/**
 * m365-oauth:// in the sovereign clouds: cloud= sets the submission host, the sign-in
 * authority and the token's scope. Delivered for real against the lab started as GCC High's
 * Exchange Online (it accepts only tokens for https://outlook.office365.us, and its Entra issues
 * the audience of the scope asked for), with outlook.office365.us resolved to 127.0.0.1.
 */
class UpstreamCloudTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    @Test
    void each_cloud_names_its_host_authority_and_scope_and_explicit_parameters_override_them() {
        UpstreamUrl high = UpstreamUrl.parse("m365-oauth://relay@contoso.us?tenant=t&client-id=c&client-secret-env=S&cloud=gcc-high");
        assertThat(high.host()).isEqualTo("outlook.office365.us");
        assertThat(high.port()).isEqualTo(587);
        assertThat(high.cloud()).contains(MicrosoftCloud.GCC_HIGH);
        UpstreamSettings s = Fixtures.settings().withEnv(Map.of("S", "x"));
        assertThat(Upstreams.oauth(high, "relay@contoso.us", s).describe())
                .contains("from https://login.microsoftonline.us/t for app c", "scope https://outlook.office365.us/.default");
        UpstreamUrl china = UpstreamUrl.parse("m365-oauth://relay@contoso.cn?tenant=t&client-id=c&client-secret-env=S&cloud=china");
        assertThat(china.host()).isEqualTo("smtp.partner.outlook.cn");
        assertThat(Upstreams.oauth(china, "relay@contoso.cn", s).describe())
                .contains("from https://login.chinacloudapi.cn/t", "scope https://partner.outlook.cn/.default");
        UpstreamUrl dod = UpstreamUrl.parse("m365-oauth://relay@army.mil?tenant=t&client-id=c&client-secret-env=S&cloud=dod");
        assertThat(Upstreams.oauth(dod, "relay@army.mil", s).describe()).contains("scope https://outlook-dod.office365.us/.default");
        UpstreamUrl global = UpstreamUrl.parse("m365-oauth://relay@contoso.com?tenant=t&client-id=c&client-secret-env=S");
        assertThat(global.host()).isEqualTo("smtp.office365.com");
        assertThat(Upstreams.oauth(global, "relay@contoso.com", s).describe())
                .contains("from https://login.microsoftonline.com/t", "scope https://outlook.office365.com/.default");
        UpstreamUrl proxy = UpstreamUrl.parse("m365-oauth://relay@contoso.com?tenant=t&client-id=c&client-secret-env=S"
                + "&cloud=gcc&host=smtp-proxy.contoso.local&port=2587");
        assertThat(proxy.host()).isEqualTo("smtp-proxy.contoso.local");
        assertThat(proxy.port()).isEqualTo(2587);
        assertThatThrownBy(() -> UpstreamUrl.parse("m365-oauth://r@c.com?tenant=t&client-id=c&cloud=mars"))
                .hasMessageContaining("unknown cloud 'mars' (known: global, gcc, gcc-high, dod, china)");
    }

    @Test
    void a_device_message_reaches_the_lab_as_gcc_high_through_the_gcc_high_host_authority_path_and_scope() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("oauth-healthy").orElseThrow(), 0, MicrosoftCloud.GCC_HIGH);
             Spool spool = Fixtures.spool(dir);
             LogLines log = new LogLines()) {
            Path ca = Files.writeString(dir.resolve("lab.pem"), lab.certificatePem());
            var entra = lab.oauth().orElseThrow();
            String url = "m365-oauth://" + lab.scenario().mailbox() + "?tenant=" + entra.tenant() + "&client-id=" + entra.clientId()
                    + "&client-secret-env=LAB_SECRET&cloud=gcc-high&port=" + lab.port() + "&authority=" + entra.authority()
                    + "&ca-file=" + ca;
            List<String> looked = new ArrayList<>();
            Resolver gccHighOnLoopback = (host, timeout) -> {
                looked.add(host);
                if (!host.equals("outlook.office365.us")) {
                    throw new TransportException(TransportException.Kind.UNRESOLVED, host + " is not known in this test");
                }
                return List.of(LOOPBACK);
            };
            Upstream upstream = Upstreams.create(UpstreamUrl.parse(url),
                    Fixtures.settings().withEnv(Map.of("LAB_SECRET", "lab-secret")).withResolver(gccHighOnLoopback));
            Fixtures.accept(spool, lab.scenario().mailbox(), List.of("bob@contoso.us"), Fixtures.message("to gcc high"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().isEmpty());
            }
            assertThat(looked).containsOnly("outlook.office365.us");
            assertThat(lab.receivedMessages()).hasSize(1);
            assertThat(lab.receivedMessages().get(0)).contains("Subject: to gcc high");
            assertThat(String.join("\n", log.all())).contains("event=delivered");
        }
    }

    @Test
    void a_token_for_another_clouds_exchange_is_refused_by_the_lab_as_that_cloud() throws Exception {
        try (LabServer lab = LabServer.start(Scenarios.byName("oauth-healthy").orElseThrow(), 0, MicrosoftCloud.GCC_HIGH);
             Spool spool = Fixtures.spool(dir)) {
            Path ca = Files.writeString(dir.resolve("lab.pem"), lab.certificatePem());
            var entra = lab.oauth().orElseThrow();
            // cloud=global by default: a worldwide scope, so a token for https://outlook.office365.com
            String url = "m365-oauth://" + lab.scenario().mailbox() + "?tenant=" + entra.tenant() + "&client-id=" + entra.clientId()
                    + "&client-secret-env=LAB_SECRET&host=127.0.0.1&port=" + lab.port() + "&authority=" + entra.authority()
                    + "&ca-file=" + ca;
            Upstream upstream = Upstreams.create(UpstreamUrl.parse(url), Fixtures.settings().withEnv(Map.of("LAB_SECRET", "lab-secret")));
            Fixtures.accept(spool, lab.scenario().mailbox(), List.of("bob@contoso.us"), Fixtures.message("wrong cloud"));
            try (DeliveryWorker w = DeliveryWorker.start(spool, Optional.empty(), List.of(upstream), Fixtures.options())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> spool.list().get(0).recipients().get(0).lastReply()
                        .map(r -> r.contains("535 5.7.3")).orElse(false));
            }
            assertThat(lab.receivedMessages()).isEmpty();
        }
    }
}
