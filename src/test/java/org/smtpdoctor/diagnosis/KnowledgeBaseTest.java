package org.smtpdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smtpdoctor.smtp.Reply;

class KnowledgeBaseTest {

    private static final KnowledgeBase KB = KnowledgeBase.bundled();

    /** Causes only a Microsoft 365 tenant can have. */
    private static final Set<Cause> MICROSOFT_ONLY = EnumSet.of(Cause.TENANT_SMTP_AUTH_DISABLED,
            Cause.MAILBOX_SMTP_AUTH_DISABLED, Cause.SMTP_AUTH_DISABLED_UNKNOWN_SCOPE, Cause.SECURITY_DEFAULTS_BLOCK,
            Cause.CONDITIONAL_ACCESS_BLOCK, Cause.BASIC_AUTH_RETIRED);
    /** Instructions that only make sense for a Microsoft 365 tenant. */
    private static final List<String> MICROSOFT_REMEDIES = List.of("Set-CASMailbox", "Set-TransportConfig",
            "Add-RecipientPermission", "Microsoft 365 admin center", "Entra", "Exchange admin center");
    private static final Explainer EXPLAINER = new Explainer(KB);

    static Evidence evidenceOf(Rule.Example example, boolean microsoft) {
        Vendor vendor = microsoft ? Vendor.MICROSOFT : Vendor.fromText(example.text());
        String text = example.text();
        if (text.length() >= 4 && Character.isDigit(text.charAt(0)) && (text.charAt(3) == ' ' || text.charAt(3) == '-')) {
            return Evidence.reply(example.phase(), Reply.of(Integer.parseInt(text.substring(0, 3)), text.substring(4)),
                    vendor, Map.of());
        }
        return Evidence.event(example.phase(), text, vendor, Map.of());
    }

