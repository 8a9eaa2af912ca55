package dev.tokenplane.bms;

import dev.tokenplane.bms.logging.LogSetup;
import dev.tokenplane.runtime.settings.InvalidSettingException;
import dev.tokenplane.store.hazelcast.RuntimeTuning;
import java.time.InstantSource;
import java.util.Map;

/**
 * Starts a {@link DataMember} for BMS processes in client mode: {@code java -cp bms.jar
 * dev.tokenplane.bms.DataMemberMain}, configured by the BMS's own environment variables ({@code BMS_HAZELCAST_HOST},
 * {@code BMS_HAZELCAST_PORT}, {@code BMS_HAZELCAST_CLIENT_PORT}, {@code BMS_CLUSTER_MEMBERS} (the other data members'
 * member ports), {@code BMS_CLUSTER_NAME}, {@code BMS_CLUSTER_SECRET} or {@code BMS_CLUSTER_SECRET_FILE},
 * {@code BMS_MAX_BUCKETS}, {@code BMS_EXPECTED_MEMBERS}, {@code BMS_DISCOVERY}, {@code BMS_LOG_*}). A bad value stops
 * it with exit code 2. SIGTERM leaves the cluster gracefully.
 */
public final class DataMemberMain {

    private DataMemberMain() {}

    public static void main(String[] args) throws Exception {
        RuntimeTuning.applyCommonPoolDefault(); // before anything touches ForkJoinPool
        BmsSettings settings;
        try {
            settings = BmsSettings.resolve(System::getenv, Map.of());
        } catch (InvalidSettingException e) {
            System.err.println("bms data member: " + e.getMessage());
            System.exit(2);
            return;
        }
        LogSetup.apply(settings.logLevel(), settings.logFormat() == BmsSettings.LogFormat.JSON);
        DataMember member = DataMember.start(settings, InstantSource.system());
        Runtime.getRuntime().addShutdownHook(new Thread(member::close, "bms-data-shutdown"));
        System.out.println("BMS data member ready: members at " + settings.hazelcastHost() + ":"
                + settings.hazelcastPort() + ", clients at " + settings.hazelcastHost() + ":"
                + settings.hazelcastClientPort());
        System.out.flush();
    }
}
