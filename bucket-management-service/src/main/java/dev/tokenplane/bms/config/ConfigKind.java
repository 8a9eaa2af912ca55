package dev.tokenplane.bms.config;

/** The kinds of replicated, persisted configuration, each in its own Hazelcast map. */
public enum ConfigKind {
    RULE("tp.rules"),
    OVERRIDE("tp.overrides");

    private final String mapName;

    ConfigKind(String mapName) {
        this.mapName = mapName;
    }

    public String mapName() {
        return mapName;
    }
}
