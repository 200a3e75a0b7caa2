package org.smtpdoctor.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.smtpdoctor.relay.RelayEvents;
import org.smtpdoctor.relay.config.AdminConfig;

/**
 * The relay's admin console and {@code /metrics}: server-rendered HTML on Javalin (Jetty), no
 * JavaScript build step; one small script refreshes the live part of a page and shows times
 * in the browser's zone, and everything works without it.
 * <p>
 * Routes: {@code GET /} overview, {@code GET /queue} (filters: state, device, sender,
 * recipient), {@code GET /queue/{id}}, {@code POST /queue/{id}/retry}, {@code POST
 * /queue/{id}/delete}, {@code POST /queue/retry-deferred}, {@code GET /devices}, {@code GET
 * /config}, {@code GET /metrics}, {@code GET|POST /login}, {@code POST /logout}, {@code GET
 * /health} ("ok", nothing else), {@code GET /static/console.css|console.js}.
 * <p>
 * Access ({@link ConsoleAuth}): on loopback no login, but the {@code Host} header must name a
 * loopback host (a web page cannot reach the console by DNS rebinding). Elsewhere HTTPS only
 * and a login: without one a page redirects to {@code /login} and shows nothing, {@code
 * /metrics} answers 401 unless HTTP Basic credentials (the same user and password) come with
 * it, and an action is refused. Every POST needs the session's CSRF token and, when the browser
 * sends {@code Origin}, this console's own origin. Every answer forbids framing, caching and
 * sniffing, and a Content-Security-Policy allows only this console's own style and script.
 * <p>
 * Lifecycle: {@link #start} binds (an exception when it cannot), {@link #close} stops.
 * Thread-safe.
 */
public final class AdminConsole implements AutoCloseable {

    static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final AdminConfig config;
    private final ConsoleAuth auth;
    private final ConsolePages pages;
    private final Javalin app;
    private final Set<String> loopbackHosts = new HashSet<>();

