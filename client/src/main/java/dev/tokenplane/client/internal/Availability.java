package dev.tokenplane.client.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the client can reach a BMS: up, or down since a moment, with the probe schedule.
 *
 * <p>Down begins when a decision gets no BMS answer within its timeout; while down, decisions go straight to the
 * fallback and probes run at {@code nextProbeAt}, further apart each time (the caller's backoff). Up begins again when
 * a probe succeeds. Time comes in as an argument; thread-safe (one immutable state behind compare-and-set).
 */
public final class Availability {

    /**
     * @param down         whether no BMS can be reached
     * @param downSince    epoch ms when it went down
     * @param probeAttempt probes failed since then
     * @param nextProbeAt  epoch ms of the next probe
     */
    public record State(boolean down, long downSince, int probeAttempt, long nextProbeAt) {
        static final State UP = new State(false, 0, 0, 0);
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.UP);

    public State state() {
        return state.get();
    }

    public boolean down() {
        return state.get().down();
    }

    /**
     * Goes down at {@code now} with the first probe {@code probeDelayMs} later. True when this call made the
     * transition (its caller starts the probes); false when it was down already.
     */
    public boolean markDown(long now, long probeDelayMs) {
        while (true) {
            State s = state.get();
            if (s.down()) {
                return false;
            }
            if (state.compareAndSet(s, new State(true, now, 0, now + probeDelayMs))) {
                return true;
            }
        }
    }

    /** A probe failed at {@code now}; the next one is {@code probeDelayMs} later. Returns the failed probes so far. */
    public int probeFailed(long now, long probeDelayMs) {
        while (true) {
            State s = state.get();
            if (!s.down()) {
                return 0;
            }
            State next = new State(true, s.downSince(), s.probeAttempt() + 1, now + probeDelayMs);
            if (state.compareAndSet(s, next)) {
                return next.probeAttempt();
            }
        }
    }

    /** Goes up at {@code now}. Returns how long it was down, in ms, or -1 when it was up already. */
    public long markUp(long now) {
        while (true) {
            State s = state.get();
            if (!s.down()) {
                return -1;
            }
            if (state.compareAndSet(s, State.UP)) {
                return Math.max(0, now - s.downSince());
            }
        }
    }

    /** While down: the time until the next probe, at least 1 ms (what a fail-closed denial tells callers). */
    public long retryAfterMs(long now) {
        return Math.max(1, state.get().nextProbeAt() - now);
    }
}
