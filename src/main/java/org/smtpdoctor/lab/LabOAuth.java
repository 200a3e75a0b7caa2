package org.smtpdoctor.lab;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smtpdoctor.oauth.MicrosoftCloud;

/**
 * The lab's Microsoft Entra ID: an OAuth 2.0 authorization server on 127.0.0.1 (the JDK's
 * HTTP server; tokens signed with Nimbus JOSE) that issues access tokens to client-credentials
 * requests, laid out like login.microsoftonline.com: the token endpoint is
 * {@code authority() + "/" + tenant() + "/oauth2/v2.0/token"}, the keys are at
 * {@link #jwksUri()}, the OpenID Connect metadata at
 * {@code authority() + "/" + tenant() + "/v2.0/.well-known/openid-configuration"} (and below
 * the issuer, {@link #metadataUri()}). It knows one tenant ({@link #tenant()}) and one
 * confidential app ({@link #clientId()} with the secret {@link #CLIENT_SECRET}, or any
 * certificate), and refuses anything else with the AADSTS error Microsoft Entra gives
 * ({@link EntraRefusals}): a wrong tenant, client id, secret or scope can be diagnosed against
 * the lab as against a tenant.
 * <p>
 * Tokens are RS256 JWTs shaped like Entra's app-only tokens for Exchange Online
 * ({@code scope=https://outlook.office365.com/.default}): {@code aud}, {@code iss},
 * {@code tid}, {@code appid} and {@code azp} (the requesting client id), {@code oid} and
 * {@code sub} (the app's service principal), {@code idtyp=app} and
 * {@code roles=["SMTP.SendAsApp"]}, valid for 3599 s. A scope of another cloud's Exchange
 * Online or of Microsoft Graph gets that resource as the audience (Graph: with the roles of
 * {@link #GRAPH_ROLES}). An {@link Issuance} changes what a scenario's tokens say (audience,
 * roles, already expired), whatever the client asks for. Each server signs with its own RSA
 * key, generated in the background from {@link #start} (or ahead, {@link #prepareFor}); the
 * token and key endpoints wait for it.
 * <p>
 * Lifecycle: {@link #start} binds a free port, {@link #close()} stops the server. Thread-safe.
 */
public final class LabOAuth implements AutoCloseable {

    /** The lab's tenant (directory) id: invented, GUID-shaped. */
    public static final String TENANT = "5ab7e9d0-0c70-4d0c-9365-00000000c0de";
    /** The lab's app registration (application / client id): invented, GUID-shaped. */
    public static final String CLIENT_ID = "1ab0c11e-a700-4d0c-9587-000000000587";
    /** The lab app's client secret; any other value gets AADSTS7000215 unless added ({@link #addClientSecret}); a certificate is accepted unchecked. */
    public static final String CLIENT_SECRET = "lab-secret";
    /** What an app asks for to send with SMTP AUTH (Microsoft's OAuth doc for IMAP/POP/SMTP). */
    public static final String EXCHANGE_SCOPE = "https://outlook.office365.com/.default";

    /** Object id of the lab app's service principal (Enterprise application): the token's {@code oid}. */
    static final String SERVICE_PRINCIPAL_ID = "1ab05e72-0000-4d0c-9587-0000000000e1";
    static final String EXCHANGE_AUDIENCE = "https://outlook.office365.com";
    static final String GRAPH_AUDIENCE = "https://graph.microsoft.com";
    static final String SEND_AS_APP = "SMTP.SendAsApp";
    /** Entra's {@code expires_in} for a client-credentials token. */
    static final Duration LIFETIME = Duration.ofSeconds(3599);

    /**
     * What the tokens of one lab say.
     *
     * @param audience the {@code aud} claim
     * @param roles the {@code roles} claim; empty: no such claim (no application permission granted)
     * @param expired issued two hours ago with the usual lifetime, so expired an hour before the client gets it
     */
    record Issuance(String audience, List<String> roles, boolean expired, List<String> graphRoles) {
        static final Issuance EXCHANGE = new Issuance(EXCHANGE_AUDIENCE, List.of(SEND_AS_APP), false);

