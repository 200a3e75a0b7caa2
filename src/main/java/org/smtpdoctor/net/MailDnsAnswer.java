package org.smtpdoctor.net;

import java.util.Objects;
import java.util.Optional;

/**
 * What a DNS server said to one query, as a value. "The name does not exist" and "the name
 * has no such records" are answers, not errors; only {@link Failed} means we did not learn
 * anything about the name.
 *
 * @param <T> the value of a positive answer
 */
public sealed interface MailDnsAnswer<T>
        permits MailDnsAnswer.Found, MailDnsAnswer.NxDomain, MailDnsAnswer.NoData, MailDnsAnswer.Failed {

    /** The records exist; {@code value} is never empty when it is a collection. */
    record Found<T>(T value) implements MailDnsAnswer<T> {
        public Found {
            Objects.requireNonNull(value, "value");
        }
    }

    /** RCODE NXDOMAIN (RFC 1035 section 4.1.1, name error): the name does not exist at all. */
    record NxDomain<T>(String name) implements MailDnsAnswer<T> {
    }

    /** RCODE NOERROR with no record of the asked type (RFC 2308 section 2.2, "NODATA"). */
    record NoData<T>(String name) implements MailDnsAnswer<T> {
    }

    /** No usable answer: nothing within the timeout, a SERVFAIL/REFUSED-style reply, or a local I/O error. */
    record Failed<T>(String name, Kind kind, String message) implements MailDnsAnswer<T> {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a lookup {@link Failed}. Closed set. */
    enum Kind {
        /** No reply from any server within the timeout. */
        TIMEOUT,
        /** A server replied with an error RCODE other than NXDOMAIN (SERVFAIL, REFUSED, FORMERR, ...). */
        SERVER_FAILURE,
        /** The query could not be sent or the reply not read (port unreachable, malformed reply, ...). */
        NETWORK_ERROR
    }

    /** The value when {@link Found}, otherwise empty. */
    default Optional<T> found() {
        return this instanceof Found<T> f ? Optional.of(f.value()) : Optional.empty();
    }

    /** True for NXDOMAIN and NODATA: the server answered, and there is nothing of this type. */
    default boolean isNegative() {
        return this instanceof NxDomain<T> || this instanceof NoData<T>;
    }
}
