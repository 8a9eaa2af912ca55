package dev.tokenplane.agent.sampling;

import dev.tokenplane.agent.core.SystemReading;

/** Reads the machine's counters once per tick. Called from the sampler thread only. */
@FunctionalInterface
public interface SystemSource {

    /** Reads every counter now. Blocking (file reads), so never call it on an event loop. */
    SystemReading read();
}
