package dev.tokenplane.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * The agent's own metrics, served at {@code /metrics}. The Prometheus names are contracts (TEAM.md, the Grafana
 * dashboard): {@code agent_samples_total}, {@code agent_reports_sent_total}, {@code agent_reports_failed_total},
 * {@code agent_reports_dropped_total}, {@code agent_backoff_seconds}, {@code agent_buffer_size}. Beside them, the JVM's
 * and the process's own, from Micrometer's binders: {@code jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*},
 * {@code process_cpu_usage}, {@code process_uptime_seconds}, {@code process_files_*}.
 *
 * <p>Thread-safe (Micrometer meters are).
 */
public final class AgentMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter samples = Counter.builder("agent.samples")
            .description("Sampling ticks completed")
            .register(registry);
    private final Counter sent = Counter.builder("agent.reports.sent")
            .description("Reports the BMS accepted")
            .register(registry);
    private final Counter failed = Counter.builder("agent.reports.failed")
            .description("Report sends that failed (network error, timeout, or an error status)")
            .register(registry);
    private final Counter dropped = Counter.builder("agent.reports.dropped")
            .description("Reports dropped unsent because the buffer was full")
            .register(registry);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public AgentMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** Counts one sampling tick. */
    public void sampleTaken() {
        samples.increment();
    }

    /** Counts one report the BMS accepted. */
    public void reportSent() {
        sent.increment();
    }

    /** Counts one failed send. */
    public void reportFailed() {
        failed.increment();
    }

    /** Counts one report dropped from a full buffer. */
    public void reportDropped() {
        dropped.increment();
    }

    public double samples() {
        return samples.count();
    }

    public double reportsSent() {
        return sent.count();
    }

    public double reportsFailed() {
        return failed.count();
    }

    public double reportsDropped() {
        return dropped.count();
    }

    /**
     * Exposes the reporter's state as gauges.
     *
     * @param bufferSize     reports waiting to be sent
     * @param backoffSeconds the wait before the next retry, 0 when sending normally
     */
    public void trackReporter(Supplier<Number> bufferSize, Supplier<Number> backoffSeconds) {
        Gauge.builder("agent.buffer.size", bufferSize)
                .description("Reports waiting to be sent")
                .strongReference(true)
                .register(registry);
        Gauge.builder("agent.backoff", backoffSeconds)
                .baseUnit("seconds")
                .description("Current wait before the next retry to the BMS")
                .strongReference(true)
                .register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** Closes the registry. */
    public void close() {
        gc.close();
        registry.close();
    }
}
