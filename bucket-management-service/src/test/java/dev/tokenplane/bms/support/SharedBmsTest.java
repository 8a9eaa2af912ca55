package dev.tokenplane.bms.support;

import org.junit.jupiter.api.BeforeAll;

/** Base of the HTTP tests that share one member ({@link SharedBms}). */
public abstract class SharedBmsTest {
    protected static SharedBms bms;
    protected static Api api;

    @BeforeAll
    static void startSharedMember() throws Exception {
        bms = SharedBms.get();
        api = bms.api;
    }
}
