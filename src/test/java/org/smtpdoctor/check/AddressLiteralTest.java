package org.smtpdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressLiteralTest {

    @Test
    void ehloNamesThisSideByAnAddressLiteralOfRfc5321() throws Exception {
        assertThat(StepSupport.addressLiteral(InetAddress.getByName("192.0.2.10"))).isEqualTo("[192.0.2.10]");
        // RFC 5321 section 4.1.3: IPv6-address-literal = "IPv6:" IPv6-addr; the short form of RFC 5952.
        assertThat(StepSupport.addressLiteral(InetAddress.getByName("::1"))).isEqualTo("[IPv6:::1]");
        assertThat(StepSupport.addressLiteral(InetAddress.getByName("2001:db8:0:0:0:0:0:10"))).isEqualTo("[IPv6:2001:db8::10]");
    }
}
