package dev.tokenplane.transfer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransferSettingsTest {

    @Test
    void shouldTakeEachFieldFromTheMostSpecificLevelThatSetsIt() {
        SettingsLayer override = SettingsLayer.NONE.withCanBorrow(false);
        SettingsLayer rule = new SettingsLayer(true, true, 2.0, null);
        SettingsLayer pool = new SettingsLayer(true, false, 5.0, 0.25);

        TransferSettings s = TransferSettings.resolve("p", "eu", override, rule, pool);

        assertThat(s).isEqualTo(new TransferSettings("p", "eu", false, true, 2.0, 0.25));
    }

    @Test
    void shouldFallBackToTheDefaults() {
        TransferSettings s = TransferSettings.resolve("p", null, SettingsLayer.NONE, null, SettingsLayer.NONE);

        assertThat(s).isEqualTo(new TransferSettings("p", "", TransferSettings.DEFAULT_CAN_BORROW,
                TransferSettings.DEFAULT_CAN_LEND, TransferSettings.DEFAULT_WEIGHT,
                TransferSettings.DEFAULT_RESERVE_FRACTION));
    }

    @Test
    void shouldApplyAPoolChangeAtRunTimeBelowRulesAndOverrides() {
        PoolSettings pools = new PoolSettings();
        SettingsLayer rule = SettingsLayer.NONE.withWeight(3.0);
        assertThat(pools.resolve("p", "eu", SettingsLayer.NONE, rule).canLend()).isTrue();

        pools.set("p", SettingsLayer.NONE.withCanLend(false).withWeight(9.0));

        TransferSettings after = pools.resolve("p", "eu", SettingsLayer.NONE, rule);
        assertThat(after.canLend()).isFalse();
        assertThat(after.weight()).isEqualTo(3.0);
        pools.set("p", SettingsLayer.NONE);
        assertThat(pools.all()).isEmpty();
    }

    @Test
    void shouldConvertWeightsToThousandths() {
        assertThat(TransferSettings.resolve("p", "", SettingsLayer.NONE.withWeight(0.5), null, null).weightUnits())
                .isEqualTo(500);
        assertThat(TransferSettings.resolve("p", "", SettingsLayer.NONE.withWeight(1e-9), null, null).weightUnits())
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
