package org.smtpdoctor.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Explainer;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Reference;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.RelayObserver;
import org.smtpdoctor.relay.config.AdminConfig;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.DeviceRule;
import org.smtpdoctor.relay.config.ListenerConfig;
import org.smtpdoctor.relay.config.ListenerMode;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.relay.deliver.RelayStatus;
import org.smtpdoctor.relay.observe.Activity;
import org.smtpdoctor.relay.observe.DeviceRegistry;
import org.smtpdoctor.relay.spool.Envelope;
import org.smtpdoctor.relay.spool.QueuedMessage;
import org.smtpdoctor.relay.spool.RecipientState;

/**
 * The console's pages, one handler per route (method references in {@link AdminConsole}):
 * read what the relay knows, write HTML through {@link Html} (every value escaped), and for
 * actions change the spool and redirect (POST, then GET). A retry or delete is the queue's
 * audited change ({@code queue.retry}, {@code queue.delete}, {@code by=console...}), as
 * {@code smtp-doctor queue} makes it. Never shows a secret: the configuration page names where
 * secrets come from (an environment variable's name, a file's path), never a value or a password hash.
 * Stateless apart from what it is given; thread-safe.
 */
final class ConsolePages {

    static final String SESSION = "smtpdoctor.session";
    /** At most this many messages in the queue table (the filters narrow it). */
    static final int MAX_ROWS = 500;
    /** How much of a message is read to show its header section. */
    static final int HEAD_BYTES = 256 * 1024;

    private final ConsoleRelay relay;
    private final ConsoleAuth auth;
    private final Clock clock;
    /** Made for the first reply the console explains: the rules are ~8 MB of heap a relay with no failure need not hold. */
    private volatile Explainer explainer;

    ConsolePages(ConsoleRelay relay, ConsoleAuth auth, Clock clock) {
        this.relay = relay;
        this.auth = auth;
        this.clock = clock;
    }

    private Explainer explainer() {
        Explainer e = explainer;
        if (e == null) {
            e = new Explainer(KnowledgeBase.bundled()); // a race makes two, over the same rules: harmless
            explainer = e;
        }
        return e;
    }

    // ---- login

    void login(Context ctx) {
        Html h = new Html();
        if (!auth.loginRequired()) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        loginForm(h, session(ctx), ctx.queryParam("next"), null);
        page(ctx, "Log in", "", h, false);
    }

    void doLogin(Context ctx) {
        if (!auth.loginRequired()) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        String next = safeNext(ctx.formParam("next"));
        ConsoleAuth.Login result = auth.login(ctx.ip(), ctx.formParam("user"), ctx.formParam("password"));
        if (result instanceof ConsoleAuth.LoggedIn in) {
            auth.logout(session(ctx));
            ctx.header("Set-Cookie", auth.cookie(in.session()));
            RelayEvents.info("console.login", "client", ctx.ip());
            ctx.redirect(next, HttpStatus.SEE_OTHER);
            return;
        }
        long seconds = result instanceof ConsoleAuth.Refused r ? r.retryAfter().toSeconds() : ((ConsoleAuth.TooSoon) result).retryAfter().toSeconds();
        String message = result instanceof ConsoleAuth.Refused
                ? "Wrong user name or password. The next try from your address is possible in " + Math.max(1, seconds) + " s."
                : "Too soon after a failed login: try again in " + Math.max(1, seconds) + " s.";
        RelayEvents.warn("console.login-failed", "client", ctx.ip(), "retry_after_s", Math.max(1, seconds));
        ctx.status(result instanceof ConsoleAuth.Refused ? HttpStatus.UNAUTHORIZED : HttpStatus.TOO_MANY_REQUESTS);
        ctx.header("Retry-After", String.valueOf(Math.max(1, seconds)));
        Html h = new Html();
        loginForm(h, session(ctx), next, message);
        page(ctx, "Log in", "", h, false);
    }

    private void loginForm(Html h, ConsoleAuth.Session s, String next, String message) {
        h.raw("<section class=\"login\"><h1>smtp-doctor relay</h1><p>").text(relay.config().hostName()).raw("</p>");
        if (message != null) {
            h.el("p", "problem", message);
        }
        h.raw("<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"").raw(ConsoleAuth.CSRF_FIELD).raw("\" value=\"")
                .text(s.csrf).raw("\"><input type=\"hidden\" name=\"next\" value=\"").text(safeNext(next)).raw("\">")
                .raw("<label>User <input name=\"user\" id=\"user\" autocomplete=\"username\" required></label>")
                .raw("<label>Password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>")
                .raw("<button type=\"submit\" id=\"login\">Log in</button></form></section>");
    }

