package org.smtpdoctor.cli;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.smtpdoctor.io.InputException;
import org.smtpdoctor.io.TextInput;
import org.smtpdoctor.net.HostPort;
import org.smtpdoctor.tls.TlsClient;

/** Checks of option values shared by the commands; each failure is a {@link UsageException}. */
final class Inputs {

    private Inputs() {
    }

    /**
     * A value that goes into an SMTP command (an address, an EHLO name, a host): a control
     * character, CR and LF above all, would end the command early and smuggle another onto
     * the wire (RFC 5321 §2.3.8), so it is refused rather than sent.
     */
    static String noControl(String option, String value) {
        if (value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new UsageException(option + " contains a control character (such as a line break): it would end the SMTP"
                    + " command early and inject another");
        }
        return value;
    }

    /** Which of these options the command line gave, in this order. */
    static List<String> given(java.util.function.Predicate<String> matched, String... names) {
        return java.util.Arrays.stream(names).filter(matched).toList();
    }

    /** HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 address, from the command line. */
    static HostPort hostPort(String text) {
        noControl("the host", text);
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static int port(int port) {
        if (port < 1 || port > 65535) {
            throw new UsageException("port " + port + " is out of range (1-65535)");
        }
        return port;
    }

    static Duration timeout(int seconds, int maxSeconds) {
        if (seconds < 1 || seconds > maxSeconds) {
            throw new UsageException("--timeout must be between 1 and " + maxSeconds + " seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    /** The certificates of a --trust-cert file; none, when no file was given. */
    static List<X509Certificate> certificates(Path file) {
        if (file == null) {
            return List.of();
        }
        byte[] bytes;
        try {
            bytes = TextInput.certificateBytes(file, TextInput.CONFIG_BYTES);
        } catch (InputException e) {
            throw new UsageException("cannot read a certificate from " + e.getMessage());
        }
        try {
            return TlsClient.certificates(bytes);
        } catch (CertificateException e) {
            throw new UsageException("cannot read a certificate from " + file + ": " + e.getMessage());
        }
    }
}
