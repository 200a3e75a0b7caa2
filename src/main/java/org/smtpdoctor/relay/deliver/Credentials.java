package org.smtpdoctor.relay.deliver;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.oauth.TokenSource;
import org.smtpdoctor.smtp.Secret;

/** How the relay authenticates to an upstream. Secrets stay in {@link Secret}s; {@code toString} never shows them. */
public sealed interface Credentials {

    /** No AUTH (a smarthost that trusts the relay's address, or an MX). */
    record None() implements Credentials {}

    /** AUTH PLAIN (or LOGIN when PLAIN is not offered) with a user name and password. */
    record Password(String user, Secret password) implements Credentials {
        public Password {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }
    }

    /**
     * AUTH XOAUTH2 as {@code mailbox} with a token from a {@link TokenSource}. The source caches
     * and renews the token itself; {@link #renew} replaces it by a fresh one from the factory, for
     * when the server refuses a token the source still believes in (revoked, or permissions
     * changed since it was issued). Thread-safe.
     */
    final class OAuth implements Credentials {
        private final String mailbox;
        private final Supplier<TokenSource> factory;
        private final AtomicReference<TokenSource> current;

        public OAuth(String mailbox, Supplier<TokenSource> factory) {
            this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
            this.factory = factory;
            this.current = new AtomicReference<>(factory.get());
        }

        public String mailbox() {
            return mailbox;
        }

        public Secret token() throws TokenException {
            return current.get().token();
        }

        /** Forgets the current token and gets a new one. */
        public Secret renew() throws TokenException {
            TokenSource fresh = factory.get();
            current.set(fresh);
            return fresh.token();
        }

        public String describe() {
            return current.get().describe();
        }

        @Override
        public String toString() {
            return "OAuth[" + mailbox + "]";
        }
    }
}
