package dev.tokenplane.bms.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client that asks one token at a time of one key, one request after the other, on its own thread, and counts what
 * it was granted. Its first request finds the bucket full; at the end, what it was granted plus what the bucket still
 * holds (the last answer's {@code remaining}) must be exactly what the bucket had to give, {@code capacity + refill x
 * elapsed}, within one token.
 *
 * <p>The bounds use this client's own clock: the server's time between the first and the last decision lies between
 * {@code lastSent - firstAnswered} and {@code lastAnswered - firstSent}. The lower bound holds while the bucket never
 * fills up again after the first request (no refill is lost at the capacity): use a bucket that takes longer to refill
 * than the test runs, and a client that asks faster than it refills, however slow the server gets.
 */
public final class WellBehavedClient implements AutoCloseable {
    private static final Pattern REMAINING = Pattern.compile("\"remaining\":(\\d+)");
    private final Api api;
    private final String path;
    private final String[] headers;
    private final boolean bearer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long firstSent;
    private volatile long firstAnswered;
    private volatile long lastSent;
    private volatile long lastAnswered;
    private volatile long granted;
    private volatile long lastRemaining;
    private volatile long denied;
    private volatile long errors;
    private volatile String lastError;

    /** Starts asking {@code key} at {@code base} (with {@code Authorization: Bearer token}, if not null). */
    public WellBehavedClient(String base, String key, String token) {
        this(base, key, token, null);
    }

    /** Starts asking {@code key} at {@code base}, with a bearer {@code token} and an {@code apiKey}, each if not null. */
    public WellBehavedClient(String base, String key, String token, String apiKey) {
        this.api = new Api(base, token);
        this.path = "/v1/buckets/" + key + "/acquire";
        this.bearer = token != null;
        this.headers = apiKey == null ? new String[0] : new String[] {"X-Api-Key", apiKey};
        this.thread = new Thread(this::run, "well-behaved-" + key);
        thread.setDaemon(true);
        thread.start();
        Await.until(() -> granted > 0 || errors > 0);
        assertThat(errors)
                .as("the first request of the well-behaved client: %s", lastError)
                .isZero();
    }

    private void run() {
        while (running.get()) {
            long sent = System.nanoTime();
            try {
                Api.Response r = api.send("POST", path, "{\"tokens\":1}", bearer, headers);
                long answered = System.nanoTime();
                if (firstSent == 0) {
                    firstSent = sent;
                    firstAnswered = answered;
                }
                lastSent = sent;
                lastAnswered = answered;
                if (r.status() != 200) {
                    errors++;
                    lastError = r.status() + " " + r.body();
                } else {
                    Matcher m = REMAINING.matcher(r.body());
                    lastRemaining = m.find() ? Long.parseLong(m.group(1)) : -1;
                    if (r.body().contains("\"granted\":true")) {
                        granted++;
                    } else {
                        denied++;
                    }
                }
            } catch (Exception e) {
                errors++;
                lastError = e.toString();
            }
        }
    }

    public long granted() {
        return granted;
    }

    public long decisions() {
        return granted + denied;
    }

    /** Stops, then checks that the grants match the bucket exactly and that no request failed. */
    public void assertExactAdmission(long capacity, double refillPerSecond) throws InterruptedException {
        close();
        double longest = (lastAnswered - firstSent) / 1e9;
        double shortest = (lastSent - firstAnswered) / 1e9;
        assertThat(errors)
                .as("failed requests of the well-behaved client, last: %s", lastError)
                .isZero();
        assertThat((double) granted)
                .as("grants over %.1f s (%d denied)", longest, denied)
                .isLessThanOrEqualTo(capacity + refillPerSecond * longest);
        assertThat((double) granted + lastRemaining)
                .as("grants (%d, %d denied) + tokens left (%d) over %.1f s", granted, denied, lastRemaining, longest)
                .isLessThanOrEqualTo(capacity + refillPerSecond * longest)
                .isGreaterThanOrEqualTo(capacity + refillPerSecond * shortest - 1);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(35_000);
    }
}
