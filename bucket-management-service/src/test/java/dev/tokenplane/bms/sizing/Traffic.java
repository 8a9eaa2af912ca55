package dev.tokenplane.bms.sizing;

import dev.tokenplane.bms.support.Api;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What drives the sizing loop in the end-to-end tests, over real HTTP: demand (batches of acquires) and load reports
 * (as an agent posts them). Runs until closed.
 */
final class Traffic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Traffic.class);

    private final Api api;
    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "test-traffic");
        t.setDaemon(true);
        return t;
    });

    Traffic(Api api) {
        this.api = api;
    }

    /** Every 50 ms, asks {@code keys} for {@code items} tokens each, one at a time, in one batch. */
    Traffic demand(List<String> keys, int items) {
        List<Map<String, Object>> requests = new ArrayList<>();
        for (String key : keys) {
            for (int i = 0; i < items; i++) {
                requests.add(Map.of("key", key, "tokens", 1));
            }
        }
        Map<String, Object> body = Map.of("requests", requests);
        return every(50, () -> api.send("POST", "/v1/acquire", body, false));
    }

    /** Every 100 ms, reports {@code serverId}'s CPU as its agent would. */
    Traffic load(String serverId, double cpu) {
        return every(100, () -> api.post("/v1/agents/" + serverId + "/reports", report(cpu)));
    }

    /** Every 100 ms, reports {@code serverId}'s CPU and disk busy time as its agent would. */
    Traffic ioLoad(String serverId, double cpu, double diskBusy) {
        return every(100, () -> {
            Map<String, Object> r = report(cpu);
            r.put("diskBusy", diskBusy);
            api.post("/v1/agents/" + serverId + "/reports", r);
        });
    }

    static Map<String, Object> report(double cpu) {
        Map<String, Object> r = new HashMap<>();
        r.put("timestamp", System.currentTimeMillis());
        r.put("cpu", cpu);
        r.put("memory", 0.3);
        r.put("latencyP99Ms", 20);
        return r;
    }

    private Traffic every(long millis, Runnable call) {
        threads.scheduleWithFixedDelay(
                () -> {
                    try {
                        call.run();
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "traffic call failed: {}",
                                e.toString()); // keep going: a scheduled task that throws stops
                    }
                },
                0,
                millis,
                TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
