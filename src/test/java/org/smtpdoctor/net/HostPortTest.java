package org.smtpdoctor.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void hostsAndPortsAreReadAsPeopleTypeThem() {
        assertThat(HostPort.parse("mail.example.org")).isEqualTo(new HostPort("mail.example.org", OptionalInt.empty()));
        assertThat(HostPort.parse("smtp.office365.com:587")).isEqualTo(new HostPort("smtp.office365.com", OptionalInt.of(587)));
        assertThat(HostPort.parse("127.0.0.1:25")).isEqualTo(new HostPort("127.0.0.1", OptionalInt.of(25)));
        assertThat(HostPort.parse("[::1]:2587")).isEqualTo(new HostPort("::1", OptionalInt.of(2587)));
        assertThat(HostPort.parse("[2001:db8::25]")).isEqualTo(new HostPort("2001:db8::25", OptionalInt.empty()));
        assertThat(HostPort.parse("2001:db8::25")).as("a bare IPv6 address has no port").isEqualTo(new HostPort("2001:db8::25", OptionalInt.empty()));
        assertThat(HostPort.parse("::1")).isEqualTo(new HostPort("::1", OptionalInt.empty()));
    }

    @Test
    void whatIsNotAHostAndPortIsSaid() {
        assertThatThrownBy(() -> HostPort.parse("host:smtp")).hasMessage("'smtp' in 'host:smtp' is not a port (1-65535)");
        assertThatThrownBy(() -> HostPort.parse("host:70000")).hasMessageContaining("is not a port");
        assertThatThrownBy(() -> HostPort.parse("host:")).hasMessageContaining("is not a port");
        assertThatThrownBy(() -> HostPort.parse(":25")).hasMessage("':25' has a port but no host");
        assertThatThrownBy(() -> HostPort.parse("[::1")).hasMessageContaining("is not [IPv6 address]:PORT");
        assertThatThrownBy(() -> HostPort.parse("[::1]25")).hasMessageContaining("is not [IPv6 address]:PORT");
        assertThatThrownBy(() -> HostPort.parse("[host]:25")).hasMessageContaining("is not [IPv6 address]:PORT");
    }

    @Test
    void ipv6IsShownInBracketsWhenAPortFollowsAndInItsShortForm() throws Exception {
        assertThat(HostPort.display("::1", 587)).isEqualTo("[::1]:587");
        assertThat(HostPort.display("mail.example.org", 25)).isEqualTo("mail.example.org:25");
        assertThat(HostPort.display(InetAddress.getByName("::1"), 2587)).isEqualTo("[::1]:2587");
        assertThat(HostPort.display(InetAddress.getByName("192.0.2.10"), 25)).isEqualTo("192.0.2.10:25");
        assertThat(HostPort.literal(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(HostPort.literal(InetAddress.getByName("2001:0db8:0000:0000:0000:ff00:0042:8329"))).isEqualTo("2001:db8::ff00:42:8329");
        assertThat(HostPort.literal(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).as("one zero group stays").isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(HostPort.literal(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(HostPort.literal(InetAddress.getByName("fe80::"))).isEqualTo("fe80::");
    }
}
