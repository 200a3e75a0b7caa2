package org.smtpdoctor.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Confidence;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.graph.TenantCheck;
import org.smtpdoctor.graph.TenantReport;

/**
 * {@code check --tenant-diagnostics}: what Microsoft Graph says (graph.TenantChecks) folded into a
 * finished check. A {@code tenant} finding is added after the wire's steps. When the check
 * failed at AUTH (or getting its token) and the user's latest SMTP sign-in failed, the sign-in
 * log's diagnosis takes the AUTH step's place: it is Entra's own decision on the attempt (high
 * confidence), so Exchange's catch-all {@code 535 5.7.3} becomes its cause. Security Defaults or
 * a Conditional Access policy found in the tenant replaces only a reply that does not name its
 * cause with high confidence. What the reply alone said stays in the step's details. Pure.
 */
public final class TenantFold {

    private TenantFold() {
    }

    /** The step's finding when the check did not fail at AUTH: nothing to ask Graph. */
    public static Finding notNeeded(CheckResult result) {
        return new Finding(StepId.TENANT, Status.SKIP, Duration.ZERO, "skipped: " + result.firstFailure()
                .map(f -> "the check failed at " + f.step().id() + ", not at AUTH").orElse("nothing failed"), List.of(), Optional.empty());
    }

    /** Whether the check failed where Graph can tell more: the token or AUTH step. */
    public static boolean wanted(CheckResult result) {
        return result.firstFailure().map(f -> f.step() == StepId.AUTH || f.step() == StepId.TOKEN).orElse(false);
    }

    public static CheckResult fold(CheckResult result, TenantReport tenant, Duration took) {
        List<String> details = new ArrayList<>();
        for (TenantCheck c : tenant.checks()) {
            details.add(c.status() + " " + c.id() + ": " + c.summary());
        }
        Optional<Diagnosis> said = tenant.diagnosis().filter(d -> tenant.verdict() == Status.FAIL);
        Finding step = new Finding(StepId.TENANT, said.isPresent() ? Status.FAIL : tenant.verdict() == Status.WARN ? Status.WARN
                : Status.PASS, took, said.map(d -> "Microsoft Graph: " + d.title() + " [" + d.cause().id() + "]")
                .orElse("Microsoft Graph names no block" + signIn(tenant).map(c -> ": " + c.summary()).orElse("")),
                details, tenant.diagnosis());
        // The sign-in log is Entra's own decision on the attempt: it names the cause whatever the reply
        // said. Security Defaults and Conditional Access found in the policies replace only a weak one.
        boolean signInDecides = signIn(tenant).map(c -> c.status() == Status.FAIL && c.diagnosis().isPresent()).orElse(false);
        List<Finding> findings = new ArrayList<>();
        for (Finding f : result.findings()) {
            boolean weak = f.diagnosis().map(d -> d.cause() == Cause.UNKNOWN || d.confidence() != Confidence.HIGH).orElse(true);
            boolean replace = said.isPresent() && (f.step() == StepId.AUTH || f.step() == StepId.TOKEN) && f.status() == Status.FAIL
                    && (weak || signInDecides && said.get().ruleId().startsWith("signin."));
            if (replace) {
                List<String> more = new ArrayList<>(f.details());
                f.diagnosis().ifPresent(d -> more.add("the reply alone said: " + d.cause().id() + " (" + d.confidence().id()
                        + " confidence, rule " + d.ruleId() + ")"));
                more.add("decided by Microsoft Graph (tenant step): " + said.get().matchedText());
                findings.add(new Finding(f.step(), f.status(), f.duration(), f.summary(), more, said));
            } else {
                findings.add(f);
            }
        }
        findings.add(step);
        return new CheckResult(result.request(), findings, result.probes(), result.transcript());
    }

    private static Optional<TenantCheck> signIn(TenantReport tenant) {
        return tenant.checks().stream().filter(c -> c.id().equals("sign-ins")).findFirst();
    }
}
