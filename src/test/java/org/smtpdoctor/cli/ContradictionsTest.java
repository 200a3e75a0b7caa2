package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options that cannot all be meant are a usage error, before anything runs: never one of them silently winning. */
class ContradictionsTest {

    private static void refused(Cli.Run run, String expected) {
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(expected);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void labListsOrRunsNotBoth() {
        refused(Cli.run("lab", "--list", "--scenario", "healthy"), "--list lists the scenarios, --scenario runs one: give one of them");
        refused(Cli.run("lab", "--port", "2526"), "--port is where --scenario listens");
        refused(Cli.run("lab", "--list", "--port", "2526"), "--port is where --scenario listens");
        assertThat(Cli.run("lab", "--list").exit()).isZero();
    }

    @Test
    void checkTakesOneCredential() {
        refused(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--access-token-env", "X", "--password-env", "Y"),
                "give one credential: a password (--password-env, --password-file) or a token");
        refused(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-env", "Y", "--tenant", "t", "--client-id", "c"),
                "give one credential");
        refused(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-env", "Y", "--auth-mechanism", "XOAUTH2"),
                "--auth-mechanism XOAUTH2 sends a token, not a password");
        refused(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--access-token-env", "X", "--auth-mechanism", "LOGIN"),
                "--auth-mechanism LOGIN sends a password; a token needs XOAUTH2");
    }

    @Test
    void noAuthTakesNoCredentials() {
        refused(Cli.run("check", "--host", "127.0.0.1", "--no-auth", "--user", "x"), "--no-auth skips AUTH, so --user has nothing to do");
        refused(Cli.run("check", "--host", "127.0.0.1", "--no-auth", "--password-env", "X"), "--no-auth skips AUTH, so --password-env");
        refused(Cli.run("check", "--lab", "healthy", "--no-auth", "--access-token-env", "X", "--auth-mechanism", "XOAUTH2"),
                "--no-auth skips AUTH, so --access-token-env, --auth-mechanism have nothing to do");
        refused(Cli.run("check", "--host", "127.0.0.1", "--no-auth", "--allow-plaintext-auth"), "--allow-plaintext-auth");
    }

    @Test
    void sendNeedsARecipientAndDeviceTlsNeedsTls() {
        refused(Cli.run("check", "--host", "127.0.0.1", "--no-auth", "--from", "a@b.c", "--send"), "--send needs --to");
        refused(Cli.run("check", "--host", "127.0.0.1", "--no-auth", "--security", "none", "--device-tls", "1.0"),
                "--device-tls says which TLS to speak, --security none says to speak none");
    }

    @Test
    void tokenOptionsGoTogether(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("tokens.json");
        refused(Cli.run("token", "--tenant", "t", "--client-id", "c", "--client-secret-env", "X", "--no-token-cache",
                "--token-cache", cache.toString()), "--no-token-cache keeps no cache, --token-cache says where to keep it");
        refused(Cli.run("token", "--tenant", "t", "--client-id", "c", "--client-secret-env", "X", "--client-cert-password-env", "P"),
                "--client-cert-password-env is the password of --client-cert, which is not given");
        Path pem = Files.writeString(dir.resolve("app.pem"), "x");
        refused(Cli.run("token", "--tenant", "t", "--client-id", "c", "--client-cert", pem.toString(), "--client-cert-password-env", "P",
                "--client-cert-password-file", pem.toString()), "give the certificate's password one way");
        refused(Cli.run("check", "--host", "127.0.0.1", "--user", "a@b.c", "--password-env", "HOME", "--authority",
                "https://login.microsoftonline.us"), "--authority only goes with getting a token: --tenant and --client-id");
        refused(Cli.run("token", "--access-token-env", "X", "--no-token-cache"), "--no-token-cache only goes with getting a token");
    }
}
