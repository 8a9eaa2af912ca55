package dev.tokenplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransferSettingsTest {

    @Test
    void shouldTakeEachSwitchFromTheOverrideThenTheRule() {
        SettingsLayer override = SettingsLayer.NONE.withCanBorrow(true);
        SettingsLayer rule = new SettingsLayer(false, false, 2.0, null);

        TransferSettings s = TransferSettings.resolve("p", "eu", override, rule, SettingsLayer.NONE);

        assertThat(s)
                .isEqualTo(
                        new TransferSettings("p", "eu", true, false, 2.0, TransferSettings.DEFAULT_RESERVE_FRACTION));
    }

    @Test
    void shouldSwitchThePoolOffWhateverRulesAndOverridesSay() {
        // Given an override and a rule that both let the bucket borrow and lend
        SettingsLayer override = new SettingsLayer(true, true, null, null);
        SettingsLayer rule = new SettingsLayer(true, true, 2.0, 0.1);

        // When the pool's switches are off, they win; when they are on, they turn nothing on
        TransferSettings off =
                TransferSettings.resolve("p", "eu", override, rule, new SettingsLayer(false, false, null, null));
        TransferSettings on = TransferSettings.resolve(
                "p",
                "eu",
                SettingsLayer.NONE,
                new SettingsLayer(false, false, 1.0, 0.1),
                new SettingsLayer(true, true, null, null));

        assertThat(off.canBorrow()).isFalse();
        assertThat(off.canLend()).isFalse();
        assertThat(on.canBorrow()).isFalse();
        assertThat(on.canLend()).isFalse();
    }

    @Test
    void shouldPutThePoolsWeightAndReserveBetweenTheOverrideAndTheRule() {
        SettingsLayer rule = new SettingsLayer(true, true, 2.0, 0.1);
        SettingsLayer pool = new SettingsLayer(null, null, 5.0, 0.25);

        TransferSettings fromPool = TransferSettings.resolve("p", "eu", SettingsLayer.NONE, rule, pool);
        TransferSettings fromOverride =
                TransferSettings.resolve("p", "eu", SettingsLayer.NONE.withWeight(7.0), rule, pool);

        assertThat(fromPool).isEqualTo(new TransferSettings("p", "eu", true, true, 5.0, 0.25));
        assertThat(fromOverride).isEqualTo(new TransferSettings("p", "eu", true, true, 7.0, 0.25));
    }

    @Test
    void shouldFallBackToTheDefaults() {
        TransferSettings s = TransferSettings.resolve("p", null, SettingsLayer.NONE, null, SettingsLayer.NONE);

        assertThat(s)
                .isEqualTo(new TransferSettings(
                        "p",
                        "",
                        TransferSettings.DEFAULT_CAN_BORROW,
                        TransferSettings.DEFAULT_CAN_LEND,
                        TransferSettings.DEFAULT_WEIGHT,
                        TransferSettings.DEFAULT_RESERVE_FRACTION));
    }

    @Test
    void shouldApplyAPoolChangeAtRunTime() {
        PoolSettings pools = new PoolSettings();
        SettingsLayer rule = new SettingsLayer(true, true, 3.0, 0.1);
        assertThat(pools.resolve("p", "eu", SettingsLayer.NONE, rule).canLend()).isTrue();

        pools.set("p", SettingsLayer.NONE.withCanLend(false).withWeight(9.0));

        TransferSettings after = pools.resolve("p", "eu", SettingsLayer.NONE, rule);
        assertThat(after.canLend()).isFalse();
        assertThat(after.weight()).isEqualTo(9.0);
        pools.set("p", SettingsLayer.NONE);
        assertThat(pools.all()).isEmpty();
        assertThat(pools.resolve("p", "eu", SettingsLayer.NONE, rule).canLend()).isTrue();
    }

    @Test
    void shouldConvertWeightsToThousandths() {
        assertThat(TransferSettings.resolve("p", "", SettingsLayer.NONE.withWeight(0.5), null, null)
                        .weightUnits())
                .isEqualTo(500);
        assertThat(TransferSettings.resolve("p", "", SettingsLayer.NONE.withWeight(1e-9), null, null)
                        .weightUnits())
                .isEqualTo(1);
    }

    @Test
    void shouldRejectOperatorInputOutOfRangeNamingTheField() {
        assertThatThrownBy(() -> SettingsLayer.NONE.withWeight(0.0)).hasMessageContaining("weight must be in (0,");
        assertThatThrownBy(() -> SettingsLayer.NONE.withReserveFraction(1.01))
                .hasMessageContaining("reserveFraction must be in [0, 1]");
        assertThatThrownBy(() -> SettingsLayer.NONE.withWeight(Double.NaN)).hasMessageContaining("weight");
    }
}
