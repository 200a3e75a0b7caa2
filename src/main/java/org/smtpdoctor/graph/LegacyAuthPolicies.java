package org.smtpdoctor.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which Conditional Access policies can block a user's SMTP AUTH sign-in, read from Graph's
 * conditionalAccessPolicy objects. SMTP AUTH with a password is a legacy-authentication client
 * ({@code clientAppTypes} "other", "Other clients"; "all" covers it too) signing in to Office 365
 * Exchange Online ({@code includeApplications} "All", "Office365" or Exchange's app id). Such a
 * sign-in cannot satisfy MFA, a compliant or joined device or an approved app, so any grant
 * control blocks it as surely as "block" does ("Block legacy authentication with Conditional
 * Access"). Users: "All" or the user's object id decide; groups and roles cannot be resolved
 * without reading memberships, so such a policy only may apply. Location, platform and risk
 * conditions likewise narrow it to "may". Stateless.
 */
public final class LegacyAuthPolicies {

    /** Exchange Online's application id, the resource of an SMTP AUTH sign-in. */
    static final String EXCHANGE = "00000002-0000-0ff1-ce00-000000000000";
    private static final Set<String> LEGACY_CLIENTS = Set.of("other", "all");
    private static final Set<String> EXCHANGE_APPS = Set.of("all", "office365", EXCHANGE);

    /** How surely a policy hits this user's SMTP AUTH. */
    public enum Applies { YES, MAYBE }

    /**
     * One policy that blocks SMTP AUTH.
     *
     * @param reportOnly the policy is in report-only mode: it logs what it would do and blocks nothing
     * @param why        how it matches, in words, and what keeps it from being certain
     */
    public record Blocking(String name, String id, Applies applies, boolean reportOnly, List<String> why) {}

    private LegacyAuthPolicies() {
    }

    /** The policies, not disabled, that block (or may block) this user's SMTP AUTH. */
    public static List<Blocking> blocking(List<JsonNode> policies, Optional<String> userId) {
        List<Blocking> out = new ArrayList<>();
        for (JsonNode p : policies) {
            judge(p, userId).ifPresent(out::add);
        }
        return out;
    }

    static Optional<Blocking> judge(JsonNode p, Optional<String> userId) {
        String state = p.path("state").asText("");
        if (state.equalsIgnoreCase("disabled")) {
            return Optional.empty();
        }
        JsonNode c = p.path("conditions");
        if (!anyOf(c.path("clientAppTypes"), LEGACY_CLIENTS)) {
            return Optional.empty();
        }
        JsonNode apps = c.path("applications");
        if (!anyOf(apps.path("includeApplications"), EXCHANGE_APPS) || anyOf(apps.path("excludeApplications"), EXCHANGE_APPS)) {
            return Optional.empty();
        }
        JsonNode grant = p.path("grantControls");
        if (grant.path("builtInControls").isEmpty() && grant.path("authenticationStrength").isMissingNode()
                && grant.path("termsOfUse").isEmpty()) {
            return Optional.empty(); // session controls only: nothing a legacy sign-in must satisfy
        }
        List<String> why = new ArrayList<>();
        why.add("clients " + list(c.path("clientAppTypes")) + " (SMTP AUTH is 'Other clients'), apps "
                + list(apps.path("includeApplications")) + ", grant " + list(grant.path("builtInControls"))
                + (list(grant.path("builtInControls")).contains("block") ? "" : " (a legacy sign-in cannot satisfy it)"));
        Applies applies = Applies.YES;
        JsonNode users = c.path("users");
        boolean all = anyOf(users.path("includeUsers"), Set.of("all"));
        boolean named = userId.isPresent() && anyOf(users.path("includeUsers"), Set.of(userId.get().toLowerCase(Locale.ROOT)));
        if (userId.isPresent() && anyOf(users.path("excludeUsers"), Set.of(userId.get().toLowerCase(Locale.ROOT)))) {
            return Optional.empty();
        }
        if (!all && !named) {
            if (users.path("includeGroups").isEmpty() && users.path("includeRoles").isEmpty()
                    && users.path("includeGuestsOrExternalUsers").isMissingNode()) {
                return Optional.empty();
            }
            applies = Applies.MAYBE;
            why.add("users by group or role " + list(users.path("includeGroups")) + list(users.path("includeRoles"))
                    + ": whether this user is a member is not read (GroupMember.Read.All)");
        } else {
            why.add(all ? "all users" + excluded(users) : "this user by name");
        }
        if (!users.path("excludeGroups").isEmpty() || !users.path("excludeRoles").isEmpty()) {
            applies = Applies.MAYBE;
            why.add("excludes groups or roles " + list(users.path("excludeGroups")) + list(users.path("excludeRoles"))
                    + ": the user may be among them");
        }
        JsonNode locations = c.path("locations");
        if (locations.isObject() && !anyOf(locations.path("includeLocations"), Set.of("all"))
                || locations.isObject() && !locations.path("excludeLocations").isEmpty()) {
            applies = Applies.MAYBE;
            why.add("only from some locations: included " + list(locations.path("includeLocations")) + ", excluded "
                    + list(locations.path("excludeLocations")));
        }
        if (c.path("platforms").isObject() || !c.path("signInRiskLevels").isEmpty() || !c.path("userRiskLevels").isEmpty()) {
            applies = Applies.MAYBE;
            why.add("also conditioned on device platform or risk");
        }
        boolean reportOnly = state.equalsIgnoreCase("enabledForReportingButNotEnforced");
        return Optional.of(new Blocking(p.path("displayName").asText("(no name)"), p.path("id").asText(""), applies, reportOnly, why));
    }

    private static String excluded(JsonNode users) {
        int n = users.path("excludeUsers").size();
        return n == 0 ? "" : " except " + n + " excluded user(s)";
    }

    private static boolean anyOf(JsonNode array, Set<String> wanted) {
        for (JsonNode v : array) {
            if (wanted.contains(v.asText().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static String list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out.isEmpty() ? "" : out.toString();
    }
}
