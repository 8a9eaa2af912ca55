package dev.tokenplane.bms.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.transfer.SettingsLayer;
import dev.tokenplane.transfer.pool.BorrowBudget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A pool's stored settings as they are written to the replicated map and the disk, and read back. */
class PoolSettingsStoredTest {

    @Test
    void shouldReadABorrowBudgetStoredBeforeTheTimeBudgetExistedAsTheMembersBudget() {
        String older = "{\"pool\":\"p\",\"canLend\":false,\"borrowBudget\":{\"borrowAhead\":2.0,\"maxTokens\":3.0},"
                + "\"version\":0,\"updatedAt\":0}";

        PoolSettingsRegistry.Stored stored = ConfigCodec.read(older, PoolSettingsRegistry.Stored.class);

        assertThat(stored.borrowBudget()).isEqualTo(new BorrowBudget(2.0, 3.0, null));
        assertThat(stored.borrowBudget().timeBudget()).isNull();
    }

    @Test
    void shouldKeepThePoolsTimeBudgetThroughAWriteAndARead() {
        PoolSettingsRegistry.Stored written =
                PoolSettingsRegistry.Stored.of("p", SettingsLayer.NONE, null, new BorrowBudget(null, null, 250.0));

        PoolSettingsRegistry.Stored read =
                ConfigCodec.read(ConfigCodec.write(written), PoolSettingsRegistry.Stored.class);

        assertThat(read.borrowBudget().timeBudget()).isEqualTo(Duration.ofMillis(250));
    }
}
