package org.smtpdoctor.tls;

/** What we concluded about the server's certificate chain. Immutable. */
public record CertificateVerdict(Kind kind, String detail) {

    public enum Kind { TRUSTED, UNTRUSTED, EXPIRED, NOT_YET_VALID, HOSTNAME_MISMATCH, NO_CERTIFICATE }

    public boolean trusted() {
        return kind == Kind.TRUSTED;
    }
}