    void logout(Context ctx) {
        auth.logout(session(ctx));
        ctx.header("Set-Cookie", auth.clearCookie());
        ctx.redirect(auth.loginRequired() ? "/login" : "/", HttpStatus.SEE_OTHER);
    }

    /** Only paths of this console: never an open redirect. */
    private static String safeNext(String next) {
        return next != null && next.matches("/[A-Za-z0-9/_-]{0,100}") ? next : "/";
    }

    // ---- overview

    void overview(Context ctx) {
        Instant now = clock.instant();
        RelayStatus status = relay.status().get();
        Activity activity = relay.activity();
        Html h = new Html();
        h.raw("<h1>Overview</h1>");
        if (activity.since().isAfter(now.minus(Duration.ofDays(1)))) {
            h.raw("<p class=\"note\">Counts since ").time(activity.since()).raw(".</p>");
        }
        h.raw("<section class=\"cards\">");
        counts(h, "Last hour", activity.last(Duration.ofHours(1)), "hour");
        counts(h, "Last 24 hours", activity.last(Duration.ofDays(1)), "day");
        RelayStatus.Queue q = status.queue();
        h.raw("<div class=\"card\" id=\"queue-card\"><h2>Queue</h2><dl>");
        dt(h, "messages", String.valueOf(q.messages()), "queue-messages");
        dt(h, "recipients pending", String.valueOf(q.pending()), null);
        dt(h, "recipients deferred", String.valueOf(q.deferred()), null);
        h.raw("<dt>oldest</dt><dd>");
        if (q.oldest().isPresent()) {
            h.text(RelayStatus.age(Duration.between(q.oldest().get(), now))).raw(" (").time(q.oldest().get()).raw(")");
        } else {
            h.text("none");
        }
        h.raw("</dd>");
        int stuck = relay.stuck().stuck();
        h.raw("<dt>stuck (over ").text(RelayStatus.age(relay.stuck().alerts().stuckAfter())).raw(")</dt><dd")
                .raw(stuck > 0 ? " class=\"bad\"" : "").raw(">");
        h.link("/queue?stuck=1", String.valueOf(stuck)).raw("</dd></dl></div>");
        h.raw("<div class=\"card\"><h2>Spool</h2><dl>");
        dt(h, "directory", relay.config().spoolDir().toString(), null);
        dt(h, "free", relay.spoolFreeBytes().map(ConsolePages::bytes).orElse("unknown"), null);
        dt(h, "relay", "up " + RelayStatus.age(Duration.between(relay.started(), now)) + ", smtp-doctor " + relay.version(), null);
        h.raw("</dl></div></section>");
        h.raw("<h2>Upstreams</h2>");
        for (RelayStatus.UpstreamStatus u : status.upstreams()) {
            upstream(h, u, now);
        }
        page(ctx, "Overview", "/", h, true);
    }

    private void counts(Html h, String title, Activity.Counts c, String id) {
        h.raw("<div class=\"card\" id=\"counts-").raw(id).raw("\"><h2>").text(title).raw("</h2><dl>");
        dt(h, "accepted", String.valueOf(c.accepted()), "accepted-" + id);
        dt(h, "delivered", String.valueOf(c.delivered()), "delivered-" + id);
        dt(h, "deferred", String.valueOf(c.deferred()), "deferred-" + id);
        dt(h, "failed", String.valueOf(c.failed()), "failed-" + id);
        h.raw("</dl><p class=\"note\">messages; a message answered differently for some recipients counts once per answer</p></div>");
    }

    private static void dt(Html h, String term, String value, String id) {
        h.raw("<dt>").text(term).raw("</dt><dd").raw(id == null ? "" : " id=\"" + id + "\"").raw(">").text(value).raw("</dd>");
    }

