package dev.tokenplane.store.hazelcast;

import java.time.Instant;
import java.time.InstantSource;

/** A member clock that a test points at a fresh fake clock per test, since the member outlives the test. */
public final class SwitchableClock implements InstantSource {
    private volatile InstantSource delegate = InstantSource.system();

    public void use(InstantSource clock) {
        delegate = clock;
    }

    @Override
    public long millis() {
        return delegate.millis();
    }

    @Override
    public Instant instant() {
        return delegate.instant();
    }
}
