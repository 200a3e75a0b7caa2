package org.smtpdoctor.oauth;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is wrong with an access token for SMTP AUTH XOAUTH2 to Exchange Online, as named
 * events for the knowledge base ({@code token.*} in rules/events.yaml): wrong audience,
 * expired or not yet valid, the SMTP permission missing, a user= that is not the token's.
 * Stateless.
 */
public final class TokenCheck {

    private TokenCheck() {
    }

    /** A problem: the event name for the rules, and the facts in words. */
    public record Problem(String event, String detail) {}

    public static List<Problem> problems(AccessToken t, Optional<String> user, Clock clock) {
        return problems(t, user, Optional.empty(), clock);
    }

    /** @param mailboxTenant the tenant id of the mailbox's domain, when it could be looked up */
    public static List<Problem> problems(AccessToken t, Optional<String> user, Optional<String> mailboxTenant, Clock clock) {
        List<Problem> out = new ArrayList<>();
        Instant now = clock.instant();
        if (!t.forExchange()) {
            out.add(new Problem("token.wrong-audience", "audience is " + t.audience().orElse("(none)")
                    + ", not Exchange Online (https://outlook.office365.com; in GCC High https://outlook.office365.us,"
                    + " in DoD https://outlook-dod.office365.us, in 21Vianet https://partner.outlook.cn)"));
        }
        t.expires().filter(e -> !e.isAfter(now)).ifPresent(e -> out.add(new Problem("token.expired", "expired at " + e)));
        t.notBefore().filter(n -> n.isAfter(now)).ifPresent(n -> out.add(new Problem("token.expired", "not valid before " + n)));
        if (t.appOnly() && !t.roles().contains("SMTP.SendAsApp")) {
            out.add(new Problem("token.missing-permission", "app-only token without the SMTP.SendAsApp role (roles: "
                    + (t.roles().isEmpty() ? "none" : String.join(" ", t.roles())) + ")"));
        } else if (!t.appOnly() && t.scopes().stream().noneMatch(s -> s.equals("SMTP.Send") || s.endsWith("/SMTP.Send"))) {
            out.add(new Problem("token.missing-permission", "delegated token without the SMTP.Send scope (scp: "
                    + (t.scopes().isEmpty() ? "none" : String.join(" ", t.scopes())) + ")"));
        }
        if (mailboxTenant.isPresent() && t.tenant().isPresent() && !t.tenant().get().equalsIgnoreCase(mailboxTenant.get())) {
            out.add(new Problem("token.tenant-mismatch", "the token is from tenant " + t.tenant().get() + ", but "
                    + user.map(u -> u.substring(u.indexOf('@') + 1)).orElse("the mailbox's domain") + " belongs to tenant "
                    + mailboxTenant.get()));
        }
        if (!t.appOnly() && user.isPresent() && t.user().isPresent() && !t.user().get().equalsIgnoreCase(user.get())) {
            out.add(new Problem("token.user-mismatch", "the token is for " + t.user().get() + ", user= is " + user.get()));
        }
        return out;
    }
}
