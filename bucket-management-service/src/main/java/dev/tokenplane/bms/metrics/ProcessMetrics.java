package dev.tokenplane.bms.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's and the process's meters, from Micrometer's binders: memory and buffer pools ({@code jvm_memory_*},
 * {@code jvm_buffer_*}), GC ({@code jvm_gc_*}), threads ({@code jvm_threads_*}), classes ({@code jvm_classes_*}), CPU
 * ({@code process_cpu_usage}, {@code system_cpu_*}), uptime ({@code process_uptime_seconds},
 * {@code process_start_time_seconds}) and file descriptors ({@code process_files_*}).
 */
public final class ProcessMetrics {
    private ProcessMetrics() {}

    /** Binds every binder to {@code registry}; close the answer at stop (the GC binder listens to the JVM). */
    public static AutoCloseable bind(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return gc;
    }
}
