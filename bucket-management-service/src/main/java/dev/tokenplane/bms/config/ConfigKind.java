package dev.tokenplane.bms.config;

/** The kinds of replicated, persisted configuration, each in its own Hazelcast map. */
public enum ConfigKind {
    RULE("tp.rules"),
    OVERRIDE("tp.overrides"),
    /** The transfer protocol's run-time settings per pool ({@code PUT /v1/pools/{pool}/settings}). */
    POOL("tp.pool-settings");

    private final String mapName;

    ConfigKind(String mapName) {
        this.mapName = mapName;
    }

    public String mapName() {
        return mapName;
    }
}
