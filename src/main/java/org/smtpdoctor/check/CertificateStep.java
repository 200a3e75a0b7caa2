package org.smtpdoctor.check;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.smtpdoctor.tls.CertificateVerdict;
import org.smtpdoctor.tls.HostnameMatcher;
import org.smtpdoctor.tls.TlsSessionInfo;

/**
 * certificate: our judgement of the chain the server presented in the TLS step. Needs
 * {@code s.tls} and {@code s.host}. SKIP without TLS; FAIL {@code cert.expired},
 * {@code cert.not-yet-valid}, {@code cert.hostname} or {@code cert.untrusted}; WARN
 * {@code cert.expiring} within two weeks; PASS with the names and days left. The chain,
 * one certificate a line, is the details in every case.
 */
final class CertificateStep implements Step {

    private static final int CERT_EXPIRY_WARN_DAYS = 14;

    @Override
    public Outcome run(CheckSession s) {
        if (s.tls.isEmpty()) {
            return Outcome.skip("no TLS session, no certificate");
        }
        TlsSessionInfo info = s.tls.get();
        CertificateVerdict verdict = info.verdict();
        List<String> details = new ArrayList<>();
        for (X509Certificate c : info.peerChain()) {
            details.add(c.getSubjectX500Principal().getName() + " (issuer " + c.getIssuerX500Principal().getName()
                    + ", until " + c.getNotAfter().toInstant() + ")");
        }
        String[] d = details.toArray(new String[0]);
        return switch (verdict.kind()) {
            case TRUSTED -> {
                X509Certificate leaf = info.peerChain().get(0);
                long days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
                String names = String.join(", ", HostnameMatcher.dnsNames(leaf).stream().limit(3).toList());
                if (days < CERT_EXPIRY_WARN_DAYS) {
                    yield Outcome.warn("trusted, but expires in " + days + " days", s.event(StepId.CERTIFICATE, "cert.expiring"), d);
                }
                yield Outcome.pass("trusted for " + s.host + (names.isEmpty() ? "" : " (" + names + ")")
                        + ", expires in " + days + " days", d);
            }
            case EXPIRED -> Outcome.fail("certificate " + verdict.detail(), s.event(StepId.CERTIFICATE, "cert.expired"), d);
            case NOT_YET_VALID -> Outcome.fail("certificate " + verdict.detail(), s.event(StepId.CERTIFICATE, "cert.not-yet-valid"), d);
            case HOSTNAME_MISMATCH -> Outcome.fail(verdict.detail(), s.event(StepId.CERTIFICATE, "cert.hostname"), d);
            case UNTRUSTED -> Outcome.fail("certificate " + verdict.detail(), s.event(StepId.CERTIFICATE, "cert.untrusted"), d);
            case NO_CERTIFICATE -> Outcome.fail(verdict.detail(), s.event(StepId.CERTIFICATE, "cert.untrusted"), d);
        };
    }
}
