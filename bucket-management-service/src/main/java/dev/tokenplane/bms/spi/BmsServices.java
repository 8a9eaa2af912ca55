package dev.tokenplane.bms.spi;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.buckets.BucketDirectory;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.transfer.PoolSettingsRegistry;
import dev.tokenplane.store.BucketStore;
import io.vertx.core.Vertx;

import java.time.InstantSource;
import java.util.concurrent.Executor;

/**
 * What a running BMS member offers the features that plug into it (the sizing loop, the transfer protocol, extra
 * routes): the store, the replicated configuration, the agents, the resize history and the meters.
 *
 * @param callbacks    the executor for continuations of Hazelcast stages (wrap them with
 *                     {@link dev.tokenplane.bms.cluster.Completions#on})
 * @param poolSettings the replicated, persisted run-time settings of the transfer pools (started with the rules)
 * @param resolver     what serves each bucket (rule, override, transfer settings): the one place that resolves it
 */
public record BmsServices(BmsSettings settings, Vertx vertx, HazelcastInstance hazelcast, BucketStore store,
                          BucketDirectory directory, RuleRegistry rules, OverrideRegistry overrides,
                          AgentRegistry agents, ResizeHistory history, BmsMetrics metrics, InstantSource clock,
                          Executor callbacks, PoolSettingsRegistry poolSettings, BucketResolver resolver) {
}
