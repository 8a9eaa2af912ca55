package dev.tokenplane.chaos;

import java.time.Duration;
import java.util.Set;

/**
 * One fault of the schedule: how it is injected, how long it lasts, how it ends, and what the docs allow while it
 * lasts.
 *
 * @param name        short name (table row, chart marker)
 * @param description what happens, for the report
 * @param bound       the over-admission bound the docs state for it
 * @param boundSource where the docs state it
 * @param inject      starts the fault
 * @param hold        how long it lasts
 * @param recover     ends it (the cluster must then become whole on its own)
 * @param poolMembers the members the pool's traffic goes to meanwhile (one side of a partition, see PoolLedger)
 * @param check       checks what the fault must leave behind, once the cluster is whole again
 */
record Fault(
        String name,
        String description,
        OverAdmission.Bound bound,
        String boundSource,
        Action inject,
        Duration hold,
        Action recover,
        Set<Integer> poolMembers,
        Action check) {

    Fault(
            String name,
            String description,
            OverAdmission.Bound bound,
            String boundSource,
            Action inject,
            Duration hold,
            Action recover,
            Set<Integer> poolMembers) {
        this(name, description, bound, boundSource, inject, hold, recover, poolMembers, () -> {});
    }

    /** A step of a fault, which may start or signal processes. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    static final Set<Integer> ALL = Set.of(1, 2, 3);
}
