package dev.tokenplane.store;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test moves it. Thread-safe. */
public final class FakeClock implements InstantSource {
    private final AtomicLong millis;

    public FakeClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    public FakeClock() {
        this(1_700_000_000_000L);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    public long advance(long deltaMillis) {
        return millis.addAndGet(deltaMillis);
    }

    public long advance(Duration delta) {
        return advance(delta.toMillis());
    }

    public void set(long epochMillis) {
        millis.set(epochMillis);
    }
}
