package dev.tokenplane.benchmarks.sentinel;

import com.alibaba.csp.sentinel.cluster.TokenResultStatus;
import com.alibaba.csp.sentinel.cluster.client.DefaultClusterTokenClient;
import com.alibaba.csp.sentinel.cluster.client.config.ClusterClientAssignConfig;
import com.alibaba.csp.sentinel.cluster.client.config.ClusterClientConfig;
import com.alibaba.csp.sentinel.cluster.client.config.ClusterClientConfigManager;
import com.alibaba.csp.sentinel.init.InitExecutor;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.RateLimiterClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator of {@code run-sentinel-pairs.sh}: the same callers and offered load against Sentinel's token
 * server (through Sentinel's own Netty client, one per process as in an application), against the BMS over HTTP/1.1
 * ({@code bms}: keep-alive, one connection per caller, {@code POST /v1/buckets/{key}/acquire}), or against the BMS's
 * binary decision port ({@code wire}: the SDK's {@code decisionEndpoint} transport, one pipelined connection per
 * process as Sentinel's; a decision the SDK did not get from the BMS counts as an error).
 *
 * <pre>java -cp benchmarks.jar dev.tokenplane.benchmarks.sentinel.DecisionLoad sentinel|bms|wire HOST:PORT[,...] CALLERS RATE SECONDS KEYS</pre>
 * With several BMS addresses (members of one cluster), caller i connects to address i modulo their number.
 * RATE is decisions per second over all callers (each caller paced at RATE / CALLERS, latency counted from the
 * intended send time, so a stall is not hidden); 0 runs closed-loop (each caller sends as soon as it has an answer).
 * The BMS's admin token comes from the environment variable {@code BENCH_BMS_TOKEN}. Prints one JSON line.
 */
public final class DecisionLoad {

    private DecisionLoad() {}

    /** One caller's connection: a decision on key number {@code key}, true when granted. */
    interface Caller {
        boolean decide(int key) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("project.name", SentinelTokenServerMain.NAMESPACE); // Sentinel's namespace, read once
        String target = args[0];
        String[] addresses = args[1].split(","); // for the BMS: caller i connects to address i % n
        String[] hostPort = addresses[0].split(":");
        int callers = Integer.parseInt(args[2]);
        double rate = Double.parseDouble(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int keys = Integer.parseInt(args[5]);
        String[] bmsKeys = new String[keys]; // made once: the generator's own garbage is not what is measured
        for (int k = 0; k < keys; k++) {
            bmsKeys[k] = "bench:k" + k;
        }
        String host = hostPort[0];
        int port = Integer.parseInt(hostPort[1]);

        DefaultClusterTokenClient sentinel = null;
        if (target.equals("sentinel")) {
            InitExecutor
                    .doInit(); // registers the client's codecs (DefaultClusterClientInitFunc), as an application's Env
            // does
            ClusterClientConfigManager.applyNewConfig(new ClusterClientConfig().setRequestTimeout(2000));
            ClusterClientConfigManager.applyNewAssignConfig(new ClusterClientAssignConfig(host, port));
            sentinel = new DefaultClusterTokenClient();
            sentinel.start();
            DefaultClusterTokenClient started = sentinel;
            long deadline = System.nanoTime() + 10_000_000_000L;
            for (int status = -100; status != TokenResultStatus.OK; ) {
                status = started.requestToken(1L, 1, false).getStatus();
                if (System.nanoTime() > deadline) {
                    System.err.println("sentinel token server not answering at " + args[1] + ": status " + status);
                    System.exit(1);
                }
                LockSupport.parkNanos(50_000_000);
            }
        }
        RateLimiterClient sdk = target.equals("wire") ? wireClient(host, port) : null;
        String token = System.getenv("BENCH_BMS_TOKEN");
        long[][] latencies = new long[callers][];
        int[] counts = new int[callers];
        AtomicLong denied = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(callers);
        long intervalNs = rate > 0 ? (long) (1e9 * callers / rate) : 0;
        long start = System.nanoTime() + 200_000_000L;
        long end = start + seconds * 1_000_000_000L;
        for (int c = 0; c < callers; c++) {
            int id = c;
            DefaultClusterTokenClient client = sentinel;
            Caller caller = client != null
                    ? key -> client.requestToken(1L + key, 1, false).getStatus() == TokenResultStatus.OK
                    : sdk != null
                            ? key -> granted(sdk.acquire(bmsKeys[key], 1, Duration.ZERO))
                            : new HttpCaller(
                                    addresses[id % addresses.length].split(":")[0],
                                    Integer.parseInt(
                                            addresses[id % addresses.length].split(":")[1]),
                                    token);
            Thread t = new Thread(
                    () -> {
                        long[] own = new long[1 << 16];
                        int n = 0;
                        int key = id;
                        long next = start + (intervalNs > 0 ? intervalNs * id / callers : 0);
                        try {
                            while (true) {
                                long now = System.nanoTime();
                                if (intervalNs > 0) {
                                    while (now < next) {
                                        LockSupport.parkNanos(next - now);
                                        now = System.nanoTime();
                                    }
                                } else if (now < start) {
                                    LockSupport.parkNanos(start - now);
                                    continue;
                                }
                                if (now >= end) {
                                    break;
                                }
                                long sent = intervalNs > 0 ? next : now;
                                try {
                                    if (!caller.decide(key % keys)) {
                                        denied.incrementAndGet();
                                    }
                                } catch (Exception e) {
                                    errors.incrementAndGet();
                                }
                                if (n == own.length) {
                                    own = Arrays.copyOf(own, n * 2);
                                }
                                own[n++] = System.nanoTime() - sent;
                                key += callers;
                                next += intervalNs;
                            }
                        } finally {
                            latencies[id] = own;
                            counts[id] = n;
                            done.countDown();
                        }
                    },
                    "caller-" + c);
            t.start();
        }
        done.await();
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < callers; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        System.out.printf(
                "{\"target\":\"%s\",\"callers\":%d,\"offered\":%.0f,\"keys\":%d,\"seconds\":%d,"
                        + "\"decisions\":%d,\"perSecond\":%.0f,\"p50us\":%.0f,\"p99us\":%.0f,\"p999us\":%.0f,"
                        + "\"denied\":%d,\"errors\":%d}%n",
                target,
                callers,
                rate,
                keys,
                seconds,
                total,
                total / (double) seconds,
                pct(all, 0.50),
                pct(all, 0.99),
                pct(all, 0.999),
                denied.get(),
                errors.get());
        System.exit(0);
    }

    /** The SDK on the binary port (HTTP only for what is not a single acquire); its first decision is awaited. */
    private static RateLimiterClient wireClient(String host, int port) throws Exception {
        RateLimiterClient sdk = RateLimiterClient.builder()
                .bmsUrls("http://" + host + ":" + System.getProperty("bench.httpPort", "8080"))
                .decisionEndpoint(host, port)
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                if (sdk.acquire("bench:k0", 1, Duration.ZERO).source() == DecisionSource.BMS) {
                    return sdk;
                }
            } catch (RuntimeException e) {
                // not ready yet
            }
            if (System.nanoTime() > deadline) {
                System.err.println("BMS decision port not answering at " + host + ":" + port);
                System.exit(1);
            }
            LockSupport.parkNanos(50_000_000);
        }
    }

    /** Granted by the BMS; a decision from the SDK's fallback is an error here. */
    private static boolean granted(Decision d) throws IOException {
        if (d.source() != DecisionSource.BMS) {
            throw new IOException("decided by the SDK's fallback, not the BMS");
        }
        return d.granted();
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e3;
    }

    /** One keep-alive HTTP/1.1 connection to the BMS, written and parsed by hand (the generator's CPU stays small). */
    static final class HttpCaller implements Caller {
        private final String host;
        private final int port;
        private final String token;
        private Socket socket;
        private OutputStream out;
        private InputStream in;
        private final byte[] body = new byte[8192];

        HttpCaller(String host, int port, String token) {
            this.host = host;
            this.port = port;
            this.token = token;
        }

        @Override
        public boolean decide(int key) throws IOException {
            if (socket == null) {
                socket = new Socket(host, port);
                socket.setTcpNoDelay(true);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream(), 16384);
            }
            try {
                out.write(("POST /v1/buckets/bench:k" + key + "/acquire HTTP/1.1\r\nHost: " + host
                                + "\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int status = readStatusAndHeaders();
                String answer = new String(body, 0, contentLength, StandardCharsets.UTF_8);
                if (status != 200) {
                    throw new IOException("status " + status + ": " + answer);
                }
                return answer.contains("\"granted\":true");
            } catch (IOException e) {
                socket.close();
                socket = null;
                throw e;
            }
        }

        private int contentLength;

        private int readStatusAndHeaders() throws IOException {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            contentLength = 0;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                    contentLength = Integer.parseInt(header.substring(15).trim());
                }
            }
            int read = 0;
            while (read < contentLength) {
                int r = in.read(body, read, contentLength - read);
                if (r < 0) {
                    throw new IOException("connection closed");
                }
                read += r;
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }
    }
}
