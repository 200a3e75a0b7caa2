package org.smtpdoctor.graph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.smtpdoctor.smtp.Redactor;
import org.smtpdoctor.smtp.Secret;

/**
 * HTTP to Microsoft Graph with the JDK's client: TLS 1.2+ with the JDK's authorities (plus
 * extra anchors for a TLS-inspecting proxy the admin trusts) and the host name checked; plain
 * http only to loopback ({@link GraphEndpoint}); a connect timeout and a bound on every
 * exchange (headers and body); no redirects followed (a bearer token is never sent anywhere
 * Graph did not say); the system's proxy settings. Response bodies are read up to
 * {@link #MAX_BODY} and redacted, like every error message, with the {@link Redactor} the
 * caller registers tokens and upload URLs in. Thread-safe; one instance per upstream or
 * command.
 */
public final class GraphHttp {

    /** Graph's answers here are small (errors, ids, pages of 50 sign-ins); more is not read. */
    static final int MAX_BODY = 2 * 1024 * 1024;

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Redactor redactor;

    /**
     * @param readTimeout bounds one exchange from the request to the last byte of the answer
     *                    (uploads get {@link Request#timeout} instead when they set one)
     */
    public GraphHttp(Duration connectTimeout, Duration readTimeout, List<X509Certificate> extraTrust, Redactor redactor) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.redactor = redactor;
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(ProxySelector.getDefault())
                .sslContext(sslContext(extraTrust))
                .sslParameters(tls)
                .build();
    }

    public Redactor redactor() {
        return redactor;
    }

    /**
     * One request.
     *
     * @param bearer  the access token for {@code Authorization}; empty for an upload URL, which carries its own
     * @param timeout for this exchange, instead of the read timeout (large uploads)
     */
    public record Request(String method, URI uri, Optional<Secret> bearer, Optional<String> contentType, byte[] body,
                          List<String> headers, Optional<Duration> timeout) {

        public static Request get(URI uri, Secret bearer) {
            return new Request("GET", uri, Optional.of(bearer), Optional.empty(), new byte[0], List.of(), Optional.empty());
        }

        public static Request json(String method, URI uri, Secret bearer, String json) {
            return new Request(method, uri, Optional.of(bearer), Optional.of("application/json"),
                    json.getBytes(StandardCharsets.UTF_8), List.of(), Optional.empty());
        }

        /** Extra headers as name, value pairs. */
        public Request with(String... nameValues) {
            List<String> h = new java.util.ArrayList<>(headers);
            h.addAll(List.of(nameValues));
            return new Request(method, uri, bearer, contentType, body, h, timeout);
        }

        public Request timeout(Duration d) {
            return new Request(method, uri, bearer, contentType, body, headers, Optional.of(d));
        }
    }

    /**
     * Sends and waits for the whole answer.
     *
     * @param inflight where the exchange in progress is kept, so that another thread can
     *                 {@link #abort} it (shutdown); may be null
     */
    public GraphResponse send(Request r, AtomicReference<CompletableFuture<?>> inflight) throws GraphException {
        HttpRequest.Builder b = HttpRequest.newBuilder(r.uri())
                .method(r.method(), r.body().length == 0 && r.method().equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(r.body()))
                .timeout(r.timeout().orElse(readTimeout))
                .header("Accept", "application/json")
                .header("User-Agent", "smtp-doctor");
        r.bearer().ifPresent(t -> b.header("Authorization", "Bearer " + t.reveal()));
        r.contentType().ifPresent(c -> b.header("Content-Type", c));
        for (int i = 0; i + 1 < r.headers().size(); i += 2) {
            b.header(r.headers().get(i), r.headers().get(i + 1));
        }
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(b.build(), info -> new Bounded(MAX_BODY));
        if (inflight != null) {
            inflight.set(future);
        }
        Duration bound = r.timeout().orElse(readTimeout).plus(connectTimeout);
        try {
            HttpResponse<byte[]> response = future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            String body = redactor.redact(new String(response.body(), StandardCharsets.UTF_8));
            Optional<String> requestId = response.headers().firstValue("request-id")
                    .or(() -> response.headers().firstValue("client-request-id"));
            return new GraphResponse(response.statusCode(), body,
                    GraphResponse.retryAfter(response.headers().firstValue("Retry-After")), requestId,
                    response.headers().firstValue("Location"));
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new GraphException(GraphException.Kind.READ_TIMEOUT, "no answer from " + where(r.uri()) + " within "
                    + bound.toSeconds() + " s");
        } catch (CancellationException e) {
            throw new GraphException(GraphException.Kind.ABORTED, "the request to " + where(r.uri()) + " was cut (shutdown)");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new GraphException(GraphException.Kind.ABORTED, "interrupted while waiting for " + where(r.uri()));
        } catch (ExecutionException e) {
            throw failure(r.uri(), e.getCause());
        } finally {
            if (inflight != null) {
                inflight.compareAndSet(future, null);
            }
        }
    }

    /** Cuts the exchange in progress, if any (another thread's). */
    public static void abort(AtomicReference<CompletableFuture<?>> inflight) {
        CompletableFuture<?> f = inflight.getAndSet(null);
        if (f != null) {
            f.cancel(true);
        }
    }

    private GraphException failure(URI uri, Throwable cause) {
        String where = where(uri);
        Throwable c = cause;
        while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof HttpConnectTimeoutException) {
            return new GraphException(GraphException.Kind.CONNECT_TIMEOUT, "cannot connect to " + where + " within "
                    + connectTimeout.toSeconds() + " s");
        }
        if (c instanceof HttpTimeoutException) {
            return new GraphException(GraphException.Kind.READ_TIMEOUT, "no answer from " + where + " within "
                    + readTimeout.toSeconds() + " s");
        }
        if (c instanceof ConnectException && c.getCause() instanceof UnresolvedAddressException) {
            return new GraphException(GraphException.Kind.DNS, "cannot resolve " + uri.getHost() + " (DNS)");
        }
        if (c instanceof ConnectException) {
            return new GraphException(GraphException.Kind.REFUSED, "cannot connect to " + where + " (connection refused)");
        }
        if (c instanceof SSLException) {
            return new GraphException(GraphException.Kind.TLS, "TLS with " + where + " failed ("
                    + redactor.redact(String.valueOf(c.getMessage())) + "); a proxy intercepting TLS?");
        }
        if (c instanceof CancellationException) {
            return new GraphException(GraphException.Kind.ABORTED, "the request to " + where + " was cut (shutdown)");
        }
        String m = c instanceof IOException && c.getMessage() != null ? c.getMessage() : String.valueOf(c);
        return new GraphException(GraphException.Kind.BROKEN, "the connection to " + where + " broke ("
                + redactor.redact(m) + ")");
    }

    /** Host and port only: an upload URL's query holds its token. */
    static String where(URI uri) {
        return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    /** Collects the body up to a bound and drops the rest, so that no answer can fill the memory. */
    private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Bounded(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int room = max - out.size();
                int n = Math.min(room, b.remaining());
                if (n > 0) {
                    byte[] chunk = new byte[n];
                    b.get(chunk);
                    out.write(chunk, 0, n);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }

    /** The JDK's authorities, and the extra anchors when there are some. */
    private static SSLContext sslContext(List<X509Certificate> extra) {
        try {
            if (extra.isEmpty()) {
                return SSLContext.getDefault();
            }
            X509TrustManager jdk = trustManager(null);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < extra.size(); i++) {
                store.setCertificateEntry("extra-" + i, extra.get(i));
            }
            X509TrustManager mine = trustManager(store);
            X509TrustManager both = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("not a server");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    try {
                        mine.checkServerTrusted(chain, authType);
                    } catch (CertificateException e) {
                        jdk.checkServerTrusted(chain, authType);
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return jdk.getAcceptedIssuers();
                }
            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {both}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("TLS is not available in this Java runtime: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        X509TrustManager tm = org.smtpdoctor.tls.TlsClient.trustManager(store);
        if (tm == null) {
            throw new GeneralSecurityException("no X.509 trust manager");
        }
        return tm;
    }

    @Override
    public String toString() {
        return "GraphHttp[connect " + connectTimeout.toSeconds() + " s, read " + readTimeout.toSeconds() + " s]";
    }
}
