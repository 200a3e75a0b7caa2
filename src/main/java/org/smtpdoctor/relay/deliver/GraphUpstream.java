package org.smtpdoctor.relay.deliver;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.graph.Bearer;
import org.smtpdoctor.graph.GraphHttp;
import org.smtpdoctor.graph.GraphMailer;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.smtp.Secret;

/**
 * The Microsoft Graph upstream ({@code m365-graph://}): each message goes to
 * {@code /users/{mailbox}/sendMail} as MIME, or through a draft and upload sessions when it is
 * large ({@link GraphMailer}). No SMTP AUTH is involved, so the tenant's and the mailbox's SMTP
 * AUTH switches, Security Defaults and the Basic auth retirement do not matter; the app needs
 * Mail.Send on the mailbox. A "session" is the app's token: {@link #open} gets one (a refusal
 * from Entra is a session failure, as an SMTP AUTH failure is), then messages go one request
 * after another. Thread-safe; each {@link GraphSession} belongs to one worker.
 */
public final class GraphUpstream implements Upstream {

    private final String name;
    private final GraphMailer mailer;
    private final Credentials.OAuth oauth;
    private final GraphHttp http;
    private final Clock clock;

    public GraphUpstream(String name, GraphMailer mailer, Credentials.OAuth oauth, GraphHttp http, Clock clock) {
        this.name = name;
        this.mailer = mailer;
        this.oauth = oauth;
        this.http = http;
        this.clock = clock;
    }

    /** Graph's token comes from the same renewable source as XOAUTH2's, for Graph's scope. */
    static Bearer bearer(Credentials.OAuth oauth) {
        return new Bearer() {
            @Override
            public Secret token() throws TokenException {
                return oauth.token();
            }

            @Override
            public Secret renew() throws TokenException {
                return oauth.renew();
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String pacingKey() {
        return mailer.settings().mailbox();
    }

    @Override
    public Optional<String> mailbox() {
        return Optional.of(mailer.settings().mailbox());
    }

    @Override
    public Vendor vendor() {
        return Vendor.MICROSOFT;
    }

    public GraphMailer mailer() {
        return mailer;
    }

    public Credentials.OAuth credentials() {
        return oauth;
    }

    /** The largest message this upstream can send; the relay tells devices no more than this. */
    public long maxMessageBytes() {
        return mailer.settings().maxMessageBytes();
    }

    private String host() {
        return mailer.settings().endpoint().base().getHost();
    }

    @Override
    public Opened open() {
        try {
            http.redactor().register(oauth.token().reveal());
        } catch (TokenException e) {
            String text = "no OAuth token for Graph: " + e.reason() + e.ticketIds().map(ids -> " (" + ids + ")").orElse("");
            return new Refused(SessionFailure.event(host(), "token", e.event().orElse("token.refused"), text));
        }
        return new Ready(new GraphSession(clock.instant()));
    }

    @Override
    public String toString() {
        return name;
    }

    /** Messages through Graph, one request (or one draft) each. Not thread-safe except {@link #abort}. */
    final class GraphSession implements UpstreamSession {
        private final Instant opened;
        private final AtomicReference<CompletableFuture<?>> inflight = new AtomicReference<>();
        private volatile boolean aborted;
        private int transactions;

        GraphSession(Instant opened) {
            this.opened = opened;
        }

        @Override
        public String host() {
            return GraphUpstream.this.host();
        }

        @Override
        public Instant opened() {
            return opened;
        }

        @Override
        public int transactions() {
            return transactions;
        }

        @Override
        public boolean usable() {
            return !aborted;
        }

        @Override
        public Transaction send(String sender, List<String> recipients, MessageContent content) {
            transactions++;
            // Graph takes the MIME as one base64 body of at most 4 MB (sendMail, so at most 3 MB of
            // MIME), or split into a draft and attachments (upload sessions) by a MIME parser: both
            // need the message in memory, once its size was checked (docs/delivery.md, "Memory").
            GraphMailer.Outcome o;
            Optional<GraphMailer.Outcome> tooLarge = mailer.tooLarge(content.size());
            if (tooLarge.isPresent()) {
                o = tooLarge.get();
            } else {
                byte[] bytes;
                try {
                    bytes = content.bytes();
                } catch (java.io.IOException e) {
                    return Transaction.broken(SessionFailure.event(host(), "data", "spool.read",
                            "cannot read the message from the spool: " + e.getMessage()));
                }
                o = mailer.send(bytes, recipients, inflight);
            }
            if (o instanceof GraphMailer.Sent sent) {
                return Transaction.answered(sent.step(), new HttpAnswer(202, "Graph HTTP 202 Accepted: " + sent.how(),
                        Optional.empty(), Optional.empty()));
            }
            if (o instanceof GraphMailer.Refused r) {
                String text = r.error().knowledgeLine() + r.error().requestId().map(id -> " [request-id " + id + "]").orElse("");
                return Transaction.answered(r.step(), new HttpAnswer(r.error().status(), text, r.retryAfter(), Optional.empty()));
            }
            if (o instanceof GraphMailer.Unsendable u) {
                boolean size = u.why() == GraphMailer.Why.TOO_LARGE;
                return Transaction.answered(u.step(), new HttpAnswer(0, (size ? "5.3.4 " : "5.6.0 ")
                        + "the Graph upstream cannot send this message: " + u.reason(), Optional.empty(),
                        Optional.of(size ? "graph.message-too-large" : "graph.mime-unreadable")));
            }
            if (o instanceof GraphMailer.NoToken n) {
                TokenException e = n.failure();
                return Transaction.broken(SessionFailure.event(host(), "token", e.event().orElse("token.refused"),
                        "no OAuth token for Graph: " + e.reason()));
            }
            GraphMailer.Broken b = (GraphMailer.Broken) o;
            return Transaction.broken(SessionFailure.event(host(), "graph", b.failure().kind().event(), b.failure().getMessage()));
        }

        @Override
        public boolean stale(Transaction t) {
            return false; // HTTP keeps its own connections; a broken request is not retried at once (it may have been taken)
        }

        @Override
        public void abort() {
            aborted = true;
            GraphHttp.abort(inflight);
        }

        @Override
        public void close() {
            // nothing held open: the HTTP client's connections belong to the upstream
        }
    }
}
