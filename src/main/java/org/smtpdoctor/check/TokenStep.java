package org.smtpdoctor.check;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.oauth.AccessToken;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.oauth.Authority;
import org.smtpdoctor.oauth.TenantDiscovery;
import org.smtpdoctor.oauth.TokenCheck;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.oauth.TokenSource;

/**
 * token: gets the OAuth access token for XOAUTH2 and reads what it says (planned only when
 * a token source is given). Needs {@code s.request.token()} and the user; sets
 * {@code s.accessToken}, registered with the redactor, and {@code s.tokenClaims}. FAIL with
 * the token endpoint's own event or reason, {@code token.malformed}, or the first problem
 * {@link TokenCheck} finds (the others as details); PASS with audience, roles or scopes
 * and expiry.
 */
final class TokenStep implements Step {

    @Override
    public Outcome run(CheckSession s) {
        TokenSource source = s.request.token().orElseThrow();
        long start = System.nanoTime();
        try {
            s.accessToken = source.token();
        } catch (TokenException e) {
            return Outcome.fail(e.getMessage(), tokenEvidence(s, e),
                    e.ticketIds().map(ids -> new String[] {source.describe(), "Entra " + ids}).orElse(new String[] {source.describe()}));
        }
        s.redactor.register(s.accessToken.reveal());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        AccessToken token;
        try {
            token = AccessToken.parse(s.accessToken.reveal());
        } catch (AccessToken.MalformedToken e) {
            return Outcome.fail("the access token cannot be read: " + e.getMessage(), s.event(StepId.TOKEN, "token.malformed"));
        }
        s.tokenClaims = token;
        // Only worldwide Entra tokens: their tenant can be compared with the one the mailbox's domain belongs to.
        Optional<String> mailboxTenant = !token.fromEntraWorldwide() ? Optional.empty()
                : s.request.user().filter(u -> u.indexOf('@') > 0)
                        .flatMap(u -> TenantDiscovery.tenantOf(Authority.MICROSOFT, u.substring(u.indexOf('@') + 1), s.request.timeout()));
        List<TokenCheck.Problem> problems = TokenCheck.problems(token, s.request.user(), mailboxTenant, Clock.systemUTC());
        String summary = (token.appOnly() ? "app-only" : "delegated") + " token for " + token.audience().orElse("?")
                + token.cloud().filter(c -> c != MicrosoftCloud.GLOBAL).map(c -> " (" + c.title() + ")").orElse("")
                + (token.appOnly() ? ", roles " + String.join(" ", token.roles()) : ", scopes " + String.join(" ", token.scopes()))
                + token.expires().map(e -> ", expires " + e).orElse("");
        if (!problems.isEmpty()) {
            TokenCheck.Problem first = problems.get(0);
            return Outcome.fail(first.detail(), s.event(StepId.TOKEN, first.event()),
                    problems.stream().skip(1).map(TokenCheck.Problem::detail).toArray(String[]::new));
        }
        return Outcome.pass(summary, source.describe() + (tookMs > 5 ? " (" + tookMs + " ms)" : ""));
    }

    /** What a failed token request tells the knowledge base: the endpoint's own words, or what kept it from answering. */
    private static Evidence tokenEvidence(CheckSession s, TokenException e) {
        return e.event().map(event -> s.event(StepId.TOKEN, event)).orElseGet(() -> Evidence.raw(e.reason(), Vendor.MICROSOFT));
    }
}