    private void upstream(Html h, RelayStatus.UpstreamStatus u, Instant now) {
        Optional<RelayObserver.Delivery> last = relay.activity().last(u.name());
        boolean backedOff = u.backedOffUntil().filter(t -> t.isAfter(now)).isPresent();
        boolean failing = last.isPresent() && last.get().outcome() != RelayObserver.Outcome.DELIVERED;
        String state = backedOff ? "backed off" : failing ? "failing" : last.isPresent() ? "working" : "nothing sent since the start";
        h.raw("<section class=\"upstream ").raw(backedOff || failing ? "bad" : last.isPresent() ? "ok" : "idle").raw("\">");
        h.raw("<h3>").text(u.name()).raw(" <span class=\"badge\">").text(state).raw("</span></h3>");
        if (backedOff) {
            h.raw("<p>The relay leaves this upstream alone until ").time(u.backedOffUntil().get())
                    .raw(" (it throttled or could not be reached); messages wait in the queue meanwhile.</p>");
        }
        if (last.isPresent()) {
            RelayObserver.Delivery d = last.get();
            h.raw("<p>Last: ").text(d.outcome().name().toLowerCase(Locale.ROOT)).raw(" ").time(d.at()).raw(d.host().isEmpty() ? "" : " from ")
                    .text(d.host()).raw("</p><pre class=\"reply\">").text(d.reply()).raw("</pre>");
            if (failing) {
                diagnosis(h, d.cause(), d.diagnosis(), d.reply());
            }
        } else if (u.lastEvent().isPresent()) {
            h.raw("<p>Last: ").text(u.lastEvent().get()).raw("</p><pre class=\"reply\">").text(u.lastReply().orElse("")).raw("</pre>");
        }
        if (!failing) {
            relay.activity().lastFailure(u.name()).ifPresent(f -> {
                h.raw("<details><summary>Last problem, ").time(f.at()).raw(": ").text(f.cause().orElse("unknown")).raw("</summary><pre class=\"reply\">")
                        .text(f.reply()).raw("</pre>");
                diagnosis(h, f.cause(), f.diagnosis(), f.reply());
                h.raw("</details>");
            });
        }
        h.raw("<p class=\"note\">Since the start: ").text(u.delivered() + " delivered, " + u.deferred() + " deferred, " + u.failed()
                + " failed (recipients). Pacing for " + u.pacingKey() + ": " + u.messagesLeft() + "/" + u.messagesPerMinute()
                + " messages left this minute, " + u.recipientsLeft() + "/" + u.recipientsPerDay() + " recipients today.").raw("</p>");
        h.raw("</section>");
    }

    /** The cause with its fix: the diagnosis given, else the knowledge base's reading of the reply text. */
    private void diagnosis(Html h, Optional<String> causeId, Optional<Diagnosis> given, String reply) {
        Diagnosis d = given.orElseGet(() -> explainer().explain(reply));
        String id = causeId.orElse(d.cause().id());
        h.raw("<div class=\"diagnosis\"><p><strong>Cause:</strong> <code class=\"cause\">").text(id).raw("</code> ")
                .text(Cause.byId(id).map(Cause::meaning).orElse("")).raw("</p>");
        if (d.cause() != Cause.UNKNOWN) {
            h.raw("<p><strong>").text(d.title()).raw("</strong></p><p>").text(d.explanation()).raw("</p>");
        }
        if (!d.remedies().isEmpty()) {
            h.raw("<p><strong>Fix:</strong></p><ol class=\"fix\">");
            d.remedies().forEach(r -> h.el("li", null, r));
            h.raw("</ol>");
        }
        if (!d.references().isEmpty()) {
            h.raw("<p class=\"refs\">");
            for (Reference r : d.references()) {
                if (r.url().startsWith("https://")) {
                    h.raw("<a rel=\"noreferrer\" href=\"").text(r.url()).raw("\">").text(r.title()).raw("</a> ");
                }
            }
            h.raw("</p>");
        }
        h.raw("</div>");
    }

    // ---- queue

