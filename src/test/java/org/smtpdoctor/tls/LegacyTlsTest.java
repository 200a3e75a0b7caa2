package org.smtpdoctor.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** Re-enabling TLS 1.0/1.1 for those who ask must not lower the default of every other client. */
class LegacyTlsTest {

    /** Run in a fresh JVM: the JDK reads both properties once, at its first TLS use. */
    public static void main(String[] args) throws Exception {
        LegacyTls.allow();
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        System.out.println("default=" + String.join(",", SSLContext.getDefault().getDefaultSSLParameters().getProtocols()));
        System.out.println("supported=" + String.join(",", tls.getSupportedSSLParameters().getProtocols()));
    }

    @Test
    void defaultClientsStayOnTls12AndUpWhileLegacyCanStillBeAskedFor() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LegacyTlsTest.class.getName()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).contains("default=TLSv1.3,TLSv1.2");
        assertThat(lines.stream().filter(l -> l.startsWith("supported=")).findFirst().orElseThrow()).contains("TLSv1.1", "TLSv1");
    }
}
