package dev.tokenplane.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One HTTP exchange with one BMS URL, on the JDK's {@link HttpClient}: HTTP/1.1 with keep-alive connections pooled by
 * the JDK, TLS trusting the JVM's store or a PEM file of CAs (host names verified), the {@code X-Api-Key} header, and
 * at most {@code maxInFlight} exchanges per URL at a time (an HTTP/1.1 exchange holds a connection, so this bounds
 * the connections per URL; the others queue). Retries and failover are {@link Failover}'s.
 *
 * <p>Thread-safe; futures complete on the HTTP client's executor (daemon threads).
 */
final class BmsHttp {

    /** An answer: status and body. */
    record Reply(int status, byte[] body) {}

    /** Null once closed: on Java 17 the JDK's client stops its thread and connections when it is collected. */
    private volatile HttpClient http;
    /**
     * Completes the exchanges: daemon threads that end after a second idle, so a closed client leaves none behind
     * (the JDK's default pool keeps its threads a minute).
     */
    private static final Executor EXECUTOR =
            new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "tokenplane-client-http");
                t.setDaemon(true);
                return t;
            });

    private final List<URI> bases;
    private final String apiKey;
    private final InFlight[] inFlight;

    /**
     * @param connectTimeout the TCP connect timeout; for {@code https://} URLs the JDK counts the TLS handshake in it,
     *                       so it is then at least {@code attemptTimeout}
     */
    BmsHttp(
            List<URI> urls,
            String apiKey,
            Path trustCaFile,
            Duration connectTimeout,
            Duration attemptTimeout,
            int maxInFlight) {
        boolean tls = urls.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(tls && attemptTimeout.compareTo(connectTimeout) > 0 ? attemptTimeout : connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(EXECUTOR);
        if (trustCaFile != null) {
            builder.sslContext(trusting(trustCaFile));
        }
        this.http = builder.build();
        this.bases = urls.stream()
                .map(u -> URI.create(u.toString().replaceAll("/+$", "")))
                .toList();
        this.apiKey = apiKey;
        this.inFlight = new InFlight[urls.size()];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = new InFlight(maxInFlight);
        }
    }

    int endpointCount() {
        return bases.size();
    }

    String describe(int index) {
        return bases.get(index).toString();
    }

    /** Exchanges in flight now, over every URL. */
    int inFlight() {
        int sum = 0;
        for (InFlight f : inFlight) {
            sum += f.active.get();
        }
        return sum;
    }

    /**
     * Sends {@code body} ({@code POST}, or {@code GET} when null) to {@code path} of URL {@code index}, answering
     * within {@code timeout}; {@code callerKey} replaces the client's own API key when not null.
     */
    CompletableFuture<Reply> send(int index, String path, byte[] body, Duration timeout, String callerKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bases.get(index) + path))
                .timeout(timeout)
                .header("User-Agent", "tokenplane-client");
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        String key = callerKey != null ? callerKey : apiKey;
        if (key != null) {
            request.header("X-Api-Key", key);
        }
        HttpRequest built = request.build();
        return inFlight[index].run(() -> {
            HttpClient client = http;
            if (client == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
            }
            return client.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(r -> new Reply(r.statusCode(), r.body()));
        });
    }

    /** Closes the connections where the JDK can (its {@code HttpClient.close()} came with Java 21). */
    void close() {
        HttpClient client = http;
        http = null;
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing is best effort: the JDK closes idle connections when the client is collected
            }
        }
    }

    /** The TLS context of a connection to the BMS: trusting {@code caFile}'s CAs, or the JVM's when null. */
    static SSLContext tls(Path caFile) {
        if (caFile != null) {
            return trusting(caFile);
        }
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("trustCaFile must hold PEM certificates, was " + caFile, e);
        }
    }

    /** At most {@code max} exchanges at once; the others wait in a queue, in order. */
    private static final class InFlight {
        private final int max;
        private final AtomicInteger active = new AtomicInteger();
        private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

        InFlight(int max) {
            this.max = max;
        }

        <T> CompletableFuture<T> run(java.util.function.Supplier<CompletableFuture<T>> exchange) {
            CompletableFuture<T> out = new CompletableFuture<>();
            waiting.add(() -> {
                CompletableFuture<T> started;
                try {
                    started = exchange.get();
                } catch (RuntimeException e) {
                    started = CompletableFuture.failedFuture(e);
                }
                started.whenComplete((v, e) -> {
                    active.decrementAndGet();
                    drain();
                    if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        out.complete(v);
                    }
                });
            });
            drain();
            return out;
        }

        private void drain() {
            while (!waiting.isEmpty()) {
                int n = active.get();
                if (n >= max) {
                    return;
                }
                if (active.compareAndSet(n, n + 1)) {
                    Runnable next = waiting.poll();
                    if (next == null) {
                        active.decrementAndGet();
                    } else {
                        next.run();
                    }
                }
            }
        }
    }
}