    private AdminConsole(AdminConfig config, ConsoleRelay relay, Optional<SSLContext> tls, Clock clock) {
        this.config = config;
        this.auth = new ConsoleAuth(config, clock);
        this.pages = new ConsolePages(relay, auth, clock);
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.jetty.threadPool = pool();
            c.jetty.addConnector((server, http) -> {
                http.setSendServerVersion(false);
                ServerConnector connector;
                if (tls.isPresent()) {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setSslContext(tls.get());
                    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                    SecureRequestCustomizer secure = new SecureRequestCustomizer();
                    secure.setSniHostCheck(false); // a self-signed certificate names the relay, browsers use an IP
                    http.addCustomizer(secure);
                    connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
                } else {
                    connector = new ServerConnector(server, new HttpConnectionFactory(http));
                }
                connector.setHost(config.address());
                connector.setPort(config.port());
                return connector;
            });
        });
        routes();
    }

    private static QueuedThreadPool pool() {
        QueuedThreadPool p = new QueuedThreadPool(16, 2);
        p.setName("admin-console");
        p.setDaemon(true);
        return p;
    }

    /**
     * Starts the console.
     *
     * @param tls the HTTPS context ({@link AdminConfig#https()}); empty for plain HTTP on loopback
     * @throws IOException when the address cannot be bound
     */
    public static AdminConsole start(AdminConfig config, ConsoleRelay relay, Optional<SSLContext> tls, Clock clock) throws IOException {
        if (config.https() && tls.isEmpty()) {
            throw new IllegalArgumentException("an HTTPS console needs a TLS context");
        }
        AdminConsole console = new AdminConsole(config, relay, tls, clock);
        try {
            console.app.start();
        } catch (RuntimeException e) {
            console.app.stop();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot start the admin console on " + config.hostPort() + " (" + cause.getMessage() + ")", e);
        }
        console.loopbackHosts.addAll(Set.of("127.0.0.1:" + console.port(), "localhost:" + console.port(), "[::1]:" + console.port()));
        RelayEvents.info("console.started", "url", console.url(), "login", config.loginRequired() ? "required" : "none (loopback)");
        return console;
    }

    /** The bound port (the real one when 0 was configured). */
    public int port() {
        return app.port();
    }

    /** Where a browser on this machine (loopback) or the LAN opens the console. */
    public String url() {
        String host = config.address().equals("0.0.0.0") || config.address().equals("::") ? "127.0.0.1" : config.address();
        return (config.https() ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void routes() {
        app.before(this::guard);
        app.get("/health", ctx -> ctx.contentType("text/plain; charset=utf-8").result("ok\n"));
        app.get("/static/console.css", ctx -> asset(ctx, "console.css", "text/css; charset=utf-8"));
        app.get("/static/console.js", ctx -> asset(ctx, "console.js", "text/javascript; charset=utf-8"));
        app.get("/login", pages::login);
        app.post("/login", pages::doLogin);
        app.post("/logout", pages::logout);
        app.get("/", pages::overview);
        app.get("/queue", pages::queue);
        app.get("/queue/{id}", pages::message);
        app.post("/queue/retry-deferred", pages::retryDeferred);
        app.post("/queue/{id}/retry", pages::retry);
        app.post("/queue/{id}/delete", pages::delete);
        app.get("/devices", pages::devices);
        app.get("/config", pages::configuration);
        app.get("/metrics", pages::metrics);
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint")) {
                pages.problem(ctx, HttpStatus.NOT_FOUND, "Not found", "There is no such page.");
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            org.slf4j.LoggerFactory.getLogger(AdminConsole.class).warn("console: {} {}: {}", ctx.method(), ctx.path(), e.toString(), e);
            pages.problem(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
                    "The console could not show this; the relay's log has the details.");
        });
    }

    /** Headers for every answer, the Host check on loopback, the session, login and CSRF. */
    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin"); // "no-referrer" would make browsers send "Origin: null" on POST
        ctx.header("Cache-Control", "no-store");
        if (config.https()) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
        String path = ctx.path();
        if (!config.loginRequired() && !hostIsLoopback(ctx.header("Host"))) {
            // DNS rebinding: a page from elsewhere whose name now points at 127.0.0.1.
            deny(ctx, HttpStatus.MISDIRECTED_REQUEST, "This console answers only to 127.0.0.1, localhost or [::1].");
            return;
        }
        if (path.equals("/health") || path.startsWith("/static/")) {
            return;
        }
        ConsoleAuth.Session session = auth.find(ctx.cookie(auth.cookieName())).orElse(null);
        if (session == null) {
            session = auth.anonymous();
            ctx.header("Set-Cookie", auth.cookie(session));
        }
        ctx.attribute(ConsolePages.SESSION, session);
        boolean post = ctx.method().name().equals("POST");
        if (post && !sameOrigin(ctx)) {
            deny(ctx, HttpStatus.FORBIDDEN, "Refused: the request came from another site.");
            return;
        }
        if (post && !auth.csrfValid(session, ctx.formParam(ConsoleAuth.CSRF_FIELD))) {
            deny(ctx, HttpStatus.FORBIDDEN, "Refused: the form's security token is missing or out of date. Reload the page and try again.");
            return;
        }
        if (session.loggedIn || path.equals("/login")) {
            return;
        }
        if (path.equals("/metrics")) {
            if (auth.basic(ctx.ip(), ctx.header("Authorization"))) {
                return;
            }
            ctx.header("WWW-Authenticate", "Basic realm=\"smtp-doctor relay\", charset=\"UTF-8\"");
            deny(ctx, HttpStatus.UNAUTHORIZED, "Log in first.");
            return;
        }
        if (!post && !path.equals("/logout")) {
            ctx.redirect("/login?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return;
        }
        deny(ctx, HttpStatus.FORBIDDEN, "Log in first.");
    }

    private void deny(Context ctx, HttpStatus status, String why) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(why + "\n");
        ctx.skipRemainingHandlers();
    }

    private boolean hostIsLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.lastIndexOf(':') <= h.lastIndexOf(']')) {
            h += config.https() ? ":443" : ":80"; // the default port is left out of Host
        }
        return loopbackHosts.contains(h);
    }

    /** No Origin (not a browser, or an old one: the CSRF token still decides), or exactly ours. */
    private boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true;
        }
        try {
            URI o = URI.create(origin);
            String host = ctx.header("Host");
            return host != null && (config.https() ? "https" : "http").equalsIgnoreCase(o.getScheme())
                    && host.equalsIgnoreCase(o.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void asset(Context ctx, String name, String type) throws IOException {
        try (InputStream in = AdminConsole.class.getResourceAsStream(name)) {
            if (in == null) {
                ctx.status(HttpStatus.NOT_FOUND);
                return;
            }
            ctx.header("Cache-Control", "max-age=3600");
            ctx.contentType(type).result(in.readAllBytes());
        }
    }
}
