package org.smtpdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.graph.TenantCheck;
import org.smtpdoctor.graph.TenantReport;
import org.smtpdoctor.smtp.Reply;

/** Folding Graph's answer into a check: Exchange's catch-all 535 5.7.3 gets Entra's reason with high confidence. */
class TenantFoldTest {

    private static final KnowledgeBase KB = KnowledgeBase.bundled();

    static CheckResult authFailedWith(Reply reply) {
        Diagnosis d = KB.diagnose(Evidence.reply("auth", reply, Vendor.MICROSOFT, Map.of()));
        return new CheckResult(null, List.of(
                new Finding(StepId.BANNER, Status.PASS, Duration.ZERO, "220", List.of(), Optional.empty()),
                new Finding(StepId.AUTH, Status.FAIL, Duration.ZERO, "authentication failed: " + reply.oneLine(), List.of(),
                        Optional.of(d))), List.of());
    }

    static TenantReport signInFailed(String line) {
        Diagnosis d = KB.diagnose(new Evidence("signin", Optional.empty(), Optional.empty(), Optional.of(line), false,
                Vendor.MICROSOFT, Map.of("user", "scanner@contoso.com")));
        TenantCheck signIns = new TenantCheck("sign-ins", Status.FAIL, "the latest SMTP sign-in failed", List.of(),
                Optional.of("AuditLog.Read.All"), Optional.of(d));
        return new TenantReport("contoso.onmicrosoft.com", Optional.of("scanner@contoso.com"), "https://graph.microsoft.com",
                List.of(signIns), Status.FAIL, Optional.of(d));
    }

    @Test
    void exchangesCatchAll535_5_7_3BecomesTheSignInLogsCauseWithHighConfidence() {
        CheckResult before = authFailedWith(Reply.of(535, "5.7.3 Authentication unsuccessful [DB8P191CA0042.EURP191.PROD.OUTLOOK.COM]"));
        assertThat(before.cause().orElseThrow().id()).isEqualTo("unknown");
        CheckResult after = TenantFold.fold(before, signInFailed(
                "Sign-in error code: 53003. Failure reason: Access has been blocked by Conditional Access policies. (client app:"
                        + " Authenticated SMTP; Conditional Access: Block legacy authentication (failure))"), Duration.ofMillis(5));
        assertThat(after.cause().orElseThrow().id()).isEqualTo("conditional_access_block");
        assertThat(after.diagnosis().orElseThrow().confidence().id()).isEqualTo("high");
        Finding auth = after.findings().get(1);
        assertThat(auth.details()).anySatisfy(l -> assertThat(l).contains("the reply alone said: unknown"));
        assertThat(after.findings().get(after.findings().size() - 1).step()).isEqualTo(StepId.TENANT);
    }

    @Test
    void aTenantThatNamesNoBlockLeavesTheReplysDiagnosis() {
        CheckResult before = authFailedWith(Reply.of(535, "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."));
        TenantReport quiet = new TenantReport("t", Optional.of("u@contoso.com"), "g", List.of(new TenantCheck("sign-ins", Status.PASS,
                "succeeded", List.of(), Optional.empty(), Optional.empty())), Status.PASS, Optional.empty());
        CheckResult after = TenantFold.fold(before, quiet, Duration.ZERO);
        assertThat(after.cause().orElseThrow().id()).isEqualTo("tenant_smtp_auth_disabled");
        assertThat(after.findings().get(2).status()).isEqualTo(Status.PASS);
    }
}
