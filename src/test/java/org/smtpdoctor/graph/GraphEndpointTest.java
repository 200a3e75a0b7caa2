package org.smtpdoctor.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Where tokens may go: https anywhere, plain http only to loopback. */
class GraphEndpointTest {

    @Test
    void httpsAnywhereAndHttpOnlyToLoopback() {
        assertThat(GraphEndpoint.of("https://graph.microsoft.us/").v1("/users/a@b.c/sendMail"))
                .isEqualTo(URI.create("https://graph.microsoft.us/v1.0/users/a@b.c/sendMail"));
        assertThat(GraphEndpoint.of("http://127.0.0.1:2588").beta("/auditLogs/signIns").toString())
                .isEqualTo("http://127.0.0.1:2588/beta/auditLogs/signIns");
        assertThat(GraphEndpoint.of("http://[::1]:2588").base().getPort()).isEqualTo(2588);
        assertThatThrownBy(() -> GraphEndpoint.of("http://graph.example.org")).hasMessageContaining("plain http");
        assertThatThrownBy(() -> GraphEndpoint.of("http://10.0.0.5:80")).hasMessageContaining("plain http");
        assertThatThrownBy(() -> GraphEndpoint.of("ftp://graph.microsoft.com")).hasMessageContaining("https://");
    }

    @Test
    void uploadUrlsMustBeHttpsUnlessOnLoopback() {
        assertThat(GraphEndpoint.acceptable(URI.create("https://outlook.office.com/api/v2.0/x?authtoken=y"))).isTrue();
        assertThat(GraphEndpoint.acceptable(URI.create("http://127.0.0.1:1/upload/x"))).isTrue();
        assertThat(GraphEndpoint.acceptable(URI.create("http://outlook.office.com/api/x"))).isFalse();
    }

    @Test
    void aMailboxAndAMessageIdArePercentEncodedInThePath() {
        assertThat(GraphMailer.segment("relay@contoso.com")).isEqualTo("relay@contoso.com");
        assertThat(GraphMailer.segment("AAMk/ab+c=")).isEqualTo("AAMk%2Fab%2Bc%3D");
    }
}