    void queue(Context ctx) {
        Instant now = clock.instant();
        String state = param(ctx, "state");
        String device = param(ctx, "device");
        String sender = param(ctx, "sender");
        String recipient = param(ctx, "recipient");
        boolean stuckOnly = "1".equals(ctx.queryParam("stuck"));
        List<QueuedMessage> all = relay.spool().list();
        List<QueuedMessage> shown = new ArrayList<>();
        for (QueuedMessage m : all) {
            Envelope e = m.envelope();
            if (!state.isEmpty() && m.recipients().stream().noneMatch(r -> r.status().name().equalsIgnoreCase(state))) {
                continue;
            }
            if (!device.isEmpty() && !contains(e.device(), device) && !contains(e.clientAddress(), device)
                    && !contains(e.authUser().orElse(""), device)) {
                continue;
            }
            if (!sender.isEmpty() && !contains(e.sender(), sender)) {
                continue;
            }
            if (!recipient.isEmpty() && e.recipients().stream().noneMatch(r -> contains(r, recipient))) {
                continue;
            }
            if (stuckOnly && !relay.stuck().isStuck(m, now)) {
                continue;
            }
            shown.add(m);
        }
        Html h = new Html();
        h.raw("<h1>Queue</h1>");
        h.raw("<form method=\"get\" action=\"/queue\" class=\"filters\"><label>State <select name=\"state\" id=\"state\">");
        for (String s : List.of("", "pending", "deferred", "failed", "delivered")) {
            h.raw("<option value=\"").raw(s).raw("\"").raw(s.equals(state.toLowerCase(Locale.ROOT)) ? " selected" : "").raw(">")
                    .text(s.isEmpty() ? "any" : s).raw("</option>");
        }
        h.raw("</select></label>");
        filter(h, "device", "Device", device);
        filter(h, "sender", "Sender", sender);
        filter(h, "recipient", "Recipient", recipient);
        if (stuckOnly) {
            h.raw("<input type=\"hidden\" name=\"stuck\" value=\"1\">");
        }
        h.raw("<button type=\"submit\">Filter</button> <a href=\"/queue\">clear</a></form>");
        h.raw("<div id=\"live\" data-live>");
        h.raw("<p class=\"note\" id=\"queue-count\">").text(shown.size() + " of " + all.size() + (all.size() == 1 ? " message" : " messages")
                + (stuckOnly ? ", stuck only" : "")).raw(shown.size() > MAX_ROWS ? "; the oldest " + MAX_ROWS + " shown" : "").raw("</p>");
        if (all.stream().anyMatch(m -> m.nextAttempt().isPresent())) {
            h.button("/queue/retry-deferred", session(ctx).csrf, "Retry every deferred message now", "secondary", null);
        }
        h.raw("<table class=\"queue\"><thead><tr><th>Queue id</th><th>Received</th><th>Device</th><th>Sender</th><th>Recipients</th>"
                + "<th>Attempts</th><th>Next attempt</th><th>Last reply</th></tr></thead><tbody>");
        for (QueuedMessage m : shown.subList(0, Math.min(MAX_ROWS, shown.size()))) {
            Envelope e = m.envelope();
            h.raw("<tr data-id=\"").text(m.id()).raw("\"><td>").link("/queue/" + m.id(), m.id()).raw("</td><td>").time(e.receivedAt())
                    .raw("<br><span class=\"note\">").text(RelayStatus.age(Duration.between(e.receivedAt(), now))).raw(" ago</span></td><td>")
                    .text(e.device()).raw("<br><span class=\"note\">").text(e.clientAddress()).raw("</span></td><td>")
                    .text(e.sender().isEmpty() ? "<>" : e.sender()).raw("</td><td>");
            for (RecipientState r : m.recipients()) {
                h.text(r.recipient()).raw(" ").el("span", "state " + r.status().name().toLowerCase(Locale.ROOT),
                        r.status().name().toLowerCase(Locale.ROOT)).raw("<br>");
            }
            h.raw("</td><td>").text(m.attempts()).raw("</td><td>");
            if (m.nextAttempt().isPresent()) {
                h.time(m.nextAttempt().get());
            }
            h.raw("</td><td class=\"reply\">").text(lastReply(m).map(ConsolePages::shorten).orElse("")).raw("</td></tr>");
        }
        h.raw("</tbody></table></div>");
        page(ctx, "Queue", "/queue", h, true);
    }

    private static void filter(Html h, String name, String label, String value) {
        h.raw("<label>").text(label).raw(" <input name=\"").raw(name).raw("\" id=\"").raw(name).raw("\" value=\"").text(value).raw("\"></label>");
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.strip();
    }

