package org.smtpdoctor.graph;

import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.smtp.Secret;

/** Where Graph calls get their access token: the current one, or a fresh one after Graph said 401. Thread-safe. */
public interface Bearer {

    Secret token() throws TokenException;

    /** Forgets the current token and gets a new one. */
    Secret renew() throws TokenException;
}
