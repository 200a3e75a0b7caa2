package org.smtpdoctor.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.smtpdoctor.smtp.Secret;

/**
 * An access token from a Microsoft Entra authority, reused while it lasts: app-only by
 * client credentials when a credential is given, otherwise delegated by the device code
 * flow, whose refresh token is used on later runs so that the user signs in once. With a
 * cache, tokens survive between runs. Thread-safe: concurrent callers share one
 * acquisition.
 */
public final class EntraTokenSource implements TokenSource {

    /** A token with less life left than this is renewed first (a slow SMTP session must not outlive it). */
    static final Duration MARGIN = Duration.ofMinutes(5);

    private final TokenClient client;
    private final Optional<ClientCredential> credential;
    private final Optional<TokenCache> cache;
    private final TokenClient.DeviceCodeListener listener;
    private final Clock clock;
    private final String scope;
    private TokenResult current;

    /**
     * @param credential the app's secret or certificate (app-only); empty for the delegated device code flow
     * @param listener   shows the device code and the wait to the user
     */
    public EntraTokenSource(TokenClient client, Optional<ClientCredential> credential, Optional<TokenCache> cache,
                            TokenClient.DeviceCodeListener listener, Clock clock) {
        this(client, credential, cache, listener, clock, MicrosoftCloud.GLOBAL);
    }

    /** @param cloud whose Exchange Online the token is for (its scope) */
    public EntraTokenSource(TokenClient client, Optional<ClientCredential> credential, Optional<TokenCache> cache,
                            TokenClient.DeviceCodeListener listener, Clock clock, MicrosoftCloud cloud) {
        this.client = client;
        this.credential = credential;
        this.cache = cache;
        this.listener = listener;
        this.clock = clock;
        this.scope = credential.isPresent() ? cloud.appOnlyScope() : cloud.delegatedScope();
    }

    /**
     * An app-only source for another resource's {@code .default} scope (Microsoft Graph:
     * {@link MicrosoftCloud#graphScope()}); no device code flow, so no listener.
     */
    public static EntraTokenSource appOnly(TokenClient client, ClientCredential credential, Optional<TokenCache> cache,
                                           Clock clock, String scope) {
        return new EntraTokenSource(client, Optional.of(credential), cache, (code, left) -> { }, clock, scope);
    }

    /**
     * A source for any resource: app-only with {@code appScope} when a credential is given,
     * otherwise delegated (device code) with {@code delegatedScope} (Graph reads: its permissions'
     * scopes and {@code offline_access}).
     */
    public static EntraTokenSource forScopes(TokenClient client, Optional<ClientCredential> credential, Optional<TokenCache> cache,
                                             TokenClient.DeviceCodeListener listener, Clock clock, String appScope,
                                             String delegatedScope) {
        return new EntraTokenSource(client, credential, cache, listener, clock, credential.isPresent() ? appScope : delegatedScope);
    }

    private EntraTokenSource(TokenClient client, Optional<ClientCredential> credential, Optional<TokenCache> cache,
                             TokenClient.DeviceCodeListener listener, Clock clock, String scope) {
        this.client = client;
        this.credential = credential;
        this.cache = cache;
        this.listener = listener;
        this.clock = clock;
        this.scope = scope;
    }

    @Override
    public synchronized Secret token() throws TokenException {
        if (fresh(current)) {
            return current.accessToken();
        }
        String key = TokenCache.key(client.authority(), client.clientId(), scope);
        Optional<TokenCache.Entry> cached = cache.isPresent() ? cache.get().get(key) : Optional.empty();
        if (cached.isPresent() && cached.get().accessToken().isPresent()) {
            TokenCache.Entry e = cached.get();
            TokenResult r = new TokenResult(e.accessToken().get(), e.expiresAt(), e.refreshToken());
            if (fresh(r)) {
                current = r;
                return r.accessToken();
            }
        }
        current = acquire(cached.flatMap(TokenCache.Entry::refreshToken), key);
        if (cache.isPresent()) {
            cache.get().put(key, current);
        }
        return current.accessToken();
    }

    private TokenResult acquire(Optional<Secret> refreshToken, String key) throws TokenException {
        if (credential.isPresent()) {
            return client.clientCredentials(credential.get(), scope);
        }
        Optional<Secret> refresh = refreshToken.or(() -> Optional.ofNullable(current).flatMap(TokenResult::refreshToken));
        if (refresh.isPresent()) {
            try {
                TokenResult r = client.refresh(refresh.get(), scope);
                // Entra may not return a new refresh token; the old one stays valid then.
                return r.refreshToken().isPresent() ? r : new TokenResult(r.accessToken(), r.expiresAt(), refresh);
            } catch (TokenException e) {
                if (e.kind() != TokenException.Kind.REFUSED) {
                    throw e;
                }
                // Expired or revoked (invalid_grant): forget it and sign in again.
                if (cache.isPresent()) {
                    cache.get().remove(key);
                }
            }
        }
        TokenClient.DeviceCode code = client.startDeviceCode(scope);
        return client.awaitDeviceCode(code, listener, clock);
    }

    private boolean fresh(TokenResult r) {
        return r != null && r.expiresAt().isAfter(Instant.now(clock).plus(MARGIN));
    }

    @Override
    public String describe() {
        return (credential.isPresent() ? "app-only token (client credentials, " + credential.get().describe() + ")"
                : "delegated token (device code sign-in)") + " from " + client.authority() + " for app " + client.clientId()
                + ", scope " + scope;
    }
}
