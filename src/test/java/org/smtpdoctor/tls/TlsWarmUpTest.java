package org.smtpdoctor.tls;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The head start a one-shot check gives its first handshake must itself work (it fails silently in the background). */
class TlsWarmUpTest {

    @Test
    void the_warm_up_makes_a_client_context_without_network_or_trust_store() {
        assertThatCode(TlsClient::warmUp).doesNotThrowAnyException();
    }
}