        Issuance {
            Objects.requireNonNull(audience, "audience");
            roles = List.copyOf(roles);
            graphRoles = List.copyOf(graphRoles);
        }

        /** With the Graph permissions of {@link #GRAPH_ROLES}. */
        Issuance(String audience, List<String> roles, boolean expired) {
            this(audience, roles, expired, GRAPH_ROLES);
        }

        Issuance withGraphRoles(List<String> graph) {
            return new Issuance(audience, roles, expired, graph);
        }
    }

    /**
     * The Microsoft Graph application permissions the lab's app has by default: sending as the
     * mailbox (relay), reading sign-ins and policies ({@code tenant}). A token asked for with
     * Graph's {@code .default} scope carries these as {@code roles}, with Graph's audience.
     */
    static final List<String> GRAPH_ROLES = List.of("Mail.Send", "Mail.ReadWrite", "AuditLog.Read.All", "Policy.Read.All");
    /** Graph's scope for app-only tokens (client credentials). */
    public static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

    /** The path of the issuer below the authority: Entra's v2.0 layout. */
    private static final String ISSUER_ID = TENANT + "/oauth2/v2.0";
    private static final int RSA_BITS = 2048;
    /** A token request is a short form; anything longer is refused unread. */
    private static final int MAX_REQUEST = 64 * 1024;
    private static final Pattern ENDPOINT = Pattern.compile("^/([^/]+)/oauth2/v2\\.0/(token|devicecode)$");
    private static final Pattern KEYS = Pattern.compile("^/([^/]+)/(?:oauth2/v2\\.0/jwks|discovery/v2\\.0/keys)$");
    private static final Pattern METADATA = Pattern.compile("^/([^/]+)/(?:oauth2/)?v2\\.0/\\.well-known/openid-configuration$");