    private static boolean contains(String haystack, String needle) {
        return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    private static Optional<String> lastReply(QueuedMessage m) {
        return m.recipients().stream().filter(r -> r.updated().isPresent() && r.lastReply().isPresent())
                .max(Comparator.comparing(r -> r.updated().get())).flatMap(RecipientState::lastReply);
    }

    private static String shorten(String s) {
        return s.length() > 140 ? s.substring(0, 140) + "..." : s;
    }

    void message(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<QueuedMessage> found = relay.spool().get(id);
        if (found.isEmpty()) {
            List<Activity.Attempt> history = relay.activity().attempts(id);
            if (history.isEmpty()) {
                problem(ctx, HttpStatus.NOT_FOUND, "No such message",
                        "Message " + id + " is not in the queue: it was delivered (or bounced) and removed, or deleted.");
            } else {
                gone(ctx, id, history);
            }
            return;
        }
        QueuedMessage m = found.get();
        Envelope e = m.envelope();
        Instant now = clock.instant();
        Html h = new Html();
        h.raw("<h1>Message <code>").text(m.id()).raw("</code></h1><div id=\"live\" data-live>");
        h.raw("<div class=\"actions\">");
        h.button("/queue/" + m.id() + "/retry", session(ctx).csrf, "Retry now", "primary", null);
        h.button("/queue/" + m.id() + "/delete", session(ctx).csrf, "Delete", "danger",
                "Delete this message? It is neither delivered nor bounced.");
        h.raw("</div>");
        for (RelayStatus.UpstreamStatus u : relay.status().get().upstreams()) {
            u.backedOffUntil().filter(t -> t.isAfter(now)).ifPresent(t -> h.raw("<p class=\"note\">The relay leaves ").text(u.name())
                    .raw(" alone until ").time(t).raw(" (it throttled or failed): a retry waits for that.</p>"));
        }
        h.raw("<h2>Envelope</h2><dl class=\"envelope\">");
        h.raw("<dt>received</dt><dd>").time(e.receivedAt()).raw(" (").text(RelayStatus.age(Duration.between(e.receivedAt(), now))).raw(" ago)</dd>");
        dt(h, "device", e.device(), null);
        dt(h, "address", e.clientAddress(), null);
        dt(h, "HELO", e.heloName(), null);
        dt(h, "account", e.authUser().orElse("(none)"), null);
        dt(h, "sender", e.sender().isEmpty() ? "<>" : e.sender(), "sender");
        dt(h, "size", bytes(m.size()), null);
        h.raw("</dl><h2>Recipients</h2><table class=\"recipients\"><thead><tr><th>Recipient</th><th>State</th><th>Attempts</th>"
                + "<th>Next attempt</th><th>Last reply</th><th>Cause</th></tr></thead><tbody>");
        List<Activity.Attempt> attempts = relay.activity().attempts(m.id());
        for (RecipientState r : m.recipients()) {
            String st = r.status().name().toLowerCase(Locale.ROOT);
            h.raw("<tr><td>").text(r.recipient()).raw("</td><td>").el("span", "state " + st, st).raw("</td><td>").text(r.attempts())
                    .raw("</td><td>");
            r.nextAttempt().ifPresent(h::time);
            h.raw("</td><td class=\"reply\">").text(r.lastReply().orElse("")).raw("</td><td>");
            if (r.lastReply().isPresent() && r.status() != RecipientState.Status.DELIVERED && r.status() != RecipientState.Status.PENDING) {
                Optional<Activity.Attempt> a = attempts.stream().filter(x -> x.recipients().contains(r.recipient())).reduce((x, y) -> y);
                String cause = a.flatMap(Activity.Attempt::cause).orElseGet(() -> explainer().explain(r.lastReply().get()).cause().id());
                h.el("code", "cause", cause);
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
        h.raw("<h2>Attempts</h2>");
        if (attempts.isEmpty()) {
            h.raw("<p class=\"note\">No attempt since the relay started").raw(m.attempts() > 0
                    ? "; the last reply of each recipient is above, with the cause the knowledge base reads in it." : ".").raw("</p>");
            m.recipients().stream().filter(r -> r.lastReply().isPresent() && r.status() != RecipientState.Status.DELIVERED)
                    .findFirst().ifPresent(r -> diagnosis(h, Optional.empty(), Optional.empty(), r.lastReply().get()));
        } else {
            attempts(h, attempts);
        }
        h.raw("</div><h2>Headers</h2><pre class=\"headers\">").text(headers(m.id())).raw("</pre>");
        page(ctx, "Message " + m.id(), "/queue", h, true);
    }

    /** A message no longer queued whose attempts this relay saw: how it ended. */
    private void gone(Context ctx, String id, List<Activity.Attempt> history) {
        Activity.Attempt last = history.get(history.size() - 1);
        String outcome = last.outcome().name().toLowerCase(Locale.ROOT);
        Html h = new Html();
        h.raw("<h1>Message <code>").text(id).raw("</code></h1><div id=\"live\" data-live><p class=\"final\">")
                .el("span", "state " + outcome, outcome).raw(" ").time(last.at()).raw(" via ").text(last.upstream())
                .raw(": no longer in the queue").raw(last.outcome() == RelayObserver.Outcome.FAILED ? " (the sender got a bounce report)" : "")
                .raw(".</p><h2>Attempts</h2>");
        attempts(h, history);
        h.raw("</div>");
        page(ctx, "Message " + id, "/queue", h, false);
    }

    private void attempts(Html h, List<Activity.Attempt> attempts) {
        h.raw("<ol class=\"attempts\">");
        for (Activity.Attempt a : attempts) {
            h.raw("<li><p>").time(a.at()).raw(" ").el("span", "state " + a.outcome().name().toLowerCase(Locale.ROOT),
                    a.outcome().name().toLowerCase(Locale.ROOT)).raw(" via ").text(a.upstream()).raw(a.host().isEmpty() ? "" : " (")
                    .text(a.host()).raw(a.host().isEmpty() ? "" : ")").raw(" for ").text(String.join(", ", a.recipients())).raw("</p>")
                    .raw("<pre class=\"reply\">").text(a.reply()).raw("</pre>");
            if (a.outcome() != RelayObserver.Outcome.DELIVERED) {
                diagnosis(h, a.cause(), a.diagnosis(), a.reply());
            }
            h.raw("</li>");
        }
        h.raw("</ol>");
    }

    private String headers(String id) {
        try (InputStream in = relay.spool().content(id)) {
            String head = new String(in.readNBytes(HEAD_BYTES), StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            String section = end < 0 ? head : head.substring(0, end);
            byte[] raw = section.getBytes(StandardCharsets.ISO_8859_1);
            return new String(raw, StandardCharsets.UTF_8).replace("\r\n", "\n"); // devices send raw UTF-8 more often than not
        } catch (IOException e) {
            return "(cannot read the message: " + e.getMessage() + ")";
        }
    }

    void retry(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        boolean found = relay.spool().retryRequested(id, by(ctx));
        if (!found) {
            problem(ctx, HttpStatus.NOT_FOUND, "No such message", "Message " + id + " is not in the queue any more.");
            return;
        }
        relay.wake().run();
        ctx.redirect("/queue/" + id, HttpStatus.SEE_OTHER);
    }

    void retryDeferred(Context ctx) throws IOException {
        for (QueuedMessage m : relay.spool().list()) {
            if (m.nextAttempt().isPresent()) {
                relay.spool().retryRequested(m.id(), by(ctx));
            }
        }
        relay.wake().run();
        ctx.redirect("/queue", HttpStatus.SEE_OTHER);
    }

    void delete(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        Optional<QueuedMessage> gone = relay.spool().deleteRequested(id, by(ctx));
        if (gone.isEmpty()) {
            problem(ctx, HttpStatus.NOT_FOUND, "No such message", "Message " + id + " is not in the queue any more.");
            return;
        }
        ctx.redirect("/queue", HttpStatus.SEE_OTHER);
    }

    /** Who asked, for the queue's audit line: {@code console:USER@ADDRESS} ({@code console@ADDRESS} without a login). */
    private String by(Context ctx) {
        return "console" + (auth.loginRequired() ? ":" + auth.user() : "") + "@" + ctx.ip();
    }

    // ---- devices

    void devices(Context ctx) {
        Instant now = clock.instant();
        List<DeviceRegistry.Device> devices = relay.devices().devices();
        Html h = new Html();
        h.raw("<h1>Devices</h1><div id=\"live\" data-live><p class=\"note\">").text(devices.size() + (devices.size() == 1 ? " device" : " devices")
                + " seen (also those refused), most recent first; kept across restarts.").raw("</p>");
        h.raw("<table class=\"devices\"><thead><tr><th>Address</th><th>Device</th><th>Account</th><th>EHLO name</th><th>TLS</th>"
                + "<th>Last seen</th><th>Connections</th><th>Messages</th><th>Recipients upstream</th><th>Failures</th></tr></thead><tbody>");
        for (DeviceRegistry.Device d : devices) {
            h.raw("<tr data-address=\"").text(d.address()).raw("\"><td>").text(d.address()).raw("</td><td>").text(d.rule().orElse("(not a device)"))
                    .raw("</td><td>").text(String.join(", ", d.accounts())).raw("</td><td>").text(d.helo()).raw("</td><td>");
            if (d.tls().isPresent()) {
                String p = d.tls().get().protocol();
                boolean old = p.equals("TLSv1") || p.equals("TLSv1.1") || p.startsWith("SSL");
                h.el("span", old ? "state failed" : "state delivered", p).raw("<br><span class=\"note\">").text(d.tls().get().cipher()).raw("</span>");
                if (old) {
                    h.raw("<br><span class=\"note\">").text("outdated: update its firmware or move it to a listener of its own").raw("</span>");
                }
            } else if (d.tlsKnown()) {
                h.el("span", "state deferred", "none");
            }
            h.raw("</td><td>").time(d.lastSeen()).raw("<br><span class=\"note\">first ").time(d.firstSeen()).raw("</span></td><td>")
                    .text(d.connections()).raw("</td><td>").text(d.messages()).raw("</td><td>")
                    .text(d.delivered() + " delivered, " + d.deferred() + " deferred, " + d.failed() + " failed").raw("</td><td>");
            if (!d.failures().isEmpty()) {
                h.raw("<ul class=\"failures\">");
                for (DeviceRegistry.Failure f : d.failures()) {
                    h.raw("<li><strong>").text(f.kind()).raw("</strong>");
                    f.cause().ifPresent(c -> h.raw(" <code class=\"cause\">").text(c).raw("</code> ").text(Cause.byId(c).map(Cause::meaning).orElse("")));
                    h.raw(" &times;").text(f.count()).raw(", last ").time(f.last()).raw("<br><span class=\"note\">").text(shorten(f.detail()))
                            .raw("</span></li>");
                }
                h.raw("</ul>");
            }
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table></div>");
        page(ctx, "Devices", "/devices", h, true);
    }

    // ---- configuration

    void configuration(Context ctx) {
        RelayConfig c = relay.config();
        Html h = new Html();
        h.raw("<h1>Configuration</h1><p class=\"note\">The configuration in effect (file and flags together). Secrets are never shown:"
                + " only where they come from.</p><dl class=\"config\">");
        dt(h, "host name", c.hostName(), null);
        for (ListenerConfig l : c.listeners()) {
            dt(h, "listener", l + (l.allowPlaintextAuth() ? ", AUTH before TLS allowed" : "") + "; max message " + bytes(l.maxMessageBytes())
                    + ", " + l.maxConnections() + " connections (" + l.maxConnectionsPerIp() + " per address), idle timeout "
                    + RelayStatus.age(l.idleTimeout()) + (l.mode() == ListenerMode.PLAIN ? ""
                    : "; certificate: " + certificate(l.certificate())), null);
        }
        for (DeviceRule d : c.devices()) {
            List<String> how = new ArrayList<>();
            if (!d.networks().isEmpty()) {
                how.add("from " + String.join(", ", d.networks().stream().map(Object::toString).toList()));
            }
            d.user().ifPresent(u -> how.add("account " + u + " (password hash set)"));
            d.rewriteFrom().ifPresent(r -> how.add("sends as " + r));
            if (!d.senders().isEmpty()) {
                how.add("senders " + String.join(", ", d.senders()));
            }
            dt(h, "device " + d.name(), String.join("; ", how), null);
        }
        dt(h, "recipient domains", c.recipientDomains().isEmpty() ? "any" : String.join(", ", c.recipientDomains()), null);
        for (UpstreamUrl u : c.upstreams()) {
            dt(h, "upstream", u.toString(), null);
        }
        dt(h, "spool", c.spoolDir().toString(), null);
        dt(h, "pacing", c.pacing().messagesPerMinute() + " messages/min, " + c.pacing().recipientsPerDay() + " recipients/day, "
                + c.pacing().connections() + " connections per mailbox", null);
        dt(h, "retries", "for up to " + RelayStatus.age(c.retryMaxAge()), null);
        dt(h, "bounces", c.bouncesTo().map(a -> "to " + a).orElse("to the original sender"), null);
        dt(h, "alerts", "stuck after " + RelayStatus.age(c.alerts().stuckAfter()) + c.alerts().mailTo().map(t -> ", summary to " + t
                + " at most every " + RelayStatus.age(c.alerts().interval())).orElse(", no mail (alerts.mail-to not set)"), null);
        c.admin().ifPresent(a -> dt(h, "console", admin(a), null));
        dt(h, "open relay override", c.guard().openRelayAccepted() ? "SET: networks wider than /" + c.guard().widestPrefix() + " accepted"
                : "off (networks up to /" + c.guard().widestPrefix() + ")", null);
        h.raw("</dl>");
        page(ctx, "Configuration", "/config", h, false);
    }

    private static String admin(AdminConfig a) {
        return a.hostPort() + (a.https() ? ", HTTPS (certificate: " + certificate(a.certificate()) + ")" : ", HTTP")
                + (a.loginRequired() ? ", login as " + a.user() + " (password hash set)" : ", no login (loopback)");
    }

    private static String certificate(CertificateSource s) {
        if (s instanceof CertificateSource.Pem p) {
            return "PEM " + p.certificate() + " with key " + p.key();
        }
        if (s instanceof CertificateSource.Pkcs12 p) {
            return "PKCS#12 " + p.file() + ", password " + p.passwordEnv().map(v -> "from the environment variable " + v)
                    .orElseGet(() -> "from the file " + p.passwordFile().map(Object::toString).orElse("?"));
        }
        return "self-signed, made at start";
    }

    // ---- metrics

    void metrics(Context ctx) throws IOException {
        ctx.contentType(relay.metrics().contentType()).result(relay.metrics().scrape());
    }

    // ---- layout

    void problem(Context ctx, HttpStatus status, String title, String text) {
        Html h = new Html();
        h.raw("<h1>").text(title).raw("</h1><p>").text(text).raw("</p><p><a href=\"/\">Overview</a></p>");
        ctx.status(status);
        ConsoleAuth.Session s = ctx.attribute(SESSION);
        page(ctx, title, "", h, false, s != null && s.loggedIn);
    }

    private void page(Context ctx, String title, String nav, Html body, boolean live) {
        page(ctx, title, nav, body, live, session(ctx).loggedIn);
    }

    private void page(Context ctx, String title, String nav, Html body, boolean live, boolean menu) {
        Html h = new Html();
        h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .raw("<title>").text(title + " - " + relay.config().hostName()).raw("</title>")
                .raw("<link rel=\"stylesheet\" href=\"/static/console.css\"><script src=\"/static/console.js\" defer></script></head>")
                .raw("<body").raw(live ? " data-refresh=\"5\"" : "").raw(">");
        h.raw("<header><span class=\"brand\">smtp-doctor relay</span> <span class=\"host\">").text(relay.config().hostName()).raw("</span>");
        if (menu) {
            h.raw("<nav>");
            for (String[] item : new String[][] {{"/", "Overview"}, {"/queue", "Queue"}, {"/devices", "Devices"}, {"/config", "Configuration"},
                {"/metrics", "Metrics"}}) {
                h.raw("<a href=\"").raw(item[0]).raw("\"").raw(item[0].equals(nav) ? " class=\"active\"" : "").raw(">").text(item[1]).raw("</a>");
            }
            h.raw("</nav>");
            if (auth.loginRequired()) {
                h.button("/logout", session(ctx).csrf, "Log out", "link", null);
            }
        }
        h.raw("</header><main>").raw(body.toString()).raw("</main><footer>smtp-doctor ").text(relay.version())
                .raw(" &middot; times in your browser's time zone (UTC without JavaScript)</footer></body></html>");
        ctx.contentType("text/html; charset=utf-8").result(h.toString());
    }

    private static ConsoleAuth.Session session(Context ctx) {
        return ctx.attribute(SESSION);
    }

    static String bytes(long n) {
        if (n >= 10L << 30) {
            return (n >> 30) + " GiB";
        }
        if (n >= 10L << 20) {
            return (n >> 20) + " MiB";
        }
        if (n >= 10L << 10) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }
}
