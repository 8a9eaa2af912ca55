package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules and overrides come back from the members' disks after a whole-cluster restart, and a member restarting from
 * a stale disk can neither bring back a deleted rule nor roll back a newer version.
 */
class PersistenceTest {

    @Test
    void shouldRestoreRulesAndOverridesAfterAWholeClusterRestart() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.start(0);
            cluster.start(1);
            Api a = cluster.api(0);
            Api b = cluster.api(1);
            a.put("/v1/rules/p-one", Map.of("match", "pone:*", "capacity", 11, "refillPerSecond", 1));
            b.put("/v1/rules/p-two", Map.of("match", "ptwo:*", "capacity", 12, "refillPerSecond", 1));
            b.put("/v1/rules/p-two", Map.of("match", "ptwo:*", "capacity", 13, "refillPerSecond", 1));
            a.put("/v1/buckets/pone:pinned/override", Map.of("capacity", 3, "refillPerSecond", 1));
            a.put("/v1/rules/free", Map.of("match", "free:*", "capacity", 99, "refillPerSecond", 9));
            b.delete("/v1/rules/login");

            // When every member stops and starts again
            cluster.stop(0);
            cluster.stop(1);
            cluster.start(1);
            cluster.start(0);
            Api a2 = cluster.api(0);
            Api b2 = cluster.api(1);

            // Then every acknowledged write is there, at its version, on both members
            for (Api api : new Api[] {a2, b2}) {
                assertThat(api.get("/v1/rules/p-one").json().get("capacity").asLong())
                        .isEqualTo(11);
                assertThat(api.get("/v1/rules/p-two").json().get("version").asLong())
                        .isEqualTo(2);
                assertThat(api.get("/v1/rules/p-two").json().get("capacity").asLong())
                        .isEqualTo(13);
                assertThat(api.get("/v1/rules/free").json().get("capacity").asLong())
                        .isEqualTo(99);
                assertThat(api.get("/v1/rules/login").status()).isEqualTo(404); // no example comes back
            }
            assertThat(b2.post("/v1/buckets/pone:pinned/acquire", "{}")
                            .json()
                            .get("capacity")
                            .asLong())
                    .isEqualTo(3);
        }
    }

    @Test
    void shouldNotResurrectOrRollBackFromAStaleDisk() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.start(0);
            cluster.start(1);
            Api a = cluster.api(0);
            a.put("/v1/rules/s-del", Map.of("match", "sdel:*", "capacity", 5, "refillPerSecond", 1));
            a.put("/v1/rules/s-upd", Map.of("match", "supd:*", "capacity", 5, "refillPerSecond", 1));
            a.put("/v1/buckets/supd:x/override", Map.of("capacity", 2, "refillPerSecond", 1));
            Await.until(() -> cluster.node(1).rules().get("s-upd") != null
                    && cluster.node(1).overrides().stored("supd:x") != null);

            // Given member 1 stops, then the rule is deleted, another updated and the override removed on member 0
            cluster.stop(1);
            assertThat(a.delete("/v1/rules/s-del").status()).isEqualTo(204);
            assertThat(a.put("/v1/rules/s-upd", Map.of("match", "supd:*", "capacity", 50, "refillPerSecond", 1))
                            .json()
                            .get("version")
                            .asLong())
                    .isEqualTo(2);
            assertThat(a.delete("/v1/buckets/supd:x/override").status()).isEqualTo(204);
            cluster.stop(0);

            // When the stale member starts first, and the up-to-date one joins it
            cluster.start(1);
            cluster.start(0);

            // Then the newer state wins on both: no deleted rule, no old version, no removed override
            for (int i = 0; i < 2; i++) {
                int member = i;
                Api api = cluster.api(i);
                Await.until(() -> api.get("/v1/rules/s-del").status() == 404);
                assertThat(api.get("/v1/rules/s-upd").json().get("capacity").asLong())
                        .isEqualTo(50);
                Await.until(() -> cluster.node(member).overrides().stored("supd:x") == null);
            }

            // And the stale member's disk has caught up: alone, it still knows the rule is deleted
            cluster.stop(0);
            cluster.stop(1);
            cluster.start(1);
            Api alone = cluster.api(1);
            assertThat(alone.get("/v1/rules/s-del").status()).isEqualTo(404);
            assertThat(alone.get("/v1/rules/s-upd").json().get("version").asLong())
                    .isEqualTo(2);
            assertThat(alone.post("/v1/buckets/supd:x/acquire", "{}")
                            .json()
                            .get("capacity")
                            .asLong())
                    .isEqualTo(50);
        }
    }
}