    static Stream<Arguments> examples() {
        List<Arguments> out = new ArrayList<>();
        for (Rule rule : KB.rules()) {
            for (Rule.Example example : rule.examples()) {
                out.add(Arguments.of(rule.id(), rule.cause(), "microsoft".equals(rule.vendor()), example));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("examples")
    void everyExampleDecidesToItsRulesCause(String ruleId, String cause, boolean microsoft, Rule.Example example) {
        Rule rule = KB.rules().stream().filter(r -> r.id().equals(ruleId)).findFirst().orElseThrow();
        // Events come from check's own observations; everything else must be understood as pasted text.
        Diagnosis d = rule.match() != null && rule.match().events() != null
                ? KB.diagnose(Evidence.event(example.phase(), example.text(), microsoft ? Vendor.MICROSOFT : Vendor.OTHER, Map.of()))
                : EXPLAINER.explain(example.text());
        assertThat(d.cause().id()).as("rule %s example %s decided by %s", ruleId, example.text(), d.ruleId())
                .isEqualTo(cause);
    }

    @Test
    void aKeyGivenTwiceInARuleFileIsAnError() {
        assertThatThrownBy(() -> KnowledgeBase.rulesMapper().readTree(
                "rules:\n  - id: x\n    match: {client: true, unless: \"a\", text: \"b\", unless: \"c\"}\n"))
                .hasMessageContaining("Duplicate field 'unless'");
    }

    @Test
    void everyCauseHasARule() {
        Set<String> covered = new java.util.HashSet<>();
        KB.rules().forEach(r -> covered.add(r.cause()));
        for (Cause c : Cause.values()) {
            assertThat(covered).as("a rule for %s", c.id()).contains(c.id());
        }
    }

    @Test
    void everyRuleHasAnExampleWithASource() {
        for (Rule rule : KB.rules()) {
            assertThat(rule.examples()).as(rule.id()).isNotEmpty();
            rule.examples().forEach(e -> assertThat(e.source()).as(rule.id()).isNotBlank());
        }
    }

    @Test
    void ruleIdsAreUnique() {
        List<String> ids = KB.rules().stream().map(Rule::id).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("lookAlikes")
    void nonMicrosoftServersNeverGetMicrosoftOnlyCauses(String phase, String text) {
        Reply reply = Reply.of(Integer.parseInt(text.substring(0, 3)), text.substring(4));
        Diagnosis d = KB.diagnose(Evidence.reply(phase, reply, Vendor.fromText(text), Map.of()));
        assertThat(d.cause()).isNotIn(MICROSOFT_ONLY);
        assertThat(MICROSOFT_REMEDIES).noneMatch(String.join(" ", d.remedies())::contains);
        Diagnosis pasted = EXPLAINER.explain(text);
        assertThat(pasted.cause()).isNotIn(MICROSOFT_ONLY);
        assertThat(MICROSOFT_REMEDIES).noneMatch(String.join(" ", pasted.remedies())::contains);
    }

    static Stream<Arguments> lookAlikes() {
        return Stream.of(
                Arguments.of("auth", "535 5.7.8 Error: authentication failed: authentication failure"),
                Arguments.of("auth", "535-5.7.8 Username and Password not accepted. For more information, go to gsmtp"),
                Arguments.of("auth", "535 Incorrect authentication data"),
                Arguments.of("mail-from", "553 5.7.1 <finance@example.org>: Sender address rejected: not owned by user scanner"),
                Arguments.of("mail-from", "530 5.7.0 Authentication Required. Learn more at https://support.google.com/mail/?p=WantAuthError"),
                Arguments.of("rcpt-to", "550 5.7.1 Relaying denied"),
                Arguments.of("auth", "454 4.7.0 Temporary authentication failure"));
    }

    @Test
    void placeholdersAreFilledOrWordedInGeneral() {
        assertThat(KnowledgeBase.fill("Set-CASMailbox -Identity {user} on {host}", Map.of("user", "a@b.c")))
                .isEqualTo("Set-CASMailbox -Identity a@b.c on the server");
        assertThat(KnowledgeBase.fill("Users > {user|the device's account} > Mail", Map.of()))
                .isEqualTo("Users > the device's account > Mail");
        assertThat(KnowledgeBase.fill("Get-CASMailbox -Identity {user|$mailbox|the device's sign-in address}", Map.of()))
                .isEqualTo("Get-CASMailbox -Identity $mailbox ($mailbox: the device's sign-in address)");
        assertThat(KnowledgeBase.fill("Get-CASMailbox -Identity {user|$mailbox|the address}", Map.of("user", "a@b.c")))
                .isEqualTo("Get-CASMailbox -Identity a@b.c");
    }

    @Test
    void noRemedyShowsALiteralPlaceholder() {
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile("<[a-zA-Z][\\w .'()-]*>|\\{[a-z_]+[|}]");
        for (Rule rule : KB.rules()) {
            for (String remedy : rule.remedies() == null ? List.<String>of() : rule.remedies()) {
                String filled = KnowledgeBase.fill(remedy, Map.of());
                assertThat(literal.matcher(filled).find()).as("%s: %s", rule.id(), filled).isFalse();
            }
            for (Rule.Alternative a : rule.candidates() == null ? List.<Rule.Alternative>of() : rule.candidates()) {
                assertThat(literal.matcher(a.why() + " " + (a.decideBy() == null ? "" : a.decideBy())).find())
                        .as("%s candidate %s", rule.id(), a.cause()).isFalse();
            }
        }
    }

    @Test
    void everyCauseSaysWhatDecidesIt() {
        for (Cause c : Cause.values()) {
            if (c != Cause.UNKNOWN) {
                assertThat(KB.decideBy(c, Vendor.OTHER)).as(c.id()).isNotBlank();
                assertThat(KB.decideBy(c, Vendor.MICROSOFT)).as(c.id()).isNotBlank();
            }
        }
    }

    @Test
    void candidatesOfACatchAllAreRankedAndVendorAware() {
        Reply catchAll = Reply.of(535, "5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com]");
        Diagnosis microsoft = KB.diagnose(Evidence.reply("auth", catchAll, Vendor.MICROSOFT, Map.of()));
        assertThat(microsoft.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(microsoft.candidates()).hasSizeLessThanOrEqualTo(Diagnosis.MAX_CANDIDATES)
                .extracting(Candidate::cause).startsWith(Cause.WRONG_CREDENTIALS).contains(Cause.SMTP_AUTH_DISABLED_UNKNOWN_SCOPE);
        Diagnosis other = KB.diagnose(Evidence.reply("auth", Reply.of(535, "5.7.3 Authentication unsuccessful"), Vendor.OTHER,
                Map.of()));
        assertThat(other.candidates()).isNotEmpty().noneMatch(c -> c.cause().microsoftOnly());
    }

    /** A dropped or stalled connection stays unknown, but names the short list of what ends one, by where it ended. */
    @Test
    void aDroppedOrStalledConnectionNamesItsCandidatesByPhase() {
        assertThat(eventCandidates("transport.closed", "ehlo")).containsExactly(Cause.CONFIG_HOST_OR_PORT,
                Cause.PORT_BLOCKED_OR_UNREACHABLE, Cause.IP_BLOCKED_OR_REPUTATION);
        assertThat(eventCandidates("transport.reset", "tls")).startsWith(Cause.TLS_VERSION_TOO_OLD);
        assertThat(eventCandidates("transport.closed", "rcpt-to")).startsWith(Cause.IP_BLOCKED_OR_REPUTATION,
                Cause.THROTTLING_RATE_LIMIT);
        assertThat(eventCandidates("transport.read-timeout", "auth")).startsWith(Cause.PORT_BLOCKED_OR_UNREACHABLE);
        assertThat(eventCandidates("transport.read-timeout", "tls")).startsWith(Cause.SMTP_INSPECTION_INTERFERENCE);
        // None of them passes by itself: no second connection (FollowUps) follows a drop or a stall.
        for (String event : List.of("transport.closed", "transport.read-timeout")) {
            for (String phase : List.of("banner", "ehlo", "tls")) {
                assertThat(eventCandidates(event, phase)).as(event + " at " + phase)
                        .doesNotContain(Cause.SERVICE_UNAVAILABLE_TRANSIENT, Cause.THROTTLING_RATE_LIMIT);
            }
        }
    }

    private static List<Cause> eventCandidates(String event, String phase) {
        Diagnosis d = KB.diagnose(Evidence.event(phase, event, Vendor.OTHER, Map.of()));
        assertThat(d.cause()).as(event + " at " + phase).isIn(Cause.UNKNOWN, Cause.CONFIG_HOST_OR_PORT);
        return d.candidates().stream().map(Candidate::cause).toList();
    }

    @Test
    void anUnknownReplyIsAnHonestUnknown() {
        Diagnosis d = KB.diagnose(Evidence.reply("mail-from", Reply.of(299, "whatever"), Vendor.OTHER, Map.of()));
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(d.explanation()).contains("would decide");
    }

    @Test
    void translatedMicrosoftRepliesAreDecidedByTheirCodes() {
        Reply pt = Reply.of(535, "5.7.3 Falha na autenticação [CP2P152CA0001.LAMP152.PROD.OUTLOOK.COM]");
        Diagnosis d = KB.diagnose(Evidence.reply("auth", pt, Vendor.fromText(pt.text()), Map.of()));
        // Microsoft's catch-all is recognised by its codes and explained, without guessing a cause.
        assertThat(d.ruleId()).isEqualTo("m365.auth.unsuccessful");
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
    }

    /**
     * rules/fallback.yaml: an example that no rule decides is still unknown, but carries the
     * candidates of its catch-all; a Microsoft-only candidate only for Microsoft's evidence.
     */
    @Test
    void anExampleNoRuleKnowsGetsItsFallbacksCandidates() {
        Explainer explainer = new Explainer(KB);
        assertThat(KB.fallbackRules()).isNotEmpty();
        for (Rule rule : KB.fallbackRules()) {
            assertThat(rule.examples()).as(rule.id()).isNotEmpty();
            Rule.Example e = rule.examples().get(0);
            Diagnosis d = e.phase().isEmpty() ? explainer.explain(e.text())
                    : KB.decide(Evidence.reply(e.phase(), Reply.of(Integer.parseInt(e.text().substring(0, 3)),
                            e.text().substring(4)), Vendor.OTHER, Map.of())).diagnosis();
            assertThat(d.cause()).as(rule.id()).isEqualTo(Cause.UNKNOWN);
            assertThat(d.candidates()).as(rule.id()).isNotEmpty();
            assertThat(d.candidates().get(0).cause().id()).as(rule.id()).isEqualTo(rule.candidates().get(0).cause());
        }
        Diagnosis other = explainer.explain("Sending the email to mail.example.org:587 fails");
        assertThat(other.candidates()).noneMatch(c -> c.cause().microsoftOnly());
    }
}
