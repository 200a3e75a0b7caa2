package org.smtpdoctor.graph;

import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.smtp.Secret;

/** Where Graph calls get their access token: the current one, or a fresh one after Graph said 401. Thread-safe. */
public interface Bearer {

    Secret token() throws TokenException;

    /** Forgets the current token and gets a new one. */
    Secret renew() throws TokenException;

    /** A source that renews by itself (a read-only command's): renewing asks it again. */
    static Bearer of(org.smtpdoctor.oauth.TokenSource source) {
        return new Bearer() {
            @Override
            public Secret token() throws TokenException {
                return source.token();
            }

            @Override
            public Secret renew() throws TokenException {
                return source.token();
            }
        };
    }
}
