package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.runtime.settings.InvalidSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hazelcast's invocation timeouts follow {@code BMS_REQUEST_TIMEOUT_MS} instead of its 60 s and 250 retries. */
class InvocationTimeoutsTest {

    @Test
    void shouldMatchHazelcastsCallTimeoutAndRetriesToTheRequestDeadline() {
        Config standard = HazelcastMember.config(BmsSettings.defaults(), "a-cluster-secret-for-this-test");
        Config fast = HazelcastMember.config(
                BmsSettings.resolve(name -> null, Map.of("BMS_REQUEST_TIMEOUT_MS", "500")),
                "a-cluster-secret-for-this-test");

        assertThat(BmsSettings.defaults().requestTimeoutMs()).isEqualTo(2000);
        assertThat(standard.getProperty("hazelcast.operation.call.timeout.millis"))
                .isEqualTo("2000");
        assertThat(standard.getProperty("hazelcast.invocation.retry.pause.millis"))
                .isEqualTo("100");
        assertThat(standard.getProperty("hazelcast.invocation.max.retry.count")).isEqualTo("40");
        assertThat(fast.getProperty("hazelcast.operation.call.timeout.millis")).isEqualTo("500");
        assertThat(fast.getProperty("hazelcast.invocation.max.retry.count")).isEqualTo("10");
    }

    @Test
    void shouldRefuseADeadlineOutsideItsRange() {
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_REQUEST_TIMEOUT_MS", "99")::get, Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("BMS_REQUEST_TIMEOUT_MS");
    }
}
