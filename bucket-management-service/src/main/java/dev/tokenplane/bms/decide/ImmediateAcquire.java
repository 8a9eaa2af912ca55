package dev.tokenplane.bms.decide;

import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;

/**
 * A store that can answer some acquires at once, on the calling thread, without a remote call (a hot key's
 * member-local lease, {@link dev.tokenplane.bms.hotkeys.HotKeyStore}): {@link DecisionService#acquireNow} asks it
 * first, and the request skips the whole asynchronous path when it answers.
 */
public interface ImmediateAcquire {
    /**
     * The grant of {@code tokens} at the bucket {@code key} when this member can give it now; else null, and nothing
     * was counted or taken: the caller then asks the store as usual ({@code acquire}), which counts the request once.
     * Never a denial: a denial is the owner's.
     */
    AcquireResult.Granted acquireNow(String key, BucketSpec spec, long tokens, long maxWaitMs);
}