    /**
     * The key of the next lab Entra, generated ahead in the background ({@link #prepareFor}).
     * RSA key generation is the largest part of a lab's start (0.1-0.7 s on these machines, C1
     * only); started before the command line is parsed, it runs beside picocli. Taken at most
     * once, so each server still signs with a key of its own; the only static state of the lab.
     */
    private static final AtomicReference<CompletableFuture<RSAKey>> NEXT_KEY = new AtomicReference<>();

    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicReference<Issuance> issuance;
    /** Being generated while the rest of the lab starts; the token and key endpoints wait for it. */
    private final CompletableFuture<RSAKey> key;
    private final EntraRefusals refusals;
    private final Set<String> secrets;
    private final String authority;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LabOAuth(HttpServer server, ExecutorService threads, Issuance issuance, CompletableFuture<RSAKey> key,
                     Set<String> secrets) {
        this.server = server;
        this.threads = threads;
        this.issuance = new AtomicReference<>(issuance);
        this.key = key;
        this.secrets = secrets;
        this.refusals = new EntraRefusals(TENANT, CLIENT_ID, secrets::contains, Clock.systemUTC());
        // the address, not "localhost", which may resolve to ::1 where nothing listens
        this.authority = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Starts the lab's Entra on 127.0.0.1, any free port.
     *
     * @throws IOException if it cannot listen
     */
    static LabOAuth start(Issuance issuance) throws IOException {
        return start(issuance, 0);
    }

    /** As {@link #start(Issuance)} on a given port (0: any free one). */
    static LabOAuth start(Issuance issuance, int port) throws IOException {
        Objects.requireNonNull(issuance, "issuance");
        // Generated ahead or from now on, beside the rest of the lab's start (RSA key generation
        // takes 0.1-1.2 s under C1), not inside the first HTTP request.
        CompletableFuture<RSAKey> key = takeKey();
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        secrets.add(CLIENT_SECRET);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}), port), 50);
        } catch (IOException e) {
            throw new IOException("the lab's OAuth server cannot start: " + e.getMessage(), e);
        }
        ExecutorService threads = Executors.newCachedThreadPool(LabServer.daemonThreads("smtp-doctor-lab-entra"));
        server.setExecutor(threads);
        LabOAuth entra = new LabOAuth(server, threads, issuance, key, secrets);
        server.createContext("/", entra::handle);
        server.start();
        return entra;
    }

    /**
     * Starts generating the next lab Entra's key in the background when this command line is going
     * to start the lab's Entra: {@code check --lab} with an {@code oauth-*} or {@code graph-*}
     * scenario, {@code relay --lab} and {@code tenant --lab} (their labs always run it). Does
     * nothing otherwise, or for --help and --version: on two CPUs a key nobody takes would only
     * slow the command down.
     */
    public static void prepareFor(String... args) {
        if (startsEntra(args)) {
            NEXT_KEY.compareAndSet(null, generateInBackground());
        }
    }

    /** A new key, generated in a daemon thread of its own. */
    private static CompletableFuture<RSAKey> generateInBackground() {
        return CompletableFuture.supplyAsync(LabOAuth::freshKey, r -> {
            Thread t = new Thread(r, "smtp-doctor-lab-entra-key");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Whether this command line will start the lab's Entra (see {@link #prepareFor}). */
    static boolean startsEntra(String... args) {
        if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h") || List.of(args).contains("--version")) {
            return false;
        }
        Optional<String> scenario = Optional.empty();
        boolean lab = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--lab")) {
                lab = true;
                scenario = i + 1 < args.length ? Optional.of(args[i + 1]) : Optional.empty();
            } else if (args[i].startsWith("--lab=")) {
                lab = true;
                scenario = Optional.of(args[i].substring("--lab=".length()));
            }
        }
        if (args.length == 0 || !lab) {
            return false;
        }
        return switch (args[0]) {
            case "relay", "tenant" -> true;
            case "check" -> scenario.flatMap(Scenarios::byName).map(s -> {
                Fault fault = Scenarios.definition(s.name()).fault();
                return fault.usesEntra() || fault.graph();
            }).orElse(false);
            default -> false;
        };
    }

    /** The key prepared ahead if there is one (once), else a new one from now on. */
    private static CompletableFuture<RSAKey> takeKey() {
        CompletableFuture<RSAKey> prepared = NEXT_KEY.getAndSet(null);
        return prepared != null ? prepared : generateInBackground();
    }

    /** A new RSA key pair of the lab's own: a fixed key would let anyone who reads this code sign lab tokens. */
    private static RSAKey freshKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS);
            KeyPair pair = generator.generateKeyPair();
            return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate())
                    .keyUse(KeyUse.SIGNATURE).keyID(ISSUER_ID).build();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no RSA", e);
        }
    }

    /**
     * Adds a client secret to the lab's app, as an admin adds one in the portal (Certificates &
     * secrets): from now on it is accepted beside {@link #CLIENT_SECRET}. For a test whose secret
     * must be its own (a canary that must never be printed).
     */
    public void addClientSecret(String secret) {
        secrets.add(Objects.requireNonNull(secret, "secret"));
    }

    /** From now on, tokens say this (the lab switched scenario); tokens already issued are unchanged. */
    void issue(Issuance next) {
        issuance.set(Objects.requireNonNull(next, "issuance"));
    }

    /** Base URL without a trailing slash, in place of {@code https://login.microsoftonline.com}. */
    public String authority() {
        return authority;
    }

    public String tenant() {
        return TENANT;
    }

    public String clientId() {
        return CLIENT_ID;
    }

    /** {@code authority() + "/" + tenant() + "/oauth2/v2.0/token"}. */
    public String tokenEndpoint() {
        return issuer() + "/token";
    }

    /** Where the token-signing public keys are (a JWK set). */
    public String jwksUri() {
        return issuer() + "/jwks";
    }

    /** The {@code iss} of every token: {@code authority() + "/" + tenant() + "/oauth2/v2.0"}. */
    public String issuer() {
        return authority + "/" + ISSUER_ID;
    }

    /** The OpenID Connect discovery document of the issuer: {@code issuer() + "/.well-known/openid-configuration"}. */
    public String metadataUri() {
        return issuer() + "/.well-known/openid-configuration";
    }

    /** Fetches the public keys from {@link #jwksUri()}, as a resource server does (5 s timeouts). */
    JWKSet fetchKeys() throws IOException {
        try {
            return JWKSet.load(new URL(jwksUri()), 5_000, 5_000, 64 * 1024);
        } catch (IOException e) {
            throw new IOException("the lab's OAuth server did not serve its keys (" + e.getMessage() + ")", e);
        } catch (ParseException e) {
            throw new IOException("the lab's OAuth server sent an unreadable JWK set", e);
        }
    }

    /**
     * The public keys as a resource server holds them: fetched from {@link #jwksUri()} when the
     * first token is checked, then kept. Not at a server's start, so that the lab's other servers
     * start while the key is being generated. A fetch that fails is tried again at the next token.
     */
    JWKSource<SecurityContext> keySource() {
        AtomicReference<JWKSet> fetched = new AtomicReference<>();
        return (selector, context) -> {
            JWKSet keys = fetched.get();
            if (keys == null) {
                try {
                    keys = fetchKeys();
                } catch (IOException e) {
                    throw new KeySourceException(e.getMessage(), e);
                }
                fetched.compareAndSet(null, keys);
            }
            return selector.select(keys);
        };
    }

    /** Stops the server; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "LabOAuth[" + authority + ", tenant " + TENANT + (closed.get() ? ", closed" : "") + "]";
    }

    // ---- HTTP

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            try {
                route(x);
            } catch (RuntimeException e) {
                // The client gets a 500, not a connection closed without an answer.
                send(x, 500, "text/plain; charset=utf-8", "Internal Server Error");
            }
        }
    }

    private void route(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        String method = x.getRequestMethod();
        byte[] body = x.getRequestBody().readNBytes(MAX_REQUEST + 1);
        if (body.length > MAX_REQUEST) {
            send(x, 413, "text/plain; charset=utf-8", "Request Entity Too Large");
            return;
        }
        Matcher endpoint = ENDPOINT.matcher(path);
        Matcher keys = KEYS.matcher(path);
        Matcher metadata = METADATA.matcher(path);
        if (endpoint.matches()) {
            EntraRefusals.Request request = new EntraRefusals.Request(method, endpoint.group(1), endpoint.group(2),
                    form(new String(body, StandardCharsets.UTF_8)), Optional.ofNullable(x.getRequestHeaders().getFirst("Authorization")));
            Optional<EntraRefusals.Refusal> refusal = refusals.refusal(request);
            if (refusal.isPresent()) {
                refuse(x, refusal.get());
            } else {
                send(x, 200, "application/json; charset=utf-8", tokenResponse(request));
            }
        } else if ((keys.matches() || metadata.matches()) && method.equals("GET")) {
            Optional<EntraRefusals.Refusal> refusal = refusals.tenantRefusal((keys.matches() ? keys : metadata).group(1), CLIENT_ID);
            if (refusal.isPresent()) {
                refuse(x, refusal.get());
            } else if (keys.matches()) {
                send(x, 200, "application/json; charset=utf-8", new JWKSet(key.join()).toPublicJWKSet().toString());
            } else {
                send(x, 200, "application/json; charset=utf-8", JSONObjectUtils.toJSONString(metadata()));
            }
        } else {
            send(x, 404, "text/plain; charset=utf-8", "Not Found");
        }
    }

    private void refuse(HttpExchange x, EntraRefusals.Refusal refusal) throws IOException {
        send(x, refusal.status(), "application/json; charset=utf-8", refusals.body(refusal));
    }

    private static void send(HttpExchange x, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", contentType);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    /** An application/x-www-form-urlencoded body; the first value of each name. */
    static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: the field is left out, as if not sent
            }
        }
        return fields;
    }

    /** The subset of Entra's v2.0 discovery document that OAuth and OpenID Connect clients read. */
    private Map<String, Object> metadata() {
        Map<String, Object> doc = new LinkedHashMap<>();
        String base = authority + "/" + TENANT;
        doc.put("token_endpoint", tokenEndpoint());
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
        doc.put("jwks_uri", jwksUri());
        doc.put("response_modes_supported", List.of("query", "fragment", "form_post"));
        doc.put("subject_types_supported", List.of("pairwise"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("response_types_supported", List.of("code", "id_token", "code id_token", "id_token token"));
        doc.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
        doc.put("issuer", issuer());
        doc.put("request_uri_parameter_supported", false);
        doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        doc.put("device_authorization_endpoint", base + "/oauth2/v2.0/devicecode");
        doc.put("end_session_endpoint", base + "/oauth2/v2.0/logout");
        doc.put("tenant_region_scope", "EU");
        doc.put("cloud_instance_name", "microsoftonline.com");
        return doc;
    }

    /** Entra's answer to a client-credentials request it accepted: a signed token for the scope's resource. */
    private String tokenResponse(EntraRefusals.Request request) {
        Issuance now = issuance.get();
        List<String> scopes = List.of(request.field("scope").orElse("").trim().split(" +"));
        Optional<String> graph = graphResource(scopes);
        String appId = request.clientId().orElse(CLIENT_ID);
        Instant issued = now.expired() ? Instant.now().minus(Duration.ofHours(2)) : Instant.now();
        Instant expires = issued.plus(LIFETIME);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(SERVICE_PRINCIPAL_ID) // app-only tokens: sub = oid of the service principal
                .audience(audience(now, graph, scopes))
                .issuer(issuer())
                .issueTime(Date.from(issued))
                .notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim("tid", TENANT)
                .claim("appid", appId)
                .claim("azp", appId)
                .claim("oid", SERVICE_PRINCIPAL_ID)
                .claim("idtyp", "app")
                .claim("app_displayname", "smtp-doctor lab");
        List<String> roles = graph.isPresent() ? now.graphRoles() : now.roles();
        if (!roles.isEmpty()) {
            claims.claim("roles", roles);
        }
        RSAKey signing = key.join();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signing.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner(signing));
        } catch (JOSEException e) {
            throw new IllegalStateException("the lab's Entra could not sign a token", e);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("token_type", "Bearer");
        // what is left of the token's life: negative for an expired issuance, as the token says
        long left = Duration.between(Instant.now(), expires).toSeconds();
        response.put("expires_in", left);
        response.put("ext_expires_in", left);
        response.put("access_token", jwt.serialize());
        return JSONObjectUtils.toJSONString(response);
    }

    /**
     * What the scenario's issuance says; for the healthy issuance, the Exchange Online resource
     * the client asked for ({@code RESOURCE/.default}), as Entra does, so that a client asking
     * for another cloud's scope gets a token that cloud's Exchange refuses. A Graph scope gets
     * Graph, whatever the issuance.
     */
    private static List<String> audience(Issuance issuance, Optional<String> graph, List<String> scopes) {
        if (graph.isPresent()) {
            return List.of(graph.get());
        }
        if (issuance.withGraphRoles(GRAPH_ROLES).equals(Issuance.EXCHANGE)) {
            for (String scope : scopes) {
                String resource = scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length()) : "";
                if (MicrosoftCloud.isExchangeAudience(resource)) {
                    return List.of(resource);
                }
            }
        }
        return List.of(issuance.audience());
    }

    /** A Graph resource asked for ({@code https://graph.microsoft.com/.default}, or a national cloud's), as Entra issues it. */
    private static Optional<String> graphResource(List<String> scopes) {
        for (String scope : scopes) {
            for (MicrosoftCloud c : MicrosoftCloud.values()) {
                if (scope.equals(c.graphScope())) {
                    return Optional.of(c.graph().toString());
                }
            }
        }
        return Optional.empty();
    }
}
