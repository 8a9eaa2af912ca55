package dev.tokenplane.bms.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process and of the whole machine, read from Linux's {@code /proc} (for benchmarks that share a machine
 * with their load generator: how much of the CPU each side took). Times are in clock ticks of 1/100 s ({@code
 * CLK_TCK}, 100 on Linux).
 */
public final class ProcessCpu {
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {}

    /**
     * A reading: the process's user + system time and the machine's busy and total time, all in ticks, and the time
     * the process's threads were runnable but waited for a CPU (nanoseconds, summed over its threads).
     */
    public record Sample(
            long processTicks, long machineBusyTicks, long machineTotalTicks, long waitedNanos, long atNanos) {
        /** CPUs (cores) the process used on average since {@code before}. */
        public double processCores(Sample before) {
            return (processTicks - before.processTicks) / TICKS_PER_SECOND / seconds(before);
        }

        /** CPUs the whole machine used on average since {@code before}. */
        public double machineCores(Sample before) {
            return (machineBusyTicks - before.machineBusyTicks) / TICKS_PER_SECOND / seconds(before);
        }

        /** Threads of the process waiting for a CPU, on average since {@code before} (its share of the run queue). */
        public double processWaiting(Sample before) {
            return (waitedNanos - before.waitedNanos) / 1e9 / seconds(before);
        }

        private double seconds(Sample before) {
            return (atNanos - before.atNanos) / 1e9;
        }
    }

    /** Reads {@code pid}'s CPU time and the machine's; zeros where {@code /proc} is not there. */
    public static Sample sample(long pid) {
        long process = 0;
        long busy = 0;
        long total = 0;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            process = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] t = cpu.trim().split("\\s+");
            for (int i = 1; i < Math.min(t.length, 9); i++) { // user nice system idle iowait irq softirq steal
                long v = Long.parseLong(t[i]);
                total += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: report nothing rather than fail the benchmark
        }
        return new Sample(process, busy, total, waited(pid), System.nanoTime());
    }

    /** The run delay of every thread of {@code pid} ({@code /proc/<pid>/task/<tid>/schedstat}, second field). */
    private static long waited(long pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    sum += Long.parseLong(
                            Files.readString(task.resolve("schedstat")).trim().split(" ")[1]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return sum;
    }
}
