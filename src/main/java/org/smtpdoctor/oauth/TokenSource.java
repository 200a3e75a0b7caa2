package org.smtpdoctor.oauth;

import org.smtpdoctor.smtp.Secret;

/** Where an access token comes from: given by the user, or got from an authority when needed. */
public interface TokenSource {

    /** The token, acquiring or refreshing it first when needed. */
    Secret token() throws TokenException;

    /** One line with nothing secret in it: where the token comes from. */
    String describe();

    /** A token obtained elsewhere (--access-token-env). */
    static TokenSource of(Secret token, String from) {
        return new TokenSource() {
            @Override
            public Secret token() {
                return token;
            }

            @Override
            public String describe() {
                return from;
            }
        };
    }
}
