package dev.tokenplane.bms.http;

import java.util.concurrent.atomic.AtomicReference;

/** Where the member is in its life: {@code /health/ready} and the {@code /v1} routes answer 503 unless READY. */
public final class Readiness {
    public enum State { STARTING, READY, STOPPING }

    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

    public State state() {
        return state.get();
    }

    public boolean ready() {
        return state.get() == State.READY;
    }

    public void ready(boolean ready) {
        state.updateAndGet(s -> s == State.STOPPING ? s : ready ? State.READY : State.STARTING);
    }

    /** From now on the member is shutting down; it never becomes ready again. */
    public void stopping() {
        state.set(State.STOPPING);
    }
}
