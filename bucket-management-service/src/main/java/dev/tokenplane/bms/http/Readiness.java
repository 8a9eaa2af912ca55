package dev.tokenplane.bms.http;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Where the member is in its life: {@code /health/ready} and the {@code /v1} routes answer 503 unless READY. */
public final class Readiness {
    public enum State {
        STARTING,
        READY,
        STOPPING
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private volatile Supplier<Optional<String>> fault = Optional::empty;

    public State state() {
        return state.get();
    }

    public boolean ready() {
        return state.get() == State.READY;
    }

    public void ready(boolean ready) {
        state.updateAndGet(s -> s == State.STOPPING ? s : ready ? State.READY : State.STARTING);
    }

    /**
     * What keeps a started member out of readiness while it lasts (a journal that cannot write), with its reason.
     * {@code /health/ready} then answers 503 with the reason; the {@code /v1} routes stay open (decisions need no
     * disk, and a configuration write answers for itself).
     */
    public void faults(Supplier<Optional<String>> source) {
        this.fault = source;
    }

    /** The reason the member is not ready although started, if any. */
    public Optional<String> fault() {
        return fault.get();
    }

    /** From now on the member is shutting down; it never becomes ready again. */
    public void stopping() {
        state.set(State.STOPPING);
    }
}
