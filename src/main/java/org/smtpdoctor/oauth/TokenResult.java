package org.smtpdoctor.oauth;

import java.time.Instant;
import java.util.Optional;
import org.smtpdoctor.smtp.Secret;

/** A token the endpoint issued: the access token, when it expires, and a refresh token if any. */
public record TokenResult(Secret accessToken, Instant expiresAt, Optional<Secret> refreshToken) {
}
