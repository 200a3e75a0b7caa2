package org.smtpdoctor.lab;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Judges the bearer token of an AUTH XOAUTH2 as Exchange Online does, against the lab's
 * Entra ({@link LabOAuth}): the RS256 signature by one of its keys, {@code exp}/{@code nbf}
 * (5 minutes of clock skew, the Microsoft identity libraries' default), the issuer, an
 * Exchange Online audience, the permission ({@code roles} SMTP.SendAsApp for app-only
 * tokens, {@code scp} SMTP.Send for delegated ones), then the mailbox in {@code user=}:
 * an app's service principal ({@code oid}) needs FullAccess on it
 * ({@code Add-MailboxPermission}), a delegated token must be the mailbox's own.
 * <p>
 * Source of the rules: MicrosoftDocs/office-developer-exchange-docs,
 * how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth.md (scopes, SMTP.SendAsApp,
 * New-ServicePrincipal, Add-MailboxPermission; see M365-FACTS.md). Exchange answers every
 * refusal with the same {@code 535 5.7.3}; the {@link Refusal} is only for the lab's log and
 * tests. Immutable and thread-safe; the token is never kept, logged or put in an exception.
 */
final class ExchangeTokenValidator {

    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** Why a token was refused; never shown to the client. */
    enum Refusal {
        NOT_A_JWT, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID, WRONG_ISSUER, WRONG_AUDIENCE, NO_SMTP_PERMISSION,
        UNKNOWN_MAILBOX, NOT_THE_MAILBOX_OWNER, NO_MAILBOX_PERMISSION
    }

    sealed interface Verdict permits Valid, Refused {
    }

    /** @param mailbox the mailbox the session may now send as */
    record Valid(String mailbox) implements Verdict {
    }

    record Refused(Refusal reason) implements Verdict {
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String issuer;
    private final String mailbox;
    private final Set<String> fullAccess;
    private final List<String> audiences;
    private final Clock clock;

    /**
     * @param keys the issuer's public keys (its JWK set, or where to fetch it: {@link LabOAuth#keySource()})
     * @param issuer the exact {@code iss} expected
     * @param mailbox the one mailbox of the lab
     * @param fullAccess object ids of the service principals holding FullAccess on it
     * @param audiences what this Exchange Online accepts as {@code aud}: its cloud's resource
     *        URIs and application id ({@link org.smtpdoctor.oauth.MicrosoftCloud#exchangeAudiences})
     */
    ExchangeTokenValidator(JWKSource<SecurityContext> keys, String issuer, String mailbox, Set<String> fullAccess, List<String> audiences, Clock clock) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(null); // the claims are judged below, each with its own Refusal
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
        this.fullAccess = Set.copyOf(fullAccess);
        this.audiences = List.copyOf(audiences);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Verdict validate(String user, String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return new Refused(Refusal.NOT_A_JWT);
        } catch (BadJOSEException | JOSEException e) {
            return new Refused(Refusal.BAD_SIGNATURE);
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        if (exp == null || !exp.toInstant().plus(CLOCK_SKEW).isAfter(now)) {
            return new Refused(Refusal.EXPIRED);
        }
        if (nbf != null && nbf.toInstant().minus(CLOCK_SKEW).isAfter(now)) {
            return new Refused(Refusal.NOT_YET_VALID);
        }
        if (!issuer.equals(claims.getIssuer())) {
            return new Refused(Refusal.WRONG_ISSUER);
        }
        if (claims.getAudience().stream().noneMatch(audiences::contains)) {
            return new Refused(Refusal.WRONG_AUDIENCE);
        }
        Optional<String> scopes = text(claims, "scp");
        boolean delegated = scopes.isPresent();
        boolean permitted = delegated
                ? Arrays.asList(scopes.get().split(" ")).contains("SMTP.Send")
                : list(claims, "roles").contains(LabOAuth.SEND_AS_APP);
        if (!permitted) {
            return new Refused(Refusal.NO_SMTP_PERMISSION);
        }
        if (user == null || !user.equalsIgnoreCase(mailbox)) {
            return new Refused(Refusal.UNKNOWN_MAILBOX);
        }
        if (delegated) {
            Optional<String> owner = text(claims, "upn").or(() -> text(claims, "preferred_username"));
            return owner.filter(mailbox::equalsIgnoreCase).isPresent()
                    ? new Valid(mailbox) : new Refused(Refusal.NOT_THE_MAILBOX_OWNER);
        }
        return text(claims, "oid").filter(fullAccess::contains).isPresent()
                ? new Valid(mailbox) : new Refused(Refusal.NO_MAILBOX_PERMISSION);
    }

    private static Optional<String> text(JWTClaimsSet claims, String name) {
        return Optional.ofNullable(claims.getClaim(name)).map(Object::toString).filter(s -> !s.isBlank());
    }

    private static List<String> list(JWTClaimsSet claims, String name) {
        try {
            List<String> values = claims.getStringListClaim(name);
            return values == null ? List.of() : values;
        } catch (ParseException e) {
            return List.of();
        }
    }
}
