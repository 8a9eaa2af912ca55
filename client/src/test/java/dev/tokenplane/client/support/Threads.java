package dev.tokenplane.client.support;

import java.util.Set;
import java.util.stream.Collectors;

/** This JVM's live threads. */
public final class Threads {
    private Threads() {}

    public static Set<Thread> live() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .collect(Collectors.toSet());
    }

    /**
     * Live threads that were not in {@code before}, leaving out the JDK's own ("process reaper" from starting the BMS
     * process, the common pool, the attach listener): the threads something in the test started and did not stop.
     */
    public static Set<String> startedSince(Set<Thread> before) {
        return live().stream()
                .filter(t -> !before.contains(t))
                .map(Thread::getName)
                .filter(n -> !n.startsWith("process reaper")
                        && !n.startsWith("ForkJoinPool.commonPool")
                        && !n.equals("Attach Listener"))
                .collect(Collectors.toSet());
    }
}
