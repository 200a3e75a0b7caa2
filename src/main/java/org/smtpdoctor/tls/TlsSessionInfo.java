package org.smtpdoctor.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/** Facts of one completed TLS handshake: protocol, cipher, the peer's chain and our verdict on it. */
public record TlsSessionInfo(String protocol, String cipherSuite, List<X509Certificate> peerChain,
                             CertificateVerdict verdict) {
    public TlsSessionInfo {
        peerChain = List.copyOf(peerChain);
    }
}
