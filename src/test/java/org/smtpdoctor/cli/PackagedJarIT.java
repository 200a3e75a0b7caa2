package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.tls.SelfSignedCertificate;

/**
 * The runnable jar as it is shipped (target/smtp-doctor.jar, made by the shade plugin with
 * minimizing): small, without test libraries, and working on the paths that use the libraries
 * the build cuts down (BouncyCastle, Nimbus, Kotlin under Javalin) or compiles itself (picocli).
 * Run by {@code mvn verify} after {@code package} (surefire's packaged-jar execution), not by
 * {@code mvn test}, which has no jar to look at.
 */
class PackagedJarIT {

    private static final Path JAR = Path.of("target/smtp-doctor.jar");
    /** Issue 13: the runnable jar is at most 15 MB. */
    private static final long MAX_BYTES = 15_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void the_jar_is_at_most_15_MB_and_holds_no_test_library() throws Exception {
        assertThat(Files.size(JAR)).isLessThanOrEqualTo(MAX_BYTES);
        List<String> forbidden = List.of("org/junit/", "junit/", "org/opentest4j/", "org/assertj/", "org/awaitility/", "org/hamcrest/",
                "org/openqa/selenium/", "com/code_intelligence/jazzer/", "net/bytebuddy/", "no/nav/security/", "okhttp3/",
                "io/netty/", "kotlin/reflect/jvm/");
        List<String> found = new ArrayList<>();
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            for (String name : Collections.list(zip.entries()).stream().map(e -> e.getName()).toList()) {
                forbidden.stream().filter(name::startsWith).findFirst().ifPresent(f -> found.add(name));
            }
            assertThat(zip.getEntry("org/smtpdoctor/Main.class")).isNotNull();
        }
        assertThat(found).isEmpty();
    }

    @Test
    void picocli_is_compiled_for_java_17_so_that_class_data_sharing_can_archive_it() throws Exception {
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            byte[] head = zip.getInputStream(zip.getEntry("picocli/CommandLine.class")).readNBytes(8);
            assertThat(head[7] & 0xff).as("class file major version").isEqualTo(61);
        }
    }

    @Test
    void the_lab_with_its_entra_runs_from_the_jar_with_a_secret_and_with_a_certificate() throws Exception {
        Run secret = java("check", "--lab", "oauth-healthy", "--json");
        assertThat(secret.exit()).as(secret.err()).isZero();
        assertThat(JSON.readTree(secret.out()).toString()).contains("\"PASS\"");

        SelfSignedCertificate app = SelfSignedCertificate.generate(SelfSignedCertificate.KeyAlgorithm.RSA_2048);
        Path pem = Files.writeString(dir.resolve("app.pem"), app.certificatePem() + "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(app.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Run certificate = java("check", "--lab", "oauth-healthy", "--client-cert", pem.toString(), "--no-color");
        assertThat(certificate.exit()).as(certificate.err()).isZero();
        assertThat(certificate.out()).containsPattern("PASS +token +app-only token").contains("Verdict: PASS");

        Run wrongTenant = java("check", "--lab", "oauth-healthy", "--tenant", "fabrikam.onmicrosoft.com", "--no-color");
        assertThat(wrongTenant.exit()).isNotZero();
        assertThat(wrongTenant.out()).contains("AADSTS90002");
    }

    @Test
    void the_lab_graph_and_the_rules_run_from_the_jar() throws Exception {
        Run tenant = java("tenant", "--lab", "graph-healthy", "--json");
        JsonNode report = JSON.readTree(tenant.out());
        assertThat(report.isObject()).as(tenant.err()).isTrue();
        Run explain = java("explain", "--no-color",
                "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.");
        assertThat(explain.out()).as(explain.err()).contains("tenant_smtp_auth_disabled");
    }

    private record Run(int exit, String out, String err) {}

    private Run java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("smtp-doctor " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
