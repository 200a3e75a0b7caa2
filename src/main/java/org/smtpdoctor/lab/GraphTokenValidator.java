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
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Judges a bearer token sent to the lab's Graph as Microsoft Graph does, against the lab's
 * Entra ({@link LabOAuth}): the RS256 signature by one of its keys, {@code exp}/{@code nbf} (5
 * minutes of skew, as {@link ExchangeTokenValidator}), the issuer, and a Graph audience
 * ({@code https://graph.microsoft.com} or Graph's application id). What the token may do (its
 * {@code roles}) is for {@link LabGraph} to judge per request. The answers are Graph's 401
 * texts. Immutable and thread-safe; the token is never kept, logged or put in an exception.
 */
final class GraphTokenValidator {

    /** A token Graph takes, with the application permissions it carries and the app it is for. */
    record Valid(List<String> roles, String appId, String servicePrincipal) {}

    /** Graph's 401: the code is always InvalidAuthenticationToken, the message says why. */
    record Refused(String message) {}

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;

    GraphTokenValidator(JWKSource<SecurityContext> keys, String issuer, List<String> audiences, Clock clock) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(null);
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
    }

    /** @return a {@link Valid} or a {@link Refused} */
    Object validate(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return new Refused("CompactToken parsing failed with error code: 80049217");
        } catch (BadJOSEException | JOSEException e) {
            return new Refused("Access token validation failure. Invalid signature.");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        if (exp == null || !exp.toInstant().plus(ExchangeTokenValidator.CLOCK_SKEW).isAfter(now)
                || nbf != null && nbf.toInstant().minus(ExchangeTokenValidator.CLOCK_SKEW).isAfter(now)) {
            return new Refused("Lifetime validation failed, the token is expired.");
        }
        if (!issuer.equals(claims.getIssuer())) {
            return new Refused("Access token validation failure. Invalid issuer.");
        }
        if (claims.getAudience().stream().noneMatch(audiences::contains)) {
            return new Refused("Access token validation failure. Invalid audience.");
        }
        List<String> roles;
        try {
            roles = Optional.ofNullable(claims.getStringListClaim("roles")).orElse(List.of());
        } catch (ParseException e) {
            roles = List.of();
        }
        return new Valid(List.copyOf(roles), String.valueOf(claims.getClaim("appid")), String.valueOf(claims.getClaim("oid")));
    }
}
