package dev.tokenplane.bms.support;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;

/**
 * A real member (Hazelcast, HTTP) on a fake clock whose periodic jobs run only when the test moves time
 * ({@link ManualScheduler}).
 */
public final class HandTickedMember implements AutoCloseable {
    public final FakeClock clock = new FakeClock();
    public final ManualScheduler ticks = new ManualScheduler(clock);
    public final BmsNode node;
    public final Api api;

    /** A member with {@code options}, ticking every {@code interval} ({@code BMS_SIZING_INTERVAL_MS}). */
    public HandTickedMember(BmsOptions options, Duration interval) throws Exception {
        this.node = BmsNode.start(
                TestSettings.member()
                        .with("BMS_SIZING_INTERVAL_MS", Long.toString(interval.toMillis()))
                        .build(),
                options.withScheduler(vertx -> ticks),
                clock);
        this.api = new Api(node.url(), node.adminToken());
    }

    @Override
    public void close() {
        node.stop();
    }
}
