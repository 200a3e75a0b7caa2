package org.smtpdoctor.cli;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.smtpdoctor.check.CheckListener;
import org.smtpdoctor.check.CheckRequest;
import org.smtpdoctor.check.CheckResult;
import org.smtpdoctor.check.TenantFold;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.graph.Bearer;
import org.smtpdoctor.graph.GraphEndpoint;
import org.smtpdoctor.graph.GraphHttp;
import org.smtpdoctor.graph.TenantChecks;
import org.smtpdoctor.graph.TenantReader;
import org.smtpdoctor.graph.TenantReport;
import org.smtpdoctor.lab.LabServer;
import org.smtpdoctor.oauth.Authority;
import org.smtpdoctor.oauth.CertificateFile;
import org.smtpdoctor.oauth.ClientCredential;
import org.smtpdoctor.oauth.EntraTokenSource;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.oauth.TokenClient;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.oauth.TokenSource;
import org.smtpdoctor.smtp.Redactor;

/**
 * {@code check --tenant-diagnostics}: the Graph reader (the lab's, or the {@code --graph-*} app)
 * and the fold of its answer into the check (check.TenantFold). Wiring only.
 */
final class TenantDiagnostics {

    /** Where to read, as whom, for which tenant, user and app. */
    record Reader(TenantReader reader, String tenant, Optional<String> user, Optional<String> appId) {}

    private TenantDiagnostics() {
    }

    static Reader reader(CheckCommand c, LabServer lab, CheckRequest request) {
        Duration timeout = request.timeout();
        GraphHttp http = new GraphHttp(timeout, timeout, java.util.List.of(), new Redactor());
        if (lab != null) {
            var entra = lab.entra().orElseThrow();
            TokenSource source = OAuthOptions.labSource(entra, timeout, MicrosoftCloud.GLOBAL.graphScope());
            return new Reader(new TenantReader(http, GraphEndpoint.of(lab.graph().orElseThrow().url()), Bearer.of(source)),
                    entra.tenant(), request.user(), c.oauth.requested() || lab.scenario().oauth()
                            ? Optional.of(entra.clientId()) : Optional.empty());
        }
        String clientId = c.graphClientId != null ? c.graphClientId : c.oauth.clientId;
        if (clientId == null) {
            throw new UsageException("--tenant-diagnostics reads Microsoft Graph with an app that has Policy.Read.All and"
                    + " AuditLog.Read.All: give --graph-client-id ID with --graph-client-secret-env VAR, --graph-client-secret-file"
                    + " FILE or --graph-client-cert FILE (or try it with --lab NAME)");
        }
        String tenant = c.oauth.tenant != null ? c.oauth.tenant
                : request.user().filter(u -> u.contains("@")).map(u -> u.substring(u.indexOf('@') + 1)).orElseThrow(() ->
                        new UsageException("--tenant-diagnostics needs the tenant: --tenant T (or --user with the mailbox's domain)"));
        MicrosoftCloud cloud = c.oauth.cloud(MicrosoftCloud.GLOBAL);
        ClientCredential credential;
        if (c.graphCert != null) {
            try {
                credential = CertificateFile.load(c.graphCert, Optional.empty());
            } catch (TokenException e) {
                throw new UsageException("--graph-client-cert: " + e.getMessage());
            }
        } else {
            credential = Secrets.fromEnv(c.graphSecretEnv, "Graph client secret").or(() -> Secrets.fromFile(c.graphSecretFile,
                    "Graph client secret")).map(ClientCredential.ClientSecret::new).orElseThrow(() -> new UsageException(
                    "--tenant-diagnostics: give the reading app's credential: --graph-client-secret-env VAR,"
                            + " --graph-client-secret-file FILE or --graph-client-cert FILE"));
        }
        Authority authority;
        GraphEndpoint graph;
        try {
            authority = new Authority(c.oauth.authority != null ? URI.create(c.oauth.authority) : cloud.authority(), tenant);
            graph = GraphEndpoint.of(c.graphUrl != null ? c.graphUrl : cloud.graph().toString());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tenant-diagnostics: " + e.getMessage());
        }
        TokenSource source = EntraTokenSource.appOnly(new TokenClient(authority, clientId, timeout), credential, Optional.empty(),
                Clock.systemUTC(), cloud.graphScope());
        return new Reader(new TenantReader(http, graph, Bearer.of(source)), tenant, request.user(),
                c.oauth.requested() ? Optional.ofNullable(c.oauth.clientId) : Optional.empty());
    }

    /** Folds Graph's answer in after an AUTH or token failure; otherwise adds a skipped tenant step. */
    static CheckResult fold(CheckResult result, Reader r, CheckListener listener) {
        CheckResult folded;
        if (!TenantFold.wanted(result)) {
            var findings = new java.util.ArrayList<>(result.findings());
            findings.add(TenantFold.notNeeded(result));
            folded = new CheckResult(result.request(), findings, result.transcript());
        } else {
            long start = System.nanoTime();
            TenantReport report = new TenantChecks(r.reader(), KnowledgeBase.bundled(), Clock.systemUTC())
                    .run(r.tenant(), r.user(), r.appId(), 1);
            folded = TenantFold.fold(result, report, Duration.ofNanos(System.nanoTime() - start));
        }
        if (listener != null) {
            listener.finished(folded.findings().get(folded.findings().size() - 1));
        }
        return folded;
    }
}
